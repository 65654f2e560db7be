// detente workbench: a small single-page app over the JSON API (no build step, no framework).
"use strict";

(function () {
  // ---------- helpers ----------
  const $ = (sel, root) => (root || document).querySelector(sel);
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const fmt = (x, d = 1) => (x == null || Number.isNaN(x) ? "—" : Number(x).toFixed(d).replace(/\.0+$/, ""));
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const main = () => $("#main");
  const status = (t) => { $("#status").textContent = t || ""; };

  if (location.hash.startsWith("#token=")) {
    sessionStorage.setItem("detente-token", decodeURIComponent(location.hash.slice(7)));
    history.replaceState(null, "", "#/");
  }
  async function api(method, path, body, raw) {
    const headers = {};
    const tok = sessionStorage.getItem("detente-token");
    if (tok) headers["Authorization"] = "Bearer " + tok;
    let payload;
    if (body !== undefined) {
      if (raw) { payload = body; headers["Content-Type"] = "text/plain"; }
      else { payload = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
    }
    const r = await fetch("/api" + path, { method, headers, body: payload });
    const j = await r.json().catch(() => ({}));
    if (!r.ok) { const e = new Error(j.error || r.statusText); e.body = j; e.status = r.status; throw e; }
    return j;
  }
  const cache = new Map();
  async function scenario(id, rev) {
    const key = id + "@" + (rev || "latest");
    if (rev && cache.has(key)) return cache.get(key);
    const s = await api("GET", "/scenarios/" + id + (rev ? "?revision=" + rev : ""));
    cache.set(id + "@" + s.revision, s);
    return s;
  }
  function parseHash() {
    const h = location.hash.replace(/^#/, "") || "/";
    const [path, q] = h.split("?");
    const params = new URLSearchParams(q || "");
    return { parts: path.split("/").filter(Boolean), params };
  }
  function link(id, view, params) {
    const q = params ? "?" + new URLSearchParams(params).toString() : "";
    return "#/s/" + id + (view ? "/" + view : "") + q;
  }
  function nav(id, rev, active) {
    if (!id) { $("#nav").innerHTML = ""; return; }
    const r = rev ? { rev } : null;
    const items = [["", "Overview"], ["forecast", "Forecast"], ["deals", "Deal space"], ["simulate", "Simulation"], ["revisions", "Revisions"], ["report", "Report"], ["text", "Scenario text"]];
    $("#nav").innerHTML = items.map(([v, t]) => `<a href="${link(id, v, r)}" class="${v === active ? "active" : ""}">${t}</a>`).join("");
  }
  function errorBox(e) {
    const d = (e.body && e.body.diagnostics) || [];
    return `<div class="card"><b class="error">${esc(e.message)}</b>${d.length ? `<pre class="error">${esc(d.map((x) => x.rendered).join("\n"))}</pre>` : ""}</div>`;
  }

  // Position as a 0–1 coordinate and in words.
  function posT(issue, p) {
    if (p == null) return null;
    if (issue.kind.type === "scale") return p / 100;
    const n = issue.kind.options.length;
    return n > 1 ? p / (n - 1) : 0.5;
  }
  function posWords(issue, p) {
    if (p == null) return "—";
    if (issue.kind.type === "options") { const o = issue.kind.options[p]; return o ? o.label : "option " + p; }
    let best = null;
    for (const a of issue.kind.anchors) if (!best || Math.abs(a.at - p) < Math.abs(best.at - p)) best = a;
    return fmt(p) + (best ? (Math.abs(best.at - p) < 1e-9 ? " (" + best.label + ")" : " (near " + best.at + ": " + best.label + ")") : "");
  }
  function lerp(a, b, t) { return a + (b - a) * t; }
  function posColor(t, sal) {
    // blue (0) → light grey (0.5) → red (1), faded by salience
    const A = [53, 102, 200], M = [242, 242, 242], B = [200, 66, 58];
    const c = t < 0.5 ? A.map((v, i) => lerp(v, M[i], t * 2)) : M.map((v, i) => lerp(v, B[i], (t - 0.5) * 2));
    const alpha = 0.2 + 0.8 * Math.max(0, Math.min(1, (sal == null ? 50 : sal) / 100));
    return `rgba(${c.map(Math.round).join(",")},${alpha.toFixed(2)})`;
  }
  const PALETTE = ["#2f5fb3", "#c8423a", "#2e7d4f", "#8e44ad", "#d68910", "#17a2b8", "#7f8c8d", "#c0392b", "#1abc9c", "#34495e", "#e67e22", "#16a085"];

  // ---------- pages ----------
  async function home() {
    nav(null);
    const { scenarios } = await api("GET", "/scenarios");
    main().innerHTML = `
      <h1>Scenarios</h1>
      <div class="card">${scenarios.length ? `<table class="data"><tr><th>#</th><th>Title</th><th>Revisions</th><th>Updated</th></tr>
        ${scenarios.map((s) => `<tr><td>${s.id}</td><td><a class="open-scenario" href="${link(s.id)}">${esc(s.title || "(untitled)")}</a></td><td>${s.latest_revision}</td><td class="muted">${esc(s.updated_at)}</td></tr>`).join("")}</table>`
        : `<p class="muted">No scenarios yet. Start the server with <code>detente serve scenarios/ukraine-2025.toml</code> or upload one below.</p>`}</div>
      <div class="card"><h2>Upload a scenario</h2>
        <p class="small muted">Choose the scenario file (TOML or JSON) and the source articles it quotes. The server reads no file path: the articles are sent with the scenario and matched to its <code>[[sources]]</code> by file name.</p>
        <label>Scenario <input type="file" id="up-scn" accept=".toml,.json"></label>
        <label>Articles <input type="file" id="up-src" multiple></label>
        <button id="up-go">Upload</button><div id="up-out"></div></div>`;
    $("#up-go").onclick = async () => {
      const f = $("#up-scn").files[0];
      if (!f) return;
      const text = await f.text();
      const arts = {};
      for (const a of $("#up-src").files) arts[a.name] = await a.text();
      // match declared paths by file name
      const sources = {};
      const re = /path\s*[=:]\s*["']([^"']+)["']/g;
      let m;
      while ((m = re.exec(text))) { const base = m[1].split(/[\\/]/).pop(); if (arts[base] != null) sources[m[1]] = arts[base]; }
      try {
        const r = await api("POST", "/scenarios", { scenario: text, file_name: f.name, sources });
        location.hash = link(r.id);
      } catch (e) { $("#up-out").innerHTML = errorBox(e); }
    };
  }

  async function overview(id, params) {
    const rev = params.get("rev");
    const s = await scenario(id, rev);
    nav(id, rev, "");
    const sc = s.scenario;
    const byKey = new Map(sc.stances.map((st, i) => [st.actor + ":" + st.issue, i]));
    const actorsWithStances = sc.actors.map((a, i) => i).filter((i) => sc.stances.some((st) => st.actor === i));
    const revNote = s.revision !== s.latest_revision ? ` <span class="tag warn">viewing revision ${s.revision} of ${s.latest_revision}</span>` : "";
    main().innerHTML = `
      <h1>${esc(sc.meta.title)}</h1>
      <div class="muted">as of ${esc(sc.meta.as_of || "—")} · revision ${s.revision}${revNote} · ${sc.actors.length} actors · ${sc.issues.length} issues · ${sc.stances.length} stances · ${sc.sources.length} sources</div>
      ${sc.meta.description ? `<p>${esc(sc.meta.description)}</p>` : ""}
      <div class="row">
        <div class="card grow"><h2>Actor × issue: position (colour) and salience (strength)</h2>
          <div class="legend"><span>position: first anchor / option</span><span class="bar"></span><span>last anchor / option</span><span>· grey = unordered options · faint = low salience, strong = high</span></div>
          <div class="heat"><table id="heat"><tr><th class="actor"></th>${sc.issues.map((is, j) => `<th title="${esc(is.title)}">${esc(is.title)}</th>`).join("")}</tr>
          ${actorsWithStances.map((i) => `<tr><th class="actor" title="${esc(sc.actors[i].kind)} · capability ${fmt(sc.actors[i].capability)}">${esc(sc.actors[i].name)}</th>${sc.issues.map((is, j) => {
            const k = byKey.get(i + ":" + j);
            if (k == null) return `<td><span class="cell empty">·</span></td>`;
            const st = sc.stances[k];
            return `<td><button class="cell" data-stance="${k}" data-actor="${esc(sc.actors[i].id)}" data-issue="${esc(is.id)}" title="${esc(sc.actors[i].name)} on ${esc(is.title)}: ${esc(posWords(is, st.position))}, salience ${fmt(st.salience)}">${st.position == null ? "?" : is.kind.type === "scale" ? fmt(st.position, 0) : esc((is.kind.options[st.position] || {}).id || "")}·${fmt(st.salience, 0)}</button></td>`;
          }).join("")}</tr>`).join("")}</table></div></div>
        <div class="card" id="stance" style="flex:0 1 430px"><p class="muted">Select a cell to see the stance, its evidence, and edit it.</p></div>
      </div>
      ${whoMoved(s)}
      ${sc.meta.notes && sc.meta.notes.length ? `<div class="card"><h2>Analyst notes</h2><ul>${sc.meta.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></div>` : ""}`;
    for (const b of main().querySelectorAll("button.cell")) {
      const st = sc.stances[+b.dataset.stance];
      // Unordered options have no left and right: grey, never a false colour scale.
      const iss = sc.issues[st.issue];
      b.style.background = iss.kind.type === "options" && !iss.kind.ordered ? posColor(0.5, st.salience) : posColor(posT(iss, st.position) ?? 0.5, st.salience);
      b.onclick = () => { for (const x of main().querySelectorAll(".cell.sel")) x.classList.remove("sel"); b.classList.add("sel"); stancePanel(s, +b.dataset.stance); };
    }
    const want = params.get("actor") && params.get("issue") && main().querySelector(`button.cell[data-actor="${CSS.escape(params.get("actor"))}"][data-issue="${CSS.escape(params.get("issue"))}"]`);
    if (want) want.click();
  }

  // Scenario v2: who moved between dates (computed by the server: detente_scenario::timeline).
  function whoMoved(s) {
    const tl = s.timeline;
    if (!tl || !tl.changes.length) return "";
    const p = (x) => x == null ? "?" : typeof x === "number" ? fmt(x, 0) : esc(x);
    return `<div class="card" id="who-moved"><h2>Who moved (${tl.dates.map(esc).join(" → ")})</h2>
      ${`<table><tr><th>actor</th><th>issue</th><th>from</th><th>to</th><th>toward</th><th>evidence</th></tr>
      ${tl.changes.map((c) => `<tr><td>${esc(c.actor)}</td><td>${esc(c.issue)}</td><td>${esc(c.from.as_of || "undated")}: ${p(c.from.position)} (${p(c.from.salience)})</td><td>${esc(c.to.as_of || "undated")}: ${p(c.to.position)} (${p(c.to.salience)})</td><td>${c.toward.map(esc).join(", ")}</td><td>${esc(c.from.strength)} → ${esc(c.to.strength)}</td></tr>`).join("")}</table>`}</div>`;
  }

  function stancePanel(s, k) {
    const sc = s.scenario, st = sc.stances[k], a = sc.actors[st.actor], is = sc.issues[st.issue];
    const red = st.red_line ? (st.red_line.type === "range" ? `${fmt(st.red_line.lo)}–${fmt(st.red_line.hi)}` : "rejects " + st.red_line.options.map((o) => (is.kind.options[o] || {}).label).join(", ")) : "—";
    // the stance shown is the latest in force; edits go to that dated stance of the file
    const isLatest = s.revision === s.latest_revision && st.derived_from == null;
    const occurrence = (sc.history || []).filter((h) => h.actor === st.actor && h.issue === st.issue).findIndex((h) => h.as_of === st.as_of);
    $("#stance").innerHTML = `
      <h2 id="stance-title">${esc(a.name)} on ${esc(is.title)}</h2>
      <dl class="kv"><dt>Position</dt><dd>${esc(posWords(is, st.position))}</dd><dt>Salience</dt><dd>${fmt(st.salience)}</dd>
        ${st.as_of ? `<dt>As of</dt><dd>${esc(st.as_of)}</dd>` : ""}${s.strengths ? `<dt>Evidence</dt><dd>${esc(s.strengths[k])}</dd>` : ""}${st.derived_from != null ? `<dt>Taken from</dt><dd>${esc(sc.actors[st.derived_from].name)} (no stance of its own)</dd>` : ""}
        <dt>Red line</dt><dd>${esc(red)}</dd>${st.position_range ? `<dt>Position range</dt><dd>${fmt(st.position_range[0])}–${fmt(st.position_range[1])}</dd>` : ""}
        ${st.note ? `<dt>Note</dt><dd>${esc(st.note)}</dd>` : ""}</dl>
      <h3>Evidence</h3>
      ${st.evidence.length ? st.evidence.map((e, n) => { const src = sc.sources[e.source]; return `<div class="quote">“${esc(e.quote)}”<div class="small muted">${esc(src.title)} ${src.date ? "· " + esc(src.date) : ""}${e.kind && e.kind !== "unspecified" ? " · " + esc(e.kind) + (e.reported_by != null ? " by " + esc(sc.actors[e.reported_by].name) : "") : ""} · <a class="evidence-link" href="${link(s.id, "evidence/" + encodeURIComponent(src.id), { actor: a.id, issue: is.id, q: n, rev: s.revision })}">open in the article</a></div>${e.note ? `<div class="small">${esc(e.note)}</div>` : ""}</div>`; }).join("") : `<p class="tag warn">no evidence recorded</p>`}
      <h3>Edit and re-run the forecast</h3>
      ${isLatest ? `<div><label>Salience <input type="range" min="0" max="100" step="1" id="ed-sal-range" value="${st.salience ?? 50}"><input type="number" min="0" max="100" step="1" id="ed-sal" value="${st.salience ?? ""}"></label></div>
      <div>${is.kind.type === "scale" ? `<label>Position <input type="number" min="0" max="100" step="1" id="ed-pos" value="${st.position ?? ""}"></label>` : `<label>Position <select id="ed-pos">${is.kind.options.map((o, i) => `<option value="${esc(o.id)}" ${i === st.position ? "selected" : ""}>${esc(o.label)}</option>`).join("")}</select></label>`}</div>
      <p><button id="ed-save">Save as revision ${s.latest_revision + 1} and re-run the forecast</button></p><div id="ed-out"></div>`
      : `<p class="muted">This is an old revision. <a href="${link(s.id, "", { actor: a.id, issue: is.id })}">Open the latest</a> to edit.</p>`}`;
    if (!isLatest) return;
    const r = $("#ed-sal-range"), n = $("#ed-sal");
    r.oninput = () => { n.value = r.value; };
    n.oninput = () => { r.value = n.value; };
    $("#ed-save").onclick = async () => {
      const body = { actor: a.id, issue: is.id, base_revision: s.revision, occurrence: Math.max(occurrence, 0) };
      const sal = n.value === "" ? null : Number(n.value);
      if (sal != null && sal !== st.salience) body.salience = sal;
      const pe = $("#ed-pos");
      if (is.kind.type === "scale") { if (pe.value !== "" && Number(pe.value) !== st.position) body.position = Number(pe.value); }
      else if (pe.selectedIndex !== st.position) body.position = pe.value;
      if (body.salience == null && body.position == null) { $("#ed-out").innerHTML = `<p class="muted">Nothing changed.</p>`; return; }
      $("#ed-save").disabled = true;
      try {
        const r2 = await api("POST", "/scenarios/" + s.id + "/edits", body);
        status("saved revision " + r2.revision + ": " + r2.message);
        location.hash = link(s.id, "forecast", { rev: r2.revision, compare: s.revision, actor: a.id, issue: is.id });
      } catch (e) { $("#ed-out").innerHTML = errorBox(e); $("#ed-save").disabled = false; }
    };
  }

  async function evidence(id, source, params) {
    const rev = params.get("rev");
    const s = await scenario(id, rev);
    nav(id, rev, "");
    const d = await api("GET", "/scenarios/" + id + "/sources/" + encodeURIComponent(source) + "?revision=" + s.revision);
    const sc = s.scenario;
    const actorName = (aid) => (sc.actors.find((a) => a.id === aid) || {}).name || aid;
    const issueTitle = (iid) => (sc.issues.find((x) => x.id === iid) || {}).title || iid;
    // Highlight every located quote; overlapping quotes are merged into one mark listing all stances.
    const text = d.text || "";
    const enc = new TextEncoder(), dec = new TextDecoder();
    const bytes = enc.encode(text);
    const spans = d.quotes.filter((q) => q.location).map((q, n) => ({ s: q.location[0], e: q.location[1], q, n })).sort((x, y) => x.s - y.s);
    let html = "", at = 0;
    const focusActor = params.get("actor"), focusIssue = params.get("issue");
    let i = 0;
    while (i < spans.length) {
      let { s: st, e: en } = spans[i];
      const group = [spans[i]];
      while (i + 1 < spans.length && spans[i + 1].s < en) { i++; en = Math.max(en, spans[i].e); group.push(spans[i]); }
      i++;
      if (st < at) st = at;
      html += esc(dec.decode(bytes.slice(at, st)));
      const focus = group.some((g) => g.q.actor === focusActor && g.q.issue === focusIssue);
      const title = group.map((g) => actorName(g.q.actor) + " on " + issueTitle(g.q.issue)).join("; ");
      html += `<mark class="${focus ? "focus" : ""}" data-actor="${esc(group[0].q.actor)}" data-issue="${esc(group[0].q.issue)}" title="${esc(title)}">${esc(dec.decode(bytes.slice(st, en)))}</mark>`;
      at = en;
    }
    html += esc(dec.decode(bytes.slice(at)));
    main().innerHTML = `
      <p><a href="${link(id, "", { actor: focusActor || "", issue: focusIssue || "", rev: s.revision })}">← back to the stance</a></p>
      <div class="row"><div class="card grow"><h1 id="article-title">${esc(d.title)}</h1><div class="muted">${esc(d.date || "")} · <code>${esc(d.path)}</code></div>
        ${d.text == null ? `<p class="tag warn">The text of this source was not uploaded with the scenario.</p>` : `<div class="article" id="article">${html}</div>`}</div>
      <div class="card" style="flex:0 1 380px"><h2>Quotes from this article</h2>
        ${d.quotes.map((q) => `<div class="quote">“${esc(q.quote)}”<div class="small"><a href="${link(id, "", { actor: q.actor, issue: q.issue, rev: s.revision })}">${esc(actorName(q.actor))} on ${esc(issueTitle(q.issue))}</a>${q.location ? "" : ` <span class="tag warn">not located</span>`}</div></div>`).join("")}</div></div>`;
    for (const m of main().querySelectorAll("mark")) m.onclick = () => { location.hash = link(id, "", { actor: m.dataset.actor, issue: m.dataset.issue, rev: s.revision }); };
    const f = $("mark.focus");
    if (f) f.scrollIntoView({ block: "center" });
  }

  // Find a finished run of `analysis` for (id, rev) with the same options, or start one; poll until done.
  async function ensureRun(id, rev, analysis, options, onProgress) {
    const { runs } = await api("GET", "/scenarios/" + id + "/runs");
    const canon = (o) => JSON.stringify(Object.keys(o || {}).sort().reduce((a, k) => ((a[k] = o[k]), a), {}));
    const same = (r) => r.analysis === analysis && r.revision === rev && canon(r.options) === canon(options);
    let r = runs.find((x) => same(x) && (x.status === "done" || x.status === "running" || x.status === "queued"));
    let runId = r ? r.run : (await api("POST", "/scenarios/" + id + "/runs", { analysis, revision: rev, options: options || {} })).run;
    for (;;) {
      const got = await api("GET", "/runs/" + runId);
      if (got.status === "done") return got;
      if (got.status !== "running" && got.status !== "queued") { const e = new Error(`${analysis} run ${runId} ${got.status}: ${got.error || ""}`); throw e; }
      if (onProgress) onProgress(got, runId);
      await sleep(250);
    }
  }
  function progressHtml(label, p, runId) {
    return `<p>${esc(label)} <span class="progress"><i style="width:${Math.round((p || 0) * 100)}%"></i></span> ${Math.round((p || 0) * 100)}% <button class="ghost" data-cancel="${runId}">Cancel</button></p>`;
  }
  function wireCancel(root) {
    for (const b of root.querySelectorAll("[data-cancel]")) b.onclick = async () => { try { await api("DELETE", "/runs/" + b.dataset.cancel); } catch (e) { status(e.message); } };
  }

  // ---------- SVG charts ----------
  function svg(w, h, inner) { return `<svg viewBox="0 0 ${w} ${h}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg">${inner}</svg>`; }
  function lineChart(series, opts) {
    const W = 460, H = 240, L = 40, R = 110, T = 14, B = 30;
    const xs = series.flatMap((s) => s.points.map((p) => p[0]));
    const x0 = Math.min(0, ...xs), x1 = Math.max(1, ...xs);
    const y0 = opts.ymin ?? 0, y1 = opts.ymax ?? 100;
    const X = (x) => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - R), Y = (y) => T + (1 - (y - y0) / (y1 - y0 || 1)) * (H - T - B);
    let g = "";
    for (let v = y0; v <= y1 + 1e-9; v += (y1 - y0) / 4) g += `<line x1="${L}" x2="${W - R}" y1="${Y(v)}" y2="${Y(v)}" stroke="#eee"/><text x="${L - 4}" y="${Y(v) + 4}" text-anchor="end">${fmt(v, 0)}</text>`;
    for (const x of [...new Set(xs)].filter((x, i, a) => a.length < 12 || i % Math.ceil(a.length / 10) === 0)) g += `<text x="${X(x)}" y="${H - B + 14}" text-anchor="middle">${x}</text>`;
    g += `<text x="${(L + W - R) / 2}" y="${H - 3}" text-anchor="middle" fill="#777">${esc(opts.xlabel || "round")}</text>`;
    for (const b of opts.bands || []) {
      const up = b.points.map((p) => `${X(p[0])},${Y(p[2])}`), lo = b.points.map((p) => `${X(p[0])},${Y(p[1])}`).reverse();
      g += `<polygon points="${up.concat(lo).join(" ")}" fill="${b.color}" fill-opacity="0.18" stroke="none"/>`;
    }
    const labels = [];
    for (const h of opts.hlines || []) {
      g += `<line x1="${L}" x2="${W - R}" y1="${Y(h.y)}" y2="${Y(h.y)}" stroke="${h.color}" stroke-dasharray="4 3"/>`;
      if (h.label) labels.push({ y: Y(h.y), text: h.label, color: h.color });
    }
    for (const s of series) {
      if (!s.points.length) continue;
      g += `<polyline fill="none" stroke="${s.color}" stroke-width="${s.width || 1.2}" ${s.dash ? `stroke-dasharray="${s.dash}"` : ""} points="${s.points.map((p) => `${X(p[0])},${Y(p[1])}`).join(" ")}"><title>${esc(s.name)}</title></polyline>`;
      if (s.label) { const p = s.points[s.points.length - 1]; labels.push({ y: Y(p[1]), x: X(p[0]), text: s.name, color: s.color }); }
    }
    labels.sort((a, b) => a.y - b.y);
    let last = -1e9;
    for (const l of labels) { const y = Math.max(l.y, last + 11); last = y; g += `<text x="${W - R + 4}" y="${y + 4}" fill="${l.color}">${esc(l.text)}</text>`; }
    g += `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#999"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#999"/>`;
    return svg(W, H, g);
  }
  function scatter(points, opts) {
    const W = 520, H = 420, L = 48, R = 16, T = 14, B = 40;
    const X = (x) => L + x * (W - L - R), Y = (y) => T + (1 - y) * (H - T - B);
    let g = "";
    for (let v = 0; v <= 1.0001; v += 0.25) g += `<line x1="${X(v)}" x2="${X(v)}" y1="${T}" y2="${H - B}" stroke="#eee"/><line x1="${L}" x2="${W - R}" y1="${Y(v)}" y2="${Y(v)}" stroke="#eee"/><text x="${X(v)}" y="${H - B + 14}" text-anchor="middle">${fmt(v, 2)}</text><text x="${L - 4}" y="${Y(v) + 4}" text-anchor="end">${fmt(v, 2)}</text>`;
    g += `<text x="${(L + W - R) / 2}" y="${H - 4}" text-anchor="middle">${esc(opts.xlabel)}</text><text transform="translate(12 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.ylabel)}</text>`;
    if (opts.frontier && opts.frontier.length) g += `<polyline fill="none" stroke="#c8423a" stroke-width="1.5" points="${opts.frontier.map((p) => `${X(p[0])},${Y(p[1])}`).join(" ")}"/>`;
    for (const p of points) g += `<circle cx="${X(p.x)}" cy="${Y(p.y)}" r="${p.r || 3}" fill="${p.color}" fill-opacity="${p.opacity ?? 0.6}"><title>${esc(p.title)}</title></circle>`;
    for (const m of opts.marks || []) g += `<circle cx="${X(m.x)}" cy="${Y(m.y)}" r="7" fill="none" stroke="${m.color}" stroke-width="2"><title>${esc(m.label)}</title></circle>`;
    (opts.marks || []).forEach((m, k) => { g += `<text x="${W - R - 4}" y="${T + 14 + 14 * k}" text-anchor="end" fill="${m.color}">○ ${esc(m.label)}</text>`; });
    g += `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#999"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#999"/>`;
    return svg(W, H, g);
  }

  // ---------- forecast ----------
  async function forecastPage(id, params) {
    const s = await scenario(id, params.get("rev"));
    nav(id, params.get("rev"), "forecast");
    const rev = s.revision;
    const cmp = params.get("compare") ? Number(params.get("compare")) : null;
    const focusActor = params.get("actor"), focusIssue = params.get("issue");
    // Options: only those that differ from the defaults, so runs started elsewhere are reused.
    const options = {};
    if (params.get("model") && params.get("model") !== "eum") options.model = params.get("model");
    if (params.get("draws") && params.get("draws") !== "200") options.draws = Number(params.get("draws"));
    if (params.get("seed") && params.get("seed") !== "1") options.seed = Number(params.get("seed"));
    // Scenario v2: the forecast as of an earlier date, and compared with another date.
    const dates = s.timeline && s.timeline.changes.length ? s.timeline.dates : [];
    if (params.get("as_of") && dates.includes(params.get("as_of"))) options.as_of = params.get("as_of");
    const cmpDate = dates.includes(params.get("cmp_as_of")) ? params.get("cmp_as_of") : null;
    const dateSel = (sel, none) => `<option value="">${none}</option>${dates.map((d) => `<option ${d === sel ? "selected" : ""}>${esc(d)}</option>`).join("")}`;
    main().innerHTML = `<h1>Forecast · revision ${rev}${options.as_of ? ` as of ${esc(options.as_of)}` : ""}${cmp ? ` compared with revision ${cmp}` : cmpDate ? ` compared with ${esc(cmpDate)}` : ""}</h1><div id="fc-msg" class="muted">${esc(s.message || "")}</div>
      <div class="card small"><label>Model the charts follow <select id="fc-model">${["eum", "median", "mean", "smp", "nash"].map((m) => `<option ${m === (options.model || "eum") ? "selected" : ""}>${m}</option>`).join("")}</select></label>
        <label>Monte Carlo draws <input type="number" id="fc-draws" min="0" max="5000" value="${options.draws ?? 200}"></label>
        <label>seed <input type="number" id="fc-seed" min="0" value="${options.seed ?? 1}"></label>
        <label>compare with revision <input type="number" id="fc-cmp" min="1" max="${s.latest_revision}" value="${cmp || ""}"></label>
        ${dates.length ? `<label>as of <select id="fc-asof">${dateSel(options.as_of, "scenario date")}</select></label>
        <label>compare with date <select id="fc-cmp-asof">${dateSel(cmpDate, "—")}</select></label>` : ""}
        <button class="ghost" id="fc-go">Run</button></div><div id="fc"></div>`;
    $("#fc-go").onclick = () => {
      const q = { rev, model: $("#fc-model").value, draws: $("#fc-draws").value, seed: $("#fc-seed").value };
      if ($("#fc-cmp").value) q.compare = $("#fc-cmp").value;
      if ($("#fc-asof") && $("#fc-asof").value) q.as_of = $("#fc-asof").value;
      if ($("#fc-cmp-asof") && $("#fc-cmp-asof").value) q.cmp_as_of = $("#fc-cmp-asof").value;
      if (focusActor) { q.actor = focusActor; q.issue = focusIssue; }
      location.hash = link(id, "forecast", q);
    };
    const show = (label) => (g, runId) => { $("#fc").innerHTML = progressHtml(label, g.progress, runId); wireCancel($("#fc")); };
    let base = null;
    try {
      if (cmp) base = (await ensureRun(id, cmp, "forecast", options, show(`forecasting revision ${cmp}…`))).result;
      else if (cmpDate) base = (await ensureRun(id, rev, "forecast", { ...options, as_of: cmpDate }, show(`forecasting as of ${cmpDate}…`))).result;
      const cur = (await ensureRun(id, rev, "forecast", options, show(`forecasting revision ${rev}…`))).result;
      renderForecast(s, cur, base, cmp || cmpDate, focusActor, focusIssue);
    } catch (e) { $("#fc").innerHTML = errorBox(e); }
  }

  function renderForecast(s, res, base, cmp, focusActor, focusIssue) {
    const sc = s.scenario;
    const models = res.models;
    const baseBy = new Map(((base && base.issues) || []).map((x) => [x.issue, x]));
    const rows = res.issues.map((x) => {
      const b = baseBy.get(x.issue);
      const main = x.forecasts[res.primary];
      const old = b ? b.forecasts[res.primary] : null;
      const d = main != null && old != null ? main - old : null;
      const dTxt = d == null ? "" : Math.abs(d) < 0.05 ? `<span class="muted">no change</span>` : `<b class="${d > 0 ? "delta-up" : "delta-down"}">${d > 0 ? "+" : ""}${fmt(d, 1)}</b> <span class="muted">(was ${fmt(old)})</span>`;
      return `<tr data-issue="${esc(x.issue)}" class="fc-row"><td>${esc(x.title)}</td><td>${fmt(x.status_quo)}</td>${models.map((m) => `<td>${fmt(x.forecasts[m])}</td>`).join("")}<td>${x.band ? `${fmt(x.band.p05)}–${fmt(x.band.p95)}` : "—"}</td>${cmp ? `<td class="fc-delta">${dTxt}</td>` : ""}<td class="small">${esc(x.words || "")}</td></tr>`;
    });
    const charts = res.issues.map((x) => {
      const actorIdx = x.actors;
      const series = actorIdx.map((ai, k) => {
        const a = sc.actors.find((q) => q.id === ai);
        const hi = ai === focusActor && x.issue === focusIssue;
        return { name: a ? a.name : ai, color: hi ? "#d68910" : "#b8c0cc", width: hi ? 2.5 : 1, label: hi, points: x.rounds.map((r) => [r.round, r.positions[k]]) };
      });
      series.push({ name: "weighted median", color: "#2f5fb3", width: 2.5, label: true, points: x.rounds.map((r) => [r.round, r.median]) });
      const bands = x.band_rounds ? [{ color: "#2f5fb3", points: x.band_rounds.map((b) => [b.round, b.p05, b.p95]) }] : [];
      const hl = [];
      const b = baseBy.get(x.issue);
      if (b && b.forecasts[res.primary] != null) hl.push({ y: b.forecasts[res.primary], color: "#999", label: typeof cmp === "number" ? "rev " + cmp : String(cmp) });
      if (x.status_quo != null) hl.push({ y: x.status_quo, color: "#2e7d4f", label: "status quo" });
      return `<div class="card chart" data-issue="${esc(x.issue)}"><h3>${esc(x.title)} <span class="muted small">${esc(res.primary)} forecast ${fmt(x.forecasts[res.primary])}</span></h3>${lineChart(series, { bands, hlines: hl, xlabel: "round" })}</div>`;
    });
    $("#fc").innerHTML = `
      <div class="card"><table class="data" id="fc-table"><tr><th>Issue</th><th>Status quo</th>${models.map((m) => `<th>${esc(m)}</th>`).join("")}<th>Monte Carlo 5–95%</th>${cmp ? `<th>Change (${esc(res.primary)})</th>` : ""}<th>In words (${esc(res.primary)})</th></tr>${rows.join("")}</table>
      <p class="small muted">${esc(res.note || "")}</p></div>
      <h2>Round by round (${esc(res.primary)}), with the Monte Carlo band</h2><div class="charts">${charts.join("")}</div>`;
  }

  // ---------- deal space ----------
  async function dealsPage(id, params) {
    const s = await scenario(id, params.get("rev"));
    nav(id, params.get("rev"), "deals");
    main().innerHTML = `<h1>Deal space · revision ${s.revision}</h1><div id="dl"></div>`;
    try {
      const run = await ensureRun(id, s.revision, "deals", {}, (g, rid) => { $("#dl").innerHTML = progressHtml("exploring the deal space…", g.progress, rid); wireCancel($("#dl")); });
      renderDeals(s, run.result, params);
    } catch (e) { $("#dl").innerHTML = errorBox(e); }
  }
  function renderDeals(s, res, params) {
    const actors = res.actors;
    let ax = Number(params.get("x") || 0), ay = Number(params.get("y") || Math.min(1, actors.length - 1));
    const draw = () => {
      const pts = res.packages.map((p) => ({ x: p.utilities[ax], y: p.utilities[ay], color: p.acceptable ? "#2e7d4f" : "#999", opacity: p.acceptable ? 0.8 : 0.35, r: p.pareto ? 4 : 2.5, title: p.label }));
      const fr = res.packages.filter((p) => p.pareto).map((p) => [p.utilities[ax], p.utilities[ay]]).sort((a, b) => a[0] - b[0]);
      const marks = Object.entries(res.solutions || {}).filter(([, i]) => i != null).map(([name, i], k) => ({ x: res.packages[i].utilities[ax], y: res.packages[i].utilities[ay], label: name, color: PALETTE[k % PALETTE.length] }));
      $("#dl-scatter").innerHTML = scatter(pts, { xlabel: "utility of " + actors[ax].name, ylabel: "utility of " + actors[ay].name, frontier: [], marks }) + `<p class="small muted">${res.packages.length} packages shown; green = acceptable to every veto player; large = Pareto-optimal (${fr.length}).</p>`;
    };
    const sel = (idn, v) => `<select id="${idn}">${actors.map((a, i) => `<option value="${i}" ${i === v ? "selected" : ""}>${esc(a.name)}</option>`).join("")}</select>`;
    $("#dl").innerHTML = `
      <div class="row"><div class="card grow"><h2>Pareto scatter</h2><label>x ${sel("dl-x", ax)}</label><label>y ${sel("dl-y", ay)}</label><div id="dl-scatter"></div></div>
      <div class="card grow"><h2>Top packages (by ${esc(res.by)})</h2><div class="scroll"><table class="data small"><tr><th>#</th><th>Package</th>${actors.map((a) => `<th>${esc(a.name)}</th>`).join("")}</tr>
        ${res.top.map((i, n) => { const p = res.packages[i]; return `<tr><td>${n + 1}</td><td class="small">${esc(p.label)}</td>${p.utilities.map((u) => `<td>${fmt(u, 2)}</td>`).join("")}</tr>`; }).join("")}</table></div>
        <h2>Who blocks what</h2>${res.blockers.length ? `<table class="data"><tr><th>Actor</th><th>Blocks</th><th>Why</th></tr>${res.blockers.map((b) => `<tr><td>${esc(b.actor)}</td><td>${esc(b.blocks)}</td><td class="small">${esc(b.why || "")}</td></tr>`).join("")}</table>` : `<p class="muted">No blockers found.</p>`}
        <p class="small muted">${esc(res.note || "")}</p></div></div>`;
    $("#dl-x").onchange = (e) => { ax = Number(e.target.value); draw(); };
    $("#dl-y").onchange = (e) => { ay = Number(e.target.value); draw(); };
    draw();
  }

  // ---------- simulation replay ----------
  const NEGOTIATORS = ["boulware", "linear", "conceder", "tit-for-tat", "relative-tit-for-tat", "hardheaded", "random", "nash", "frequency"];
  async function simulatePage(id, params) {
    const s = await scenario(id, params.get("rev"));
    nav(id, params.get("rev"), "simulate");
    const sc = s.scenario;
    const veto = (sc.decision.veto_players.length ? sc.decision.veto_players : [...new Set(sc.stances.map((x) => x.actor))].sort((a, b) => a - b));
    const chosen = (params.get("negotiators") || "").split(",").filter(Boolean);
    const rounds = Number(params.get("rounds") || 100), seed = Number(params.get("seed") || 1);
    main().innerHTML = `<h1>Simulation replay · revision ${s.revision}</h1>
      <div class="card"><b>Negotiators</b> (one per veto player):
        ${veto.map((a, k) => `<label>${esc(sc.actors[a].name)} <select class="sm-neg">${NEGOTIATORS.map((n) => `<option ${n === (chosen[k] || "boulware") ? "selected" : ""}>${n}</option>`).join("")}</select></label>`).join("")}
        <label>rounds <input type="number" id="sm-rounds" min="1" max="10000" value="${rounds}"></label><label>seed <input type="number" id="sm-seed" min="0" value="${seed}"></label>
        <button id="sm-run">Run</button> <button class="ghost" id="sm-tour">Tournament of all pairings</button></div>
      <div id="sm"></div><div id="tour"></div>`;
    const current = () => ({ negotiators: [...main().querySelectorAll(".sm-neg")].map((x) => x.value), rounds: Number($("#sm-rounds").value), seed: Number($("#sm-seed").value) });
    $("#sm-run").onclick = () => { const c = current(); location.hash = link(id, "simulate", { rev: s.revision, negotiators: c.negotiators.join(","), rounds: c.rounds, seed: c.seed }); };
    $("#sm-tour").onclick = async () => {
      const c = current();
      try {
        const run = await ensureRun(id, s.revision, "tournament", { rounds: c.rounds, seed: c.seed }, (g, rid) => { $("#tour").innerHTML = progressHtml("running the tournament…", g.progress, rid); wireCancel($("#tour")); });
        const r = run.result;
        $("#tour").innerHTML = `<div class="card"><h2>Tournament</h2><p class="small muted">${esc(r.note)} ${r.agreements} of ${r.runs} negotiations reached agreement.</p>
          <table class="data" id="tour-table"><tr><th>Negotiator</th><th>Mean utility</th><th>Agreement rate</th><th>Mean welfare</th><th>Distance to Nash</th><th>Distance to Pareto</th><th>Mean rounds</th></tr>
          ${r.summary.map((x) => `<tr><td>${esc(x.negotiator)}</td><td>${fmt(x.mean_utility, 3)}</td><td>${fmt(100 * x.agreement_rate, 0)}%</td><td>${fmt(x.mean_welfare, 3)}</td><td>${fmt(x.mean_nash_distance, 3)}</td><td>${fmt(x.mean_pareto_distance, 3)}</td><td>${fmt(x.mean_rounds, 1)}</td></tr>`).join("")}</table></div>`;
      } catch (e) { $("#tour").innerHTML = errorBox(e); }
    };
    const opts = { negotiators: veto.map((a, k) => chosen[k] || "boulware"), rounds, seed };
    try {
      const run = await ensureRun(id, s.revision, "simulate", opts, (g, rid) => { $("#sm").innerHTML = progressHtml("simulating…", g.progress, rid); wireCancel($("#sm")); });
      renderSim(run.result);
    } catch (e) { $("#sm").innerHTML = errorBox(e); }
  }
  function renderSim(res) {
    const steps = res.steps;
    const parties = res.parties;
    // Each party's concession curve: the utility to itself of the offers it made, by round;
    // dashed: what each party gets from the agreement.
    const chart = () => lineChart(parties.map((p, k) => ({ name: p, color: PALETTE[k % PALETTE.length], label: true, width: 1.8, points: steps.filter((st) => st.proposer === p && st.response === "offer").map((st) => [st.round, st.utilities[k] * 100]) })),
      { xlabel: "round", ymin: 0, ymax: 100, hlines: res.agreement ? parties.map((p, k) => ({ y: res.agreement.utilities[k] * 100, color: PALETTE[k % PALETTE.length], label: "" })) : [] });
    $("#sm").innerHTML = `
      <div class="card"><b>${esc(res.summary || "")}</b><p class="small muted">${esc(res.note || "")}</p></div>
      <div class="row"><div class="card grow"><h2>Concession curves: utility (×100) of each party's own offers, by round</h2><p class="small muted">Dashed: each party's utility from the agreement.</p>${chart()}</div>
      <div class="card grow"><h2>Step through</h2><input type="range" id="sm-step" min="0" max="${Math.max(0, steps.length - 1)}" value="0"> <button class="ghost" id="sm-play">Play</button><div id="sm-view"></div></div></div>`;
    const view = (i) => {
      const st = steps[i];
      if (!st) { $("#sm-view").innerHTML = `<p class="muted">No offers.</p>`; return; }
      $("#sm-view").innerHTML = `<p>Offer ${i + 1} of ${steps.length} · round ${st.round} · by <b>${esc(st.proposer)}</b> · ${esc(st.response || "")}</p>
        <table class="data">${Object.entries(st.offer).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table>
        <p class="small">${parties.map((p, k) => `${esc(p)} ${fmt(st.utilities[k], 2)}`).join(" · ")}</p>`;
    };
    $("#sm-step").oninput = (e) => view(Number(e.target.value));
    $("#sm-play").onclick = async () => { for (let i = 0; i < steps.length; i++) { $("#sm-step").value = i; view(i); await sleep(120); } };
    view(0);
  }

  // ---------- report ----------
  async function reportPage(id, params) {
    const s = await scenario(id, params.get("rev"));
    nav(id, params.get("rev"), "report");
    const mc = Number(params.get("monte_carlo") || 1000), seed = Number(params.get("seed") || 0), deals = params.get("deals") !== "0";
    main().innerHTML = `<h1>Report · revision ${s.revision}</h1>
      <div class="card"><p>One self-contained HTML file (charts as SVG, the tables, the evidence quoted) that opens offline in any browser: the same report as <code>detente report</code>.</p>
        <label>Monte Carlo runs <input type="number" id="rp-mc" min="0" max="5000" value="${mc}"></label>
        <label><input type="checkbox" id="rp-deals" ${deals ? "checked" : ""}> deal space</label>
        <label>seed <input type="number" id="rp-seed" min="0" value="${seed}"></label>
        <button id="rp-go">Build the report</button></div><div id="rp"></div>`;
    $("#rp-go").onclick = async () => {
      const options = { monte_carlo: Number($("#rp-mc").value), deals: $("#rp-deals").checked, seed: Number($("#rp-seed").value) };
      $("#rp-go").disabled = true;
      try {
        const run = await ensureRun(id, s.revision, "report", options, (g, rid) => { $("#rp").innerHTML = progressHtml("building the report…", g.progress, rid); wireCancel($("#rp")); });
        const name = (s.file_name || "scenario").replace(/\.(toml|json)$/i, "") + `-r${s.revision}-report.html`;
        $("#rp").innerHTML = `<div class="card"><p>Report ready: ${fmt(run.result.bytes / 1024, 0)} KB. <button id="rp-dl">Download ${esc(name)}</button></p></div>`;
        $("#rp-dl").onclick = () => {
          const a = document.createElement("a");
          a.href = URL.createObjectURL(new Blob([run.result.html], { type: "text/html" }));
          a.download = name;
          document.body.appendChild(a);
          a.click();
          a.remove();
        };
      } catch (e) { $("#rp").innerHTML = errorBox(e); }
      $("#rp-go").disabled = false;
    };
  }

  // ---------- revisions and text ----------
  async function revisionsPage(id, params) {
    nav(id, params.get("rev"), "revisions");
    const { revisions } = await api("GET", "/scenarios/" + id + "/revisions");
    const from = Number(params.get("from") || Math.max(1, revisions.length - 1)), to = Number(params.get("to") || revisions.length);
    let diff = "";
    if (revisions.length > 1) {
      const c = await api("GET", `/scenarios/${id}/compare?from=${from}&to=${to}`);
      const opt = (v) => revisions.map((r) => `<option ${r.revision === v ? "selected" : ""}>${r.revision}</option>`).join("");
      diff = `<h2>Changes from revision <select id="cmp-from">${opt(from)}</select> to <select id="cmp-to">${opt(to)}</select></h2>${c.changes.length ? `<table class="data"><tr><th>Actor</th><th>Issue</th><th>Change</th><th>From</th><th>To</th></tr>${c.changes.map((x) => `<tr><td>${esc(x.actor)}</td><td>${esc(x.issue)}</td><td>${esc(x.change)}</td><td>${esc(JSON.stringify(x.from ?? ""))}</td><td>${esc(JSON.stringify(x.to ?? ""))}</td></tr>`).join("")}</table>` : `<p class="muted">No stance changed.</p>`}`;
    }
    main().innerHTML = `<h1>Revisions</h1><div class="card"><table class="data"><tr><th>Revision</th><th>Saved</th><th>Change</th><th></th></tr>
      ${revisions.slice().reverse().map((r) => `<tr><td>${r.revision}</td><td class="muted">${esc(r.created_at)}</td><td>${esc(r.message || "")}</td><td><a href="${link(id, "", { rev: r.revision })}">open</a> · <a href="${link(id, "forecast", { rev: r.revision })}">forecast</a>${r.revision > 1 ? ` · <a href="${link(id, "revisions", { from: r.revision - 1, to: r.revision })}">compare with ${r.revision - 1}</a>` : ""}</td></tr>`).join("")}</table>${diff}</div>`;
    const go = () => { location.hash = link(id, "revisions", { from: $("#cmp-from").value, to: $("#cmp-to").value }); };
    if ($("#cmp-from")) { $("#cmp-from").onchange = go; $("#cmp-to").onchange = go; }
  }
  async function textPage(id, params) {
    const s = await scenario(id, params.get("rev"));
    nav(id, params.get("rev"), "text");
    main().innerHTML = `<h1>${esc(s.file_name)} · revision ${s.revision}</h1><div class="card">${s.diagnostics.length ? `<pre class="error">${esc(s.diagnostics.map((d) => d.rendered).join("\n"))}</pre>` : `<span class="tag ok">no problems</span>`}<pre class="src">${esc(s.text)}</pre></div>`;
  }

  // ---------- router ----------
  async function route() {
    const { parts, params } = parseHash();
    status("");
    try {
      if (parts[0] !== "s" || !parts[1]) return await home();
      const id = Number(parts[1]);
      const view = parts[2] || "";
      if (view === "") return await overview(id, params);
      if (view === "evidence") return await evidence(id, decodeURIComponent(parts[3] || ""), params);
      if (view === "forecast") return await forecastPage(id, params);
      if (view === "deals") return await dealsPage(id, params);
      if (view === "simulate") return await simulatePage(id, params);
      if (view === "revisions") return await revisionsPage(id, params);
      if (view === "text") return await textPage(id, params);
      if (view === "report") return await reportPage(id, params);
      main().innerHTML = `<p>Unknown page.</p>`;
    } catch (e) {
      main().innerHTML = errorBox(e);
    }
  }
  window.addEventListener("hashchange", route);
  window.addEventListener("DOMContentLoaded", route);
})();
