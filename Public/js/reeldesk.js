// Reeldesk in the browser. The pages work without this file; it keeps every visible field live
// (status, progress, elapsed time, upstream id, errors, actions, family, player), shares one
// event stream among all tabs (live-worker.js), and keeps forms from being sent twice.
(function () {
  "use strict";

  var seen = 0;  // the newest event id this page has applied

  /** The event stream's address, from the page (the routes own every path). */
  function eventsURL(after) {
    return document.body.getAttribute("data-events-url") + "?after=" + encodeURIComponent(String(after));
  }

  // ---- One stream per browser -------------------------------------------------------------

  /** Calls `onEvent(kind, id, data)` for each event after `after`; `onReload()` when the page
   *  must start afresh. SharedWorker, else a BroadcastChannel leader tab, else EventSource. */
  function connectLive(after, onEvent, onReload) {
    if (window.SharedWorker) {
      try {
        var worker = new SharedWorker("/static/js/live-worker.js", { name: "reeldesk-live" });
        worker.port.onmessage = function (m) {
          var msg = m.data || {};
          if (msg.type === "event") onEvent(msg.kind, msg.id, msg.data);
          else if (msg.type === "reload") onReload();
        };
        worker.port.start();
        worker.port.postMessage({ type: "hello", after: after, url: eventsURL(after) });
        window.addEventListener("pagehide", function () { worker.port.postMessage({ type: "bye" }); });
        return;
      } catch (e) { /* fall through */ }
    }
    if (window.BroadcastChannel && navigator.locks) { leaderTab(after, onEvent, onReload); return; }
    var source = openSource(after, onEvent, onReload);
    window.addEventListener("pagehide", function () { source.close(); });
  }

  function openSource(after, onEvent, onReload) {
    var source = new EventSource(eventsURL(after));
    ["task.created", "task.updated", "task.deleted"].forEach(function (kind) {
      source.addEventListener(kind, function (e) { onEvent(kind, parseInt(e.lastEventId, 10) || 0, e.data); });
    });
    source.addEventListener("reload", function () { source.close(); onReload(); });
    return source;
  }

  /** Without SharedWorker: the tab holding a Web Lock streams and relays on a channel. */
  function leaderTab(after, onEvent, onReload) {
    var channel = new BroadcastChannel("reeldesk-live");
    channel.onmessage = function (m) {
      if (m.data.type === "event") onEvent(m.data.kind, m.data.id, m.data.data);
      else if (m.data.type === "reload") onReload();
    };
    var release = null;
    navigator.locks.request("reeldesk-live", function () {
      return new Promise(function (resolve) {
        release = resolve;
        var source = openSource(Math.max(after, seen), function (kind, id, data) {
          channel.postMessage({ type: "event", kind: kind, id: id, data: data });
          onEvent(kind, id, data);
        }, function () { channel.postMessage({ type: "reload" }); onReload(); });
        window.addEventListener("pagehide", function () { source.close(); resolve(); });
      });
    });
    window.addEventListener("pagehide", function () { if (release) release(); channel.close(); });
  }

  // ---- Applying events --------------------------------------------------------------------

  /** A task event: `task` in the API's shape, `view` with its words and, when the markup
   *  changes (a new task, a finished one), its server-rendered row, card, player and family
   *  line. The page builds no markup: it inserts those, or updates a badge and a bar. */
  function onEvent(kind, id, data) {
    if (id && id <= seen) return;
    if (id) seen = id;
    var e;
    try { e = JSON.parse(data); } catch (x) { return; }
    if (kind === "task.deleted") { removeTask(e.id, e.hidden); return; }
    if (!e.task || !e.view) return;
    document.querySelectorAll('[data-task-id="' + e.id + '"]').forEach(function (el) {
      var html = el.matches("tr") ? e.view.row_html : el.matches("li.card") ? e.view.card_html : null;
      if (html) replaceFragment(el, html);
      else applyStatus(el, e.task, e.view);
    });
    if (kind === "task.created") { addRow(e); addToFamily(e); countNewer(); }
    if (e.finished) tellOwner(e);
  }

  // ---- Telling the owner: a badge in the tab title, and a notification if allowed ----------

  var me = 0, unread = 0, baseTitle = "", told = {};

  function tellOwner(e) {
    var t = e.task;
    if (!me || t.owner_id !== me || told[t.id]) return;
    told[t.id] = true;
    unread++;
    document.title = "(" + unread + ") " + baseTitle;
    if (window.Notification && Notification.permission === "granted") {
      try {
        new Notification("Task " + t.id + ": " + e.view.status_label, { body: t.prompt.slice(0, 140), tag: "reeldesk-task-" + t.id });
      } catch (e) { /* some browsers allow notifications only from a service worker */ }
    }
  }

  function notifications() {
    me = parseInt(document.body.getAttribute("data-viewer-id"), 10) || 0;
    baseTitle = document.title;
    // Read: the badge goes when the person is back on the page.
    function clear() { if (unread) { unread = 0; document.title = baseTitle; } }
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") clear(); });
    document.addEventListener("pointerdown", clear);
    document.addEventListener("keydown", clear);
    var ask = document.querySelector("[data-notify-me]");
    if (ask && me && window.Notification && Notification.permission === "default") {
      ask.hidden = false;
      ask.addEventListener("click", function () {
        Notification.requestPermission().then(function () { ask.hidden = true; });
      });
    }
  }

  function field(root, name) { return root.querySelector('[data-field="' + name + '"]'); }

  function show(el, visible) { if (el) el.hidden = !visible; }

  /** The parts of a row, a card, a task page, a compare column or a family line that follow
   *  the task between fragments: its badge, bar, timings, error and actions. */
  function applyStatus(root, t, v) {
    if (root.getAttribute("data-field") === "video-meta") { if (v.video_meta) root.textContent = v.video_meta; return; }
    var status = field(root, "status");
    if (status) { status.textContent = v.status_label; status.className = "status status-" + t.status; }
    root.querySelectorAll('[data-field="progress"]').forEach(function (p) {
      p.value = t.progress;
      if (!root.matches("article")) p.hidden = v.is_terminal;
    });
    var text = field(root, "progress-text");
    if (text) text.textContent = t.progress + "%";
    var err = field(root, "error");
    if (err) { err.textContent = t.error_message || ""; err.hidden = !t.error_message; }
    show(field(root, "progress-line"), !v.is_terminal);
    var elapsed = field(root, "elapsed");
    if (elapsed && t.submitted_at) elapsed.setAttribute("data-submitted-at", String(Math.floor(t.submitted_at)));
    var estimate = field(root, "estimate");
    if (estimate && v.estimate) estimate.textContent = v.estimate;
    var upstream = field(root, "upstream-task-id");
    if (upstream) upstream.textContent = t.upstream_task_id || "—";
    show(field(root, "cancel-note"), t.status === "cancelled");
    if (root.matches("article")) applyActions(root, v);
    var slot = field(root, "player-slot");
    if (slot && v.player_html && !slot.querySelector("video")) slot.replaceChildren(fragment(v.player_html));
    var cell = field(root, "compare-slot");
    if (cell && v.compare_html && !cell.querySelector("video")) cell.replaceChildren(fragment(v.compare_html));
  }

  function applyActions(root, v) {
    var retry = root.querySelector('[data-action="retry"]');
    if (retry && !retry.hasAttribute("data-retried")) show(retry, v.can_retry);
    // A refused prompt fails again on Retry: Remix becomes the first choice, and the page says why.
    var remix = field(root, "remix"), retryButton = field(root, "retry-button");
    if (remix) remix.classList.toggle("primary", !!v.content_refused);
    if (retryButton) retryButton.classList.toggle("primary", !v.content_refused);
    show(field(root, "refused-hint"), !!v.content_refused);
    show(root.querySelector('[data-action="cancel"]'), v.can_cancel);
    show(root.querySelector('[data-action="delete"]'), v.can_delete);
  }

  /** Server-rendered HTML (escaped by the templates) as nodes; a <template> parses a <tr> too. */
  function fragment(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    return tpl.content;
  }

  /** The fragment each live row or card was last made from. */
  var shown = new WeakMap();

  /** A history row or card becomes the server's rendering of its task as it is now; a ticked
   *  box stays ticked and keeps the focus. An unchanged fragment leaves a playing preview be. */
  function replaceFragment(el, html) {
    if (shown.get(el) === html) return;
    var next = fragment(html).firstElementChild;
    if (!next) return;
    var pick = el.querySelector("input.pick"), nextPick = next.querySelector("input.pick");
    var focused = pick && document.activeElement === pick;
    if (pick && nextPick) nextPick.checked = pick.checked;
    el.replaceWith(next);
    shown.set(next, html);
    if (focused && nextPick) nextPick.focus();
  }

  /** A new attempt or derived task appears in its parent's family list at once. */
  function addToFamily(e) {
    var article = document.querySelector("article.task");
    if (!article || !e.view.family_html || String(e.task.parent_id) !== article.getAttribute("data-task-id")) return;
    var list = field(article, "family-list");
    if (!list || list.querySelector('[data-child-id="' + e.id + '"]')) return;
    list.appendChild(fragment(e.view.family_html));
    show(field(article, "family"), true);
    if (e.task.lineage === "retry") {
      var retry = article.querySelector('[data-action="retry"]');
      if (retry) { retry.setAttribute("data-retried", ""); retry.hidden = true; }
    }
  }

  /** Live lists keep their meaning: the newest N, N being the page's own size. */
  function addRow(e) {
    document.querySelectorAll('table[data-live="tasks"] tbody, ul[data-live="tasks"]').forEach(function (body) {
      if (body.querySelector('[data-task-id="' + e.id + '"]')) return;
      var empty = body.querySelector(".empty");
      if (empty) empty.remove();
      var html = body.tagName === "UL" ? e.view.card_html : e.view.row_html;
      var item = fragment(html).firstElementChild;
      if (!item) return;
      shown.set(item, html);
      body.insertBefore(item, body.firstChild);
      var host = body.tagName === "UL" ? body : body.parentNode;
      var limit = parseInt(host.getAttribute("data-limit"), 10) || 50;
      var rows = body.querySelectorAll("[data-task-id]");
      for (var i = limit; i < rows.length; i++) rows[i].remove();
    });
  }

  /** Hovering or focusing a card plays its video muted; leaving stops it. */
  function previews() {
    function video(e) {
      var card = e.target.closest && e.target.closest(".card");
      return card ? card.querySelector("[data-preview]") : null;
    }
    function start(e) {
      var v = video(e);
      if (!v) return;
      if (!v.src) v.src = v.getAttribute("data-src");
      v.play().then(function () { v.classList.add("playing"); }).catch(function () {});
    }
    function stop(e) {
      var v = video(e);
      if (!v || (e.relatedTarget && v.closest(".card").contains(e.relatedTarget))) return;
      v.pause();
      v.classList.remove("playing");
    }
    document.addEventListener("mouseover", start);
    document.addEventListener("focusin", start);
    document.addEventListener("mouseout", stop);
    document.addEventListener("focusout", stop);
  }

  /** An older history page does not grow; it says how many newer tasks exist. */
  function countNewer() {
    var notice = document.querySelector('[data-field="newer-notice"]');
    if (!notice) return;
    var count = field(notice, "newer-count");
    count.textContent = String((parseInt(count.textContent, 10) || 0) + 1);
    notice.hidden = false;
  }

  /** A deleted task, or (`hidden`) one its owner made private: gone from lists, marked on its page. */
  function removeTask(id, hidden) {
    document.querySelectorAll('tr[data-task-id="' + id + '"], li[data-task-id="' + id + '"]').forEach(function (el) { el.remove(); });
    var article = document.querySelector('article.task[data-task-id="' + id + '"]');
    if (article) {
      var status = field(article, "status");
      if (status) { status.textContent = hidden ? "No longer shared" : "Deleted"; status.className = "status status-cancelled"; }
    }
  }

  // ---- Time --------------------------------------------------------------------------------

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

  // ---- Forms -------------------------------------------------------------------------------

  /** A form marked data-once is sent once: the button says it is working, later clicks do
   *  nothing (the server also refuses a repeated submission token). */
  function guardForms() {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        var question = form.getAttribute("data-confirm");
        if (form.hasAttribute("data-sent") || (question && !window.confirm(question))) { e.preventDefault(); return; }
        form.setAttribute("data-sent", "");
        var button = form.querySelector("button[type=submit]");
        if (button) {
          button.setAttribute("aria-disabled", "true");
          button.classList.add("busy");
          if (button.getAttribute("data-busy-label")) button.textContent = button.getAttribute("data-busy-label");
        }
      });
    });
    // Back to a page kept in the browser's cache: its forms may be used again (the token
    // still makes a repeat land on the first result).
    window.addEventListener("pageshow", function (e) {
      if (!e.persisted) return;
      document.querySelectorAll("form[data-sent]").forEach(function (f) { f.removeAttribute("data-sent"); });
    });
  }

  function counter() {
    var prompt = document.getElementById("prompt");
    var out = document.querySelector('[data-counter-for="prompt"]');
    if (!prompt || !out) return;
    var update = function () { out.textContent = String(prompt.value.length); };
    prompt.addEventListener("input", update);
    update();
  }

  /** Thumbnails of chosen images; a kept image can be dropped. */
  function framePreviews() {
    document.querySelectorAll('input[type=file]').forEach(function (input) {
      // The slot gets an <img> only once there is something to show (an <img> without a
      // source is invalid HTML and a broken-image icon).
      var slot = document.querySelector('[data-preview-for="' + input.id + '"]');
      input.addEventListener("change", function () {
        if (!slot) return;
        var file = input.files && input.files[0];
        var preview = slot.querySelector("img");
        if (preview) { URL.revokeObjectURL(preview.src); preview.remove(); }
        if (file) {
          preview = document.createElement("img");
          preview.className = "thumb preview";
          preview.alt = "";
          preview.src = URL.createObjectURL(file);
          slot.appendChild(preview);
        }
        var kept = input.parentNode.querySelector("[data-kept]");
        if (kept && file) kept.remove();
      });
    });
    document.querySelectorAll("[data-unkeep]").forEach(function (button) {
      button.addEventListener("click", function () { button.closest("[data-kept]").remove(); });
    });
  }

  /** The estimated upstream cost, live as the fields change (CONTRACT.md §6: tokens =
   *  width × height × (24 × seconds + 1) / 1024, at the team's rates per million tokens). */
  function costEstimate() {
    var box = document.querySelector("[data-cost]");
    var form = box && box.closest("form");
    if (!form) return;
    var pixels = JSON.parse(box.getAttribute("data-pixels") || "{}");
    var out = field(box, "cost-estimate");
    function firstN(chosen, all, n) {
      return [chosen].concat(all.filter(function (v) { return v !== chosen; })).slice(0, n);
    }
    // The same plan as the server's (Variations.plan): the chosen value first.
    function variants(base, n, vary) {
      var list = [];
      if (vary === "aspect_ratio") {
        var ratios = Array.prototype.map.call(form.querySelectorAll('input[name="aspect_ratio"]'), function (r) { return r.value; });
        firstN(base.ratio, ratios, n).forEach(function (r) { list.push({ resolution: base.resolution, ratio: r, seconds: base.seconds }); });
      } else if (vary === "resolution") {
        var resolutions = Array.prototype.map.call(form.elements.resolution.options, function (o) { return o.value; });
        firstN(base.resolution, resolutions, n).forEach(function (r) { list.push({ resolution: r, ratio: base.ratio, seconds: base.seconds }); });
      } else if (vary === "duration") {
        var all = [4, 5, 6, 7, 8, 9, 10, 11, 12].sort(function (a, b) {
          return (Math.abs(a - base.seconds) - Math.abs(b - base.seconds)) || a - b;
        });
        all.slice(0, n).forEach(function (s) { list.push({ resolution: base.resolution, ratio: base.ratio, seconds: s }); });
      } else {
        for (var i = 0; i < n; i++) list.push(base);
      }
      return list;
    }
    var update = function () {
      var ratio = form.querySelector('input[name="aspect_ratio"]:checked');
      var base = { resolution: form.elements.resolution.value, ratio: ratio ? ratio.value : "16:9",
                   seconds: parseInt(form.elements.duration.value, 10) };
      var audio = form.elements.audio.checked;
      var rate = parseFloat(box.getAttribute(audio ? "data-rate-audio" : "data-rate-silent"));
      var n = form.elements.variations ? parseInt(form.elements.variations.value, 10) || 1 : 1;
      var vary = form.elements.vary ? form.elements.vary.value : "seed";
      var usd = 0;
      var list = variants(base, n, vary);
      for (var i = 0; i < list.length; i++) {
        var v = list[i], px = pixels[v.resolution + " " + v.ratio];
        if (!px || !(v.seconds >= 4 && v.seconds <= 12) || !(rate >= 0)) { out.textContent = "—"; return; }
        usd += px * (24 * v.seconds + 1) / 1024 / 1e6 * rate;
      }
      out.textContent = "$" + usd.toFixed(2) + (list.length > 1 ? " for " + list.length + " videos" : "");
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  // ---- Compare: the videos play, pause and seek as one ------------------------------------

  function compareSync() {
    var root = document.querySelector("section[data-compare]");
    if (!root) return;
    var play = root.querySelector("[data-compare-play]");
    var seek = root.querySelector("[data-compare-seek]");
    var time = root.querySelector("[data-compare-time]");
    var sound = root.querySelector("[data-compare-sound]");
    if (!play || !seek || !time || !sound) return;
    // Videos of tasks still running arrive later (applyStatus): always ask the page.
    var videos = [], lead = null;
    function refresh() {
      videos = Array.prototype.slice.call(root.querySelectorAll("[data-compare-video]"));
      lead = videos[0] || null;
      return lead;
    }
    var seeking = false;
    function longest() { return videos.reduce(function (m, v) { return Math.max(m, v.duration || 0); }, 0); }
    function setAll(t) {
      videos.forEach(function (v) { v.currentTime = Math.min(t, Math.max(0, (v.duration || t) - 0.05)); });
    }
    play.addEventListener("click", function () {
      if (!refresh()) return;
      if (lead.paused) {
        videos.forEach(function (v) { v.play().catch(function () {}); });
        play.textContent = "Pause";
      } else {
        videos.forEach(function (v) { v.pause(); });
        setAll(lead.currentTime);
        play.textContent = "Play";
      }
    });
    seek.addEventListener("input", function () {
      if (!refresh()) return;
      seeking = true;
      setAll(parseFloat(seek.value) * longest());
      seeking = false;
    });
    sound.addEventListener("change", function () { if (refresh()) lead.muted = !sound.checked; });
    // Keep the others within a tenth of a second of the first while they play.
    setInterval(function () {
      if (!refresh()) return;
      if (lead.ended) play.textContent = "Play";
      var total = longest();
      if (total && !seeking) seek.value = String(lead.currentTime / total);
      time.textContent = lead.currentTime.toFixed(1) + " s";
      if (lead.paused) return;
      videos.slice(1).forEach(function (v) {
        if (v.ended || lead.currentTime > (v.duration || 0)) return;
        if (Math.abs(v.currentTime - lead.currentTime) > 0.1) v.currentTime = lead.currentTime;
      });
    }, 200);
  }

  function focusErrors() {
    var summary = document.querySelector("[data-focus]");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    // One feature failing must not take the live updates (below) with it.
    [counter, guardForms, framePreviews, costEstimate, compareSync, notifications, previews, focusErrors].forEach(function (init) {
      try { init(); } catch (e) { if (window.console) console.error(e); }
    });
    // Pages rendered without an event id (error pages, confirmations) show nothing live.
    var rendered = document.body.getAttribute("data-last-event-id");
    seen = parseInt(rendered, 10) || 0;
    if (rendered && window.EventSource) connectLive(seen, onEvent, function () { window.location.reload(); });
    setInterval(tickElapsed, 1000);
  });
})();
