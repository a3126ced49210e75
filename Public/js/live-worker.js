// Reeldesk's one live connection per browser: a SharedWorker holding a single EventSource to
// /events for every open tab of the portal. Browsers allow 6 HTTP/1.1 connections per host, so a
// stream per tab would stall the 7th tab. Pages say "hello" with the last event id they were
// rendered at and the stream's address (the page has it from the routes), and get what they
// missed from a small buffer, then every new event; they say "bye" on pagehide. With no page left the stream closes after a short grace (a page change in
// one tab reuses it).
"use strict";

var ports = [];
var source = null;
var startedAfter = null;   // the id the stream started after: older gaps cannot be filled here
var buffer = [];           // the newest events, oldest first
var closeTimer = null;
var KINDS = ["task.created", "task.updated", "task.deleted"];
var BUFFER = 1000;

function broadcast(msg) {
  ports.forEach(function (p) { p.postMessage(msg); });
}

function open(after, url) {
  startedAfter = after;
  source = new EventSource(url);
  KINDS.forEach(function (kind) {
    source.addEventListener(kind, function (e) {
      var msg = { type: "event", kind: kind, id: parseInt(e.lastEventId, 10) || 0, data: e.data };
      buffer.push(msg);
      if (buffer.length > BUFFER) buffer.shift();
      broadcast(msg);
    });
  });
  // The stream was too far behind for an exact replay: every page starts afresh.
  source.addEventListener("reload", function () { broadcast({ type: "reload" }); });
}

function hello(port, after, url) {
  if (closeTimer) { clearTimeout(closeTimer); closeTimer = null; }
  if (!source) { open(after, url); return; }
  var oldest = buffer.length ? buffer[0].id : null;
  var missedUnknown = after < startedAfter || (oldest !== null && after < oldest - 1 && after < lastId());
  if (missedUnknown) { port.postMessage({ type: "reload" }); return; }
  buffer.forEach(function (m) { if (m.id > after) port.postMessage(m); });
}

function lastId() {
  return buffer.length ? buffer[buffer.length - 1].id : startedAfter;
}

function bye(port) {
  ports = ports.filter(function (p) { return p !== port; });
  if (ports.length || !source) return;
  closeTimer = setTimeout(function () {
    if (ports.length) return;
    source.close();
    source = null;
    buffer = [];
  }, 3000);
}

self.onconnect = function (e) {
  var port = e.ports[0];
  ports.push(port);
  port.onmessage = function (m) {
    var msg = m.data || {};
    if (msg.type === "hello") hello(port, parseInt(msg.after, 10) || 0, String(msg.url));
    else if (msg.type === "bye") bye(port);
  };
  port.start();
};
