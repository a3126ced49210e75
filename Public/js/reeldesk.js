// Reeldesk live updates: one EventSource per page. The pages work without this file; it only
// keeps statuses, progress bars and the history current without reloading.
(function () {
  "use strict";

  function counter() {
    var prompt = document.getElementById("prompt");
    var out = document.querySelector('[data-counter-for="prompt"]');
    if (!prompt || !out) return;
    var update = function () { out.textContent = String(prompt.value.length); };
    prompt.addEventListener("input", update);
    update();
  }

  function cell(text, href) {
    var td = document.createElement("td");
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      td.appendChild(a);
    } else {
      td.textContent = text;
    }
    return td;
  }

  function applyStatus(root, t) {
    var status = root.querySelector('[data-field="status"]');
    if (status) {
      status.textContent = t.status_label;
      status.className = "status status-" + t.status;
    }
    root.querySelectorAll('[data-field="progress"]').forEach(function (p) {
      p.value = t.progress;
      p.hidden = ["completed", "failed", "timed_out", "expired", "cancelled"].indexOf(t.status) >= 0 && !root.matches("article");
    });
    var text = root.querySelector('[data-field="progress-text"]');
    if (text) text.textContent = t.progress + "%";
    var err = root.querySelector('[data-field="error"]');
    if (err) {
      err.textContent = t.error_message || "";
      err.hidden = !t.error_message;
    }
    var line = root.querySelector('[data-field="progress-line"]');
    if (line) line.hidden = t.is_terminal;
    var elapsed = root.querySelector('[data-field="elapsed"]');
    if (elapsed && t.submitted_at) elapsed.setAttribute("data-submitted-at", String(Math.floor(t.submitted_at)));
    var estimate = root.querySelector('[data-field="estimate"]');
    if (estimate && t.estimated_seconds) estimate.textContent = "about " + formatDuration(t.estimated_seconds);
    var slot = root.querySelector('[data-field="player-slot"]');
    if (slot && t.video_url && !slot.querySelector("video")) showPlayer(slot, t);
  }

  function showPlayer(slot, t) {
    var video = document.createElement("video");
    video.controls = true;
    video.preload = "metadata";
    video.setAttribute("playsinline", "");
    if (t.poster_url) video.poster = t.poster_url;
    video.src = t.video_url;
    slot.appendChild(video);
    var meta = document.createElement("p");
    meta.className = "video-meta";
    if (t.video_meta) meta.appendChild(document.createTextNode(t.video_meta + " · "));
    var link = document.createElement("a");
    link.href = t.download_url;
    link.setAttribute("download", "");
    link.textContent = "Download";
    meta.appendChild(link);
    slot.appendChild(meta);
  }

  function formatDuration(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    if (s < 60) return s + " s";
    var rest = s % 60;
    return Math.floor(s / 60) + " min " + (rest < 10 ? "0" : "") + rest + " s";
  }

  function tickElapsed() {
    document.querySelectorAll('[data-field="elapsed"]').forEach(function (el) {
      var line = el.closest('[data-field="progress-line"]');
      var since = parseInt(el.getAttribute("data-submitted-at"), 10);
      if (!since || (line && line.hidden)) return;
      el.textContent = formatDuration(Date.now() / 1000 - since);
    });
  }

  function newRow(t) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-task-id", String(t.id));
    tr.appendChild(cell(String(t.id), t.url));
    var prompt = cell(t.prompt.length > 90 ? t.prompt.slice(0, 89) + "…" : t.prompt, t.url);
    prompt.className = "prompt-cell";
    tr.appendChild(prompt);
    tr.appendChild(cell(t.aspect_ratio + " · " + t.resolution + " · " + t.duration + " s"));
    var st = document.createElement("td");
    var badge = document.createElement("span");
    badge.setAttribute("data-field", "status");
    st.appendChild(badge);
    st.appendChild(document.createTextNode(" "));
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.setAttribute("data-field", "progress");
    st.appendChild(bar);
    tr.appendChild(st);
    tr.appendChild(cell(new Date(t.created_at * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC"));
    applyStatus(tr, t);
    return tr;
  }

  function onTask(t, isNew) {
    document.querySelectorAll('[data-task-id="' + t.id + '"]').forEach(function (el) { applyStatus(el, t); });
    if (!isNew) return;
    document.querySelectorAll('table[data-live="tasks"] tbody').forEach(function (body) {
      if (body.querySelector('[data-task-id="' + t.id + '"]')) return;
      var empty = body.querySelector("tr.empty");
      if (empty) empty.remove();
      body.insertBefore(newRow(t), body.firstChild);
    });
  }

  function connect() {
    if (!window.EventSource) return;
    var after = document.body.getAttribute("data-last-event-id") || "";
    var article = document.querySelector("article.task[data-task-id]");
    var url = "/events?after=" + encodeURIComponent(after);
    if (article) url += "&task=" + article.getAttribute("data-task-id");
    var source = new EventSource(url);
    source.addEventListener("task.created", function (e) { onTask(JSON.parse(e.data), true); });
    source.addEventListener("task.updated", function (e) { onTask(JSON.parse(e.data), false); });
    // Too far behind for an exact replay (e.g. a tab left open for days): start afresh.
    source.addEventListener("reload", function () { source.close(); window.location.reload(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    counter();
    connect();
    setInterval(tickElapsed, 1000);
  });
})();
