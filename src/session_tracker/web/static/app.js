// session-tracker dashboard: live update (server) and search/filter (static export).
// No framework, no build step, nothing loaded from elsewhere (the page's CSP allows only 'self').
"use strict";

(function () {
  const body = document.body;

  // --- Live update: poll the store's stamp; when it changes, fetch this page again and swap
  // its <main> in place (no reload, scroll position kept).
  function live() {
    const every = parseInt(body.dataset.pollMs || "2000", 10);
    const status = document.getElementById("live-status");
    let busy = false;
    async function tick() {
      if (busy) return;
      busy = true;
      try {
        const answer = await fetch(body.dataset.versionUrl, { credentials: "same-origin", cache: "no-store" });
        if (!answer.ok) throw new Error("HTTP " + answer.status);
        const version = await answer.json();
        if (version.stamp !== body.dataset.stamp) {
          const page = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
          if (!page.ok) throw new Error("HTTP " + page.status);
          const doc = new DOMParser().parseFromString(await page.text(), "text/html");
          const fresh = doc.getElementById("main");
          if (fresh) {
            document.getElementById("main").replaceChildren(...fresh.childNodes);
            body.dataset.stamp = doc.body.dataset.stamp || version.stamp;
            status.textContent = "live · updated " + new Date().toLocaleTimeString();
            status.dataset.updated = String((parseInt(status.dataset.updated || "0", 10) + 1));
            bindStaticFilter();
          }
        }
        status.classList.remove("offline");
      } catch (err) {
        status.textContent = "offline (retrying)";
        status.classList.add("offline");
      } finally {
        busy = false;
      }
    }
    window.setInterval(tick, every);
  }

  // --- Static export: filter the sessions table in the browser.
  function bindStaticFilter() {
    const box = document.getElementById("static-filter");
    const table = document.getElementById("sessions-table");
    if (!box || !table) return;
    box.addEventListener("input", function () {
      const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      for (const row of table.tBodies[0].rows) {
        const text = row.textContent.toLowerCase();
        row.hidden = !words.every((w) => text.includes(w));
      }
    });
  }

  // --- Static export: search the index (search-index.js) with the server's rules: words match
  // whole words, "a phrase", prefix*; every term must match one text; ranked by matches.
  const WEIGHT = { "decision": 3, "blocker.opened": 3, "blocker.resolved": 2, "session.started": 2, "commit": 1.5 };
  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  function parse(query) {
    const out = [];
    const re = /"([^"]+)"|(\S+)/g;
    let m;
    while ((m = re.exec(query)) !== null) {
      if (m[1]) {
        const words = m[1].split(/\s+/).filter(Boolean);
        if (words.length) out.push(new RegExp("\\b" + words.map(escapeRe).join("\\s+") + "\\b", "giu"));
      } else if (m[2].endsWith("*") && m[2].length > 1) {
        out.push(new RegExp("\\b" + escapeRe(m[2].replace(/\*+$/, "")) + "[\\p{L}\\p{N}_]*", "giu"));
      } else if (m[2].replace(/\*/g, "")) {
        out.push(new RegExp("(?<![\\p{L}\\p{N}_])" + escapeRe(m[2]) + "(?![\\p{L}\\p{N}_])", "giu"));
      }
    }
    return out;
  }
  function renderSnippet(li, text, patterns) {
    const spans = [];
    for (const p of patterns) { p.lastIndex = 0; let m; while ((m = p.exec(text)) !== null) { spans.push([m.index, m.index + m[0].length]); if (!m[0].length) p.lastIndex++; } }
    spans.sort((a, b) => a[0] - b[0]);
    const first = spans.length ? spans[0][0] : 0;
    const start = Math.max(0, first - 53), end = Math.min(text.length, start + 160);
    const div = document.createElement("div");
    div.className = "snippet";
    let at = start;
    if (start > 0) div.append("…");
    for (const [a, b] of spans) {
      if (a < at || b > end) continue;
      div.append(text.slice(at, a));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(a, b);
      div.append(mark);
      at = b;
    }
    div.append(text.slice(at, end) + (end < text.length ? "…" : ""));
    li.append(div);
  }
  function staticSearch() {
    const list = document.getElementById("results");
    const summary = document.getElementById("search-summary");
    if (!list || !window.STRACK_INDEX) return;
    const query = new URLSearchParams(window.location.search).get("q") || "";
    document.getElementById("search-box").value = query;
    const patterns = parse(query);
    if (!patterns.length) { summary.textContent = 'Type words, "a phrase" or a prefix*.'; return; }
    const hits = [];
    for (const item of window.STRACK_INDEX) { // [href, session, type, when, at, text]
      const text = item[5];
      if (!patterns.every((p) => { p.lastIndex = 0; return p.test(text); })) continue;
      let n = 0;
      for (const p of patterns) { p.lastIndex = 0; n += (text.match(p) || []).length; }
      hits.push([n * (WEIGHT[item[2]] || 1), item]);
    }
    hits.sort((a, b) => (b[0] - a[0]) || (a[1][4] < b[1][4] ? 1 : a[1][4] > b[1][4] ? -1 : 0));
    summary.textContent = hits.length + " results for “" + query + "”";
    for (const [, item] of hits.slice(0, 200)) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.className = "result-link";
      a.href = item[0];
      a.textContent = item[2] + " · session " + item[1] + " · " + item[3];
      li.append(a);
      renderSnippet(li, item[5], patterns);
      list.append(li);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (body.dataset.live) live();
    bindStaticFilter();
    if (body.dataset.static) staticSearch();
  });
})();
