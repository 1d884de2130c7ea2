// The /status page: one HTML file with its style and script inline (no external
// assets, so it works on an isolated management network). It polls /status.json every
// few seconds and builds the tables with textContent only: names and paths come from
// clients and are never parsed as HTML.
#include "server/admin_site.hpp"

namespace bits::server {

namespace {

constexpr std::string_view page = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>openbitsd status</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2430;background:#f4f6f9}
header{background:#1d2430;color:#fff;padding:10px 18px;display:flex;gap:24px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}
header .fig{font-variant-numeric:tabular-nums}
main{padding:12px 18px}
section{background:#fff;border:1px solid #d8dde6;border-radius:6px;margin:0 0 14px;padding:10px 14px}
h2{font-size:15px;margin:2px 0 8px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eef0f4;white-space:nowrap}
td.path{white-space:normal;word-break:break-all}
th{font-weight:600;color:#556}
.bar{width:160px;height:12px;background:#e4e8ef;border-radius:6px;overflow:hidden;display:inline-block;vertical-align:middle}
.bar>span{display:block;height:100%;background:#2f7de1}
.bar.unknown>span{background:#9fb3cc}
.muted{color:#778}
.counters span{margin-right:14px}
.err td{color:#a32020}
#state.bad{color:#ffb4b4}
</style>
</head>
<body>
<header>
<h1>openbitsd</h1>
<span class="fig">requests/s <b id="req-rate">-</b></span>
<span class="fig">received/s <b id="byte-rate">-</b></span>
<span class="fig">connections <b id="connections">-</b></span>
<span id="state">loading</span>
</header>
<main>
<div id="vdirs"></div>
<section><h2>Last committed files</h2>
<table id="commits"><thead><tr><th>when</th><th>directory</th><th>file</th><th>who</th><th>size</th><th>commit</th></tr></thead><tbody></tbody></table></section>
<section><h2>Errors of the last hour (<span id="error-count">0</span>)</h2>
<table id="errors"><thead><tr><th>when</th><th>client</th><th>request</th><th>packet</th><th>status</th><th>BITS error</th><th>cause</th></tr></thead><tbody></tbody></table></section>
</main>
<script>
"use strict";
const REFRESH_MS = 3000;
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}
function size(n) {
  if (n === null || n === undefined) return "?";
  const u = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : String(n)) + " " + u[i];
}
function duration(s) {
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min";
  return Math.floor(s / 3600) + " h " + Math.floor(s % 3600 / 60) + " min";
}
function when(t, now) { return duration(Math.max(0, now - t)) + " ago"; }
function bar(received, total) {
  const known = total !== null && total !== undefined && total > 0;
  const pct = known ? Math.min(100, 100 * received / total) : 0;
  const b = el("span", {"class": known ? "bar" : "bar unknown", "role": "progressbar",
                         "aria-valuenow": known ? pct.toFixed(1) : "", "title": known ? pct.toFixed(1) + " %" : "size not known yet"});
  const fill = el("span");
  fill.style.width = (known ? pct : 0) + "%";
  b.append(fill);
  return b;
}
function vdirSection(d, now) {
  const s = el("section", {"class": "vdir", "data-url": d.url});
  s.append(el("h2", {}, "Directory " + d.url + " \u2014 ", el("span", {"class": "open-count"}, d.open), " open sessions"));
  const c = d.counters;
  s.append(el("div", {"class": "counters muted"},
    el("span", {}, "created " + c.created), el("span", {}, "committed " + c.committed),
    el("span", {}, "cancelled " + c.cancelled), el("span", {}, "expired " + c.expired),
    el("span", {}, "evicted " + c.evicted), el("span", {}, "spool " + size(d.spool_bytes)),
    el("span", {}, "free disk " + (d.free_disk === undefined ? "?" : size(d.free_disk)))));
  const t = el("table", {"class": "sessions"});
  t.append(el("thead", {}, el("tr", {}, el("th", {}, "session"), el("th", {}, "who"), el("th", {}, "destination"),
    el("th", {}, "progress"), el("th", {}, "bytes"), el("th", {}, "rate"), el("th", {}, "idle"))));
  const body = el("tbody");
  for (const x of d.sessions) {
    body.append(el("tr", {"class": "session", "data-id": x.id},
      el("td", {}, x.id + "\u2026"), el("td", {"class": "who"}, x.who || "-"),
      el("td", {"class": "path"}, x.destination), el("td", {}, bar(x.received, x.total)),
      el("td", {"class": "bytes"}, size(x.received) + " / " + size(x.total)),
      el("td", {}, size(Math.round(x.rate)) + "/s"), el("td", {}, duration(x.idle))));
  }
  t.append(body);
  s.append(t);
  if (d.open > d.shown) {
    s.append(el("p", {"class": "more muted"}, "showing the " + d.shown + " busiest of " + d.open + " open sessions; " + (d.open - d.shown) + " more not shown"));
  }
  return s;
}
function render(j) {
  const now = j.time;
  document.getElementById("req-rate").textContent = j.rates.requests_per_second.toFixed(1);
  document.getElementById("byte-rate").textContent = size(Math.round(j.rates.bytes_per_second)) + "/s";
  document.getElementById("connections").textContent = j.connections;
  const vd = document.getElementById("vdirs");
  vd.replaceChildren(...j.vdirs.map(d => vdirSection(d, now)));
  const cb = document.querySelector("#commits tbody");
  cb.replaceChildren(...j.commits.map(f => el("tr", {"class": "commit"},
    el("td", {}, when(f.at, now)), el("td", {}, f.vdir), el("td", {"class": "path"}, f.destination),
    el("td", {}, f.principal || "-"), el("td", {"class": "size"}, size(f.bytes)),
    el("td", {}, (f.commit_seconds * 1000).toFixed(1) + " ms"))));
  const eb = document.querySelector("#errors tbody");
  eb.replaceChildren(...j.errors.map(e => el("tr", {"class": "err"},
    el("td", {}, when(e.at, now)), el("td", {}, e.remote), el("td", {"class": "path"}, e.target),
    el("td", {}, e.packet), el("td", {"class": "status"}, e.status), el("td", {}, e.error_code || "-"),
    el("td", {"class": "path"}, e.cause || ""))));
  document.getElementById("error-count").textContent = j.errors.length;
  const st = document.getElementById("state");
  st.textContent = "updated " + new Date(now * 1000).toLocaleTimeString();
  st.className = "";
}
async function refresh() {
  try {
    const r = await fetch("status.json", {cache: "no-store", credentials: "same-origin"});
    if (!r.ok) throw new Error("HTTP " + r.status);
    render(await r.json());
  } catch (e) {
    const st = document.getElementById("state");
    st.textContent = "cannot reach the server: " + e.message;
    st.className = "bad";
  }
}
refresh();
setInterval(refresh, REFRESH_MS);
</script>
</body>
</html>
)html";

}  // namespace

std::string_view status_page_html() noexcept {
  return page;
}

}  // namespace bits::server
