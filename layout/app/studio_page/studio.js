// 校樣台 (layout studio): the live proof. The pages are the proof's own pictures; everything drawn
// over them comes from the state the engine derives from the same layout (/events, /api/state).
// No framework and no build step: this file is served as it is.
"use strict";

const PT = 96 / 72;                 // CSS px per point at 100 %
const ZOOM_DPI = [150, 200, 300];   // what the server renders besides its own pictures
const EDGE = 7;                     // CSS px: within this of a frame's edge a drag resizes
const STATUS_NAMES = { fits: "合適", overset: "溢排", holes: "空白", error: "錯誤" };
const KIND_NAMES = { head: "標題", frame: "框", box: "盒", photo: "圖" };

const S = {
  state: null,
  zoom: null,            // CSS px per point; null: fit the spreads to the desk
  selected: null,        // {kind: "story"|"box"|"photo", id}
  compare: false,
  against: "previous",
  diff: null,            // the comparison shown, from /api/compare
  drag: null,
  pending: null,         // a move sent, waiting for the file's next state
  pages: new Map(),      // page number -> {el, img, svg, thumb, rev, dpi}
  shown: {},             // page number -> {rev, at}: when each page's new picture was on screen (tests, benchmark)
  lastChanged: [],
};
window.__studio = S;

const $ = (sel, root = document) => root.querySelector(sel);
const NS = "http://www.w3.org/2000/svg";
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}
function s(tag, attrs = {}) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, v);
  return el;
}
const range = (a, n) => (n > 1 ? `${a}–${a + n - 1}` : `${a}`);
const gridText = (g) => `欄${range(g.col, g.span)} · 行${range(g.line, g.lines)}`;
const fileName = (p) => (p || "").split("/").pop();

// --- the connection ------------------------------------------------------------------------------

function connect() {
  const live = $("#live");
  const events = new EventSource("/events");
  events.addEventListener("state", (e) => receive(JSON.parse(e.data)));
  events.onopen = () => setLive(S.state && S.state.stale ? "stale" : "on");
  events.onerror = () => setLive("off");
  S.events = events;
  function setLive(kind) {
    live.className = `live ${kind}`;
    $("#live-text").textContent = { on: "即時", off: "重新連線中…", stale: "過期", busy: "更新中" }[kind] || kind;
  }
  S.setLive = setLive;
}

function receive(state) {
  const before = S.state;
  S.state = state;
  if (state.ready && !state.stale) S.updates = (S.updates || 0) + 1;
  S.setLive(state.stale ? "stale" : "on");
  if (!state.ready && !state.stale) return;
  header(state);
  banner(state);
  const structure = (st) => (st && st.grid ? st.pages.map((p) => p.number).join(",") + "|" + st.grid.trim_w : "");
  if (structure(before) !== structure(state)) buildDesk(state);
  for (const page of state.pages) updatePage(page);
  for (const page of state.pages) drawOverlay(page);
  thumbs(state);
  inspector();
  footer(state);
  if (S.pending && S.pending.digest !== state.digest) S.pending = null;
  if (S.compare) loadCompare();
  $("#empty-note").hidden = state.pages.length > 0;
  if (!state.pages.length) $("#empty-note").textContent = state.stale ? "版面尚未排出：請先修正檔案。" : "正在排版……";
}

// --- the bar, the banner, the status line --------------------------------------------------------

function header(state) {
  const i = state.issue;
  if (!i) return;
  $("#issue-label").textContent = `${i.paper} 第${i.number}期（總第${i.total}期） ${i.date} ${i.weekday}` + (i.sample ? " · 樣例" : "");
  $("#issue-file").textContent = i.path;
  document.title = `校樣台 · ${i.paper} 總第${i.total}期`;
}

function banner(state) {
  const b = $("#banner");
  const err = state.stale;
  b.hidden = !err;
  document.body.classList.toggle("stale", !!err);
  $("#spreads").classList.toggle("stale", !!err);
  if (!err) return;
  const where = $("#banner-where");
  where.replaceChildren();
  if (err.file) where.append(h("b", { text: fileName(err.file) }), err.line ? ` 第${err.line}行` : "");
  if (err.key) where.append(" · ", h("span", { class: "key", text: err.key }));
  b.dataset.file = err.file || "";
  b.dataset.line = err.line || "";
  b.dataset.key = err.key || "";
  $("#banner-message").textContent = err.message;
  $("#banner-note").textContent = err.good
    ? `頁面停在 ${err.good} 的最後正確版本，已標為過期（${err.at} 更新失敗）。修正檔案後自動恢復。`
    : `尚無正確的版面（${err.at}）。修正檔案後自動排出。`;
}

function footer(state) {
  const changed = state.changed && state.changed.length ? `改動：第${state.changed.join("、")}版` : "無版面改動";
  $("#updated").textContent = state.stale
    ? `更新失敗 ${state.stale.at}`
    : `更新於 ${state.updated_at} · ${state.seconds.toFixed(2)} s · ${changed}`;
}

let toastTimer = null;
function toast(head, text, bad = false) {
  const t = $("#toast");
  t.replaceChildren(h("span", { class: "t-head", text: head }), text);
  t.className = bad ? "bad" : "";
  t.hidden = false;
  t.dataset.kind = bad ? "error" : "ok";
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.hidden = true), bad ? 12000 : 4500);
}

// --- the desk: spreads of pages ------------------------------------------------------------------

function spreads(numbers) {
  // A newspaper's page 1 is a right-hand page on its own; then 2–3, 4–5 … face each other; a last
  // even page stands alone on the left.
  const rows = [];
  if (numbers.length) rows.push([null, numbers[0]]);
  for (let k = 1; k < numbers.length; k += 2) rows.push([numbers[k], numbers[k + 1] ?? null]);
  return rows;
}

function buildDesk(state) {
  const root = $("#spreads");
  root.replaceChildren();
  S.pages.clear();
  const byNumber = new Map(state.pages.map((p) => [p.number, p]));
  for (const row of spreads(state.pages.map((p) => p.number))) {
    const spread = h("div", { class: "spread" });
    for (const n of row) {
      if (n === null) { spread.append(h("div", { class: "page blank" })); continue; }
      const p = byNumber.get(n);
      const img = h("img", { class: "proof", alt: `第${n}版`, draggable: "false" });
      const svg = s("svg", { class: "overlay", viewBox: `0 0 ${state.grid.trim_w} ${state.grid.trim_h}`,
                             preserveAspectRatio: "none" });
      const el = h("div", { class: "page", "data-page": n, id: `page-${n}` },
                   h("div", { class: "folio" }, h("span", {}, h("b", { text: `第${n}版` }), ` ${p.section}`),
                     h("span", { class: "folio-status" })),
                   img, svg, h("div", { class: "stale-mark" }));
      spread.append(el);
      S.pages.set(n, { el, img, svg, rev: null, dpi: null });
      img.addEventListener("load", () => {
        const rec = S.pages.get(n);
        if (!rec) return;
        const rev = Number(img.dataset.rev);
        if (!S.shown[n] || S.shown[n].rev !== rev) {
          S.shown[n] = { rev, at: Date.now() };
          el.dataset.shownRev = rev;
          el.dataset.shownAt = S.shown[n].at;
        }
      });
      bindPage(n, el, svg);
    }
    root.append(spread);
  }
  applyZoom();
}

function pageImageUrl(p, dpi) {
  const base = S.compare && S.diff ? diffPicture(p.number) : null;
  if (base) return base;
  return dpi ? p.image.replace(/dpi=[^&]*/, `dpi=${dpi}`) : p.image;
}

function wantedDpi() {
  const need = (S.zoomNow || 1) * 72 * (window.devicePixelRatio || 1);
  const own = S.state ? Number((S.state.pages[0] || { image: "dpi=100" }).image.match(/dpi=([\d.]+)/)[1]) : 100;
  if (need <= own * 1.15) return null;
  return ZOOM_DPI.find((d) => d >= need) || ZOOM_DPI[ZOOM_DPI.length - 1];
}

function updatePage(p) {
  const rec = S.pages.get(p.number);
  if (!rec) return;
  rec.el.classList.toggle("changed-now", false);
  const diff = S.compare && S.diff ? diffPicture(p.number) : null;
  const key = diff || p.image;
  if (rec.key !== key) {
    const isNew = rec.rev !== null && rec.rev !== p.rev;
    rec.key = key;
    rec.rev = p.rev;
    rec.img.dataset.rev = p.rev;
    rec.img.src = key;       // the engine's own picture first: fast, from disk
    rec.dpi = null;
    if (isNew) {
      rec.el.classList.remove("flash");
      void rec.el.offsetWidth;
      rec.el.classList.add("flash");
    }
  }
  if (!diff) sharpen(p);
  const status = $(".folio-status", rec.el);
  status.textContent = STATUS_NAMES[p.status] || "";
  rec.el.dataset.status = p.status;
}

function sharpen(p) {
  // Zoomed in: the same proof page rendered finer, swapped in once it has loaded.
  const rec = S.pages.get(p.number);
  const dpi = wantedDpi();
  if (!rec || !dpi || rec.dpi === dpi && rec.sharpRev === p.rev) return;
  rec.dpi = dpi;
  rec.sharpRev = p.rev;
  const url = pageImageUrl(p, dpi);
  const loader = new Image();
  loader.onload = () => {
    const now = S.state.pages.find((q) => q.number === p.number);
    if (now && now.rev === p.rev && !(S.compare && S.diff)) rec.img.src = url;
  };
  loader.src = url;
}

function applyZoom() {
  if (!S.state || !S.state.grid) return;
  const g = S.state.grid;
  if (S.zoom === null) {
    // Fit a spread's width to the desk (pages are read by scrolling down, as on a light table).
    const desk = $("#desk");
    const wide = S.state.pages.length > 1 ? 2 * g.trim_w + 4 : g.trim_w;
    S.fitZoom = Math.max(0.2, (desk.clientWidth - 70) / wide);
  }
  const z = S.zoom ?? S.fitZoom;
  S.zoomNow = z;
  for (const page of document.querySelectorAll(".page")) {
    page.style.width = `${g.trim_w * z}px`;
    page.style.height = `${g.trim_h * z}px`;
  }
  $("#zoom-value").textContent = `${Math.round((z / PT) * 100)}%`;
  for (const p of S.state.pages || []) { sharpen(p); drawOverlay(p); }
}

function zoomTo(z, anchor) {
  const desk = $("#desk");
  const before = S.zoomNow || z;
  const ax = anchor ? anchor.x : desk.clientWidth / 2;
  const ay = anchor ? anchor.y : desk.clientHeight / 2;
  const fx = (desk.scrollLeft + ax) / before, fy = (desk.scrollTop + ay) / before;
  S.zoom = Math.min(6, Math.max(0.15, z));
  applyZoom();
  desk.scrollLeft = fx * S.zoom - ax;
  desk.scrollTop = fy * S.zoom - ay;
}

// --- the overlay ---------------------------------------------------------------------------------

function storyOf(id) { return S.state.stories.find((st) => st.id === id); }
function fitClass(story) { return story ? (story.status === "overset" ? "overset" : story.status === "underset" ? "underset" : "") : ""; }

function isSelected(e) {
  if (!S.selected) return false;
  if (S.selected.kind === "story") return (e.kind === "head" || e.kind === "frame") && e.id === S.selected.id;
  return e.kind === S.selected.kind && e.id === S.selected.id;
}

function changedStories() {
  if (!S.compare || !S.diff) return new Set();
  return new Set(S.diff.pages.flatMap((p) => p.stories));
}

function drawOverlay(p) {
  const rec = S.pages.get(p.number);
  if (!rec || !S.state) return;
  const g = S.state.grid;
  const z = S.zoomNow || 1;
  const u = 1 / z;                        // one CSS px in points
  const svg = rec.svg;
  svg.replaceChildren();
  const defs = s("defs");
  const pattern = s("pattern", { id: "hatch", width: 6 * u, height: 6 * u, patternUnits: "userSpaceOnUse",
                                 patternTransform: "rotate(45)" });
  pattern.append(s("rect", { width: 6 * u, height: 6 * u, fill: "rgba(227, 179, 65, 0.10)" }),
                 s("line", { x1: 0, y1: 0, x2: 0, y2: 6 * u, stroke: "rgba(183, 121, 31, 0.45)", "stroke-width": 2 * u }));
  defs.append(pattern);
  svg.append(defs);
  if ($("#show-grid").checked) {
    for (let c = 0; c < g.columns; c++) {
      svg.append(s("rect", { class: "colband", x: g.column_x[c], y: g.margin_top, width: g.measure, height: g.lines * g.pitch }));
    }
    for (let l = 0; l <= g.lines; l += 5) {
      const y = g.margin_top + l * g.pitch;
      svg.append(s("line", { class: "gridline", x1: g.column_x[0], x2: g.column_x[g.columns - 1] + g.measure, y1: y, y2: y,
                             "stroke-width": u }));
    }
  }
  for (const hole of p.holes) {
    const r = rectOf(hole);
    svg.append(s("rect", { class: "hole", x: r.x, y: r.y, width: r.w, height: r.h, "stroke-width": u,
                           "data-hole": `${hole.col},${hole.span},${hole.line},${hole.lines}` }));
  }
  const changed = changedStories();
  const tags = [];
  // A tab never taller than the grid line above an element (the blank line that separates two
  // elements): too small to read, it shows only for the element pointed at or selected.
  const tagPx = Math.min(15, g.pitch * z * 0.92);
  const hovered = S.hover && S.hover.page === p.number ? S.hover.element : null;
  for (const e of p.elements) {
    const story = e.story ? storyOf(e.story) : null;
    const cls = ["el", e.kind, fitClass(story), isSelected(e) ? "selected" : "", changed.has(e.id) ? "changed" : ""]
      .filter(Boolean).join(" ");
    const r = e.pt;
    const rect = s("rect", { class: cls, x: r.x, y: r.y, width: r.w, height: r.h,
                             "data-kind": e.kind, "data-id": e.id, "data-frame": e.frame ?? "" });
    svg.append(rect);
    const pointed = hovered === e || isSelected(e);
    if (tagPx >= 9 && (e.kind !== "head" || pointed)) tags.push(tagFor(e, story, u, tagPx, pointed));
    else if (pointed) tags.push(tagFor(e, story, u, 15, true));
  }
  for (const t of tags) if (t) svg.append(t);
  if (S.drag && S.drag.page === p.number && S.drag.target) svg.append(ghost(S.drag.target, S.drag.bad ? "bad" : ""));
  if (S.pending && S.pending.page === p.number) svg.append(ghost(S.pending.grid, "pending"));
  if (S.hover && S.hover.page === p.number && S.hover.col && S.hover.line && !S.drag) {
    const x = g.column_x[S.hover.col - 1], y = g.margin_top + (S.hover.line - 1) * g.pitch;
    svg.append(s("rect", { class: "cell", x, y, width: g.measure, height: g.pitch, "stroke-width": u }));
  }
}

function tagFor(e, story, u, px, whole) {
  // The element's name on a tab above its top-left corner: outside the text it labels.
  let text;
  if (e.kind === "frame") text = `${e.id} ${e.frame}/${story ? story.frames.length : "?"} · ${e.used}/${e.available}行`;
  else if (e.kind === "head") text = `${e.id} · 標題`;
  else text = `${e.id} · ${KIND_NAMES[e.kind]}`;
  const font = Math.max(8, px * 0.72), padX = 4;
  let width = measureText(text, font) + 2 * padX;
  const room = e.pt.w / u;
  if (!whole && width > room) {          // cut to the element's width, never over its neighbour's tab
    while (text.length > 1 && measureText(text + "…", font) + 2 * padX > room) text = text.slice(0, -1);
    text += "…";
    width = Math.min(room, measureText(text, font) + 2 * padX);
  }
  const g = s("g", { class: `tag ${fitClass(story)} ${isSelected(e) ? "selected" : ""} ${e.kind === "frame" ? "" : "quiet"}`,
                     "data-tag": `${e.kind}:${e.id}:${e.frame ?? ""}` });
  const x = e.pt.x, y = e.pt.y - px * u;
  g.append(s("rect", { x, y, width: width * u, height: px * u, rx: 2 * u }));
  const t = s("text", { x: x + padX * u, y: y + (px * u) / 2 + 0.5 * u, "font-size": font * u });
  t.textContent = text;
  g.append(t);
  return g;
}

const measurer = document.createElement("canvas").getContext("2d");
let sansFamily = null;
function measureText(text, px) {
  sansFamily = sansFamily || getComputedStyle(document.body).getPropertyValue("--sans");
  measurer.font = `${px}px ${sansFamily}`;
  return measurer.measureText(text).width;
}

function rectOf(grid) {
  const g = S.state.grid;
  const x = g.column_x[grid.col - 1];
  return { x, y: g.margin_top + (grid.line - 1) * g.pitch, w: grid.span * g.measure + (grid.span - 1) * g.gutter,
           h: grid.lines * g.pitch };
}

function ghost(grid, extra) {
  const r = rectOf(grid);
  const el = s("rect", { class: `ghost ${extra}`, x: r.x, y: r.y, width: Math.max(r.w, 1), height: Math.max(r.h, 1) });
  return el;
}

// --- the pointer: grid position, selection, dragging ---------------------------------------------

function pointOf(el, event) {
  const box = el.getBoundingClientRect();
  const g = S.state.grid;
  return { x: ((event.clientX - box.left) / box.width) * g.trim_w, y: ((event.clientY - box.top) / box.height) * g.trim_h,
           px: event.clientX - box.left, py: event.clientY - box.top, box };
}

function gridAt(page, pt) {
  // Which column (or gutter, or margin) and which grid line a point of the page is on.
  const g = S.state.grid;
  const out = { page, col: null, line: null, where: "" };
  for (let c = 0; c < g.columns; c++) {
    const x0 = g.column_x[c];
    if (pt.x >= x0 && pt.x < x0 + g.measure) out.col = c + 1;
    else if (c < g.columns - 1 && pt.x >= x0 + g.measure && pt.x < g.column_x[c + 1]) out.where = `欄間 ${c + 1}|${c + 2}`;
  }
  const line = Math.floor((pt.y - g.margin_top) / g.pitch) + 1;
  if (line >= 1 && line <= g.lines) out.line = line;
  if (out.col === null && !out.where) out.where = "版心外";
  if (out.line === null) out.where = "版心外";
  return out;
}

function elementAt(p, pt) {
  const page = S.state.pages.find((q) => q.number === p);
  if (!page) return null;
  // The smallest element under the point: a head or frame inside a boxed story's area wins.
  let best = null;
  for (const e of page.elements) {
    const r = e.pt;
    if (pt.x >= r.x && pt.x <= r.x + r.w && pt.y >= r.y && pt.y <= r.y + r.h) {
      if (!best || r.w * r.h < best.pt.w * best.pt.h) best = e;
    }
  }
  return best;
}

function edgeOf(e, pt, z) {
  const r = e.pt, d = EDGE / z;
  let edge = "";
  if (Math.abs(pt.y - r.y) <= d) edge += "n";
  else if (Math.abs(pt.y - (r.y + r.h)) <= d) edge += "s";
  if (Math.abs(pt.x - r.x) <= d) edge += "w";
  else if (Math.abs(pt.x - (r.x + r.w)) <= d) edge += "e";
  return edge;
}
const CURSORS = { n: "ns-resize", s: "ns-resize", e: "ew-resize", w: "ew-resize", ne: "nesw-resize", sw: "nesw-resize",
                  nw: "nwse-resize", se: "nwse-resize", "": "move" };

function showPosition(pos, e) {
  const el = $("#pos");
  el.dataset.page = pos ? pos.page : "";
  el.dataset.col = pos && pos.col ? pos.col : "";
  el.dataset.line = pos && pos.line ? pos.line : "";
  if (!pos) { el.textContent = "版 — · 欄 — · 行 —"; $("#under").textContent = ""; return; }
  el.textContent = `版 ${pos.page} · 欄 ${pos.col ?? "—"} · 行 ${pos.line ?? "—"}` + (pos.where ? `  (${pos.where})` : "");
  $("#under").textContent = e ? `${KIND_NAMES[e.kind]} ${e.id}${e.frame ? " 框" + e.frame : ""} · ${gridText(e.grid)}` : "";
}

function bindPage(n, el, svg) {
  el.addEventListener("pointermove", (event) => {
    if (!S.state || !S.state.grid) return;
    const pt = pointOf(el, event);
    if (S.drag) return dragMove(event, pt);
    const pos = gridAt(n, pt);
    const hovered = elementAt(n, pt);
    pos.element = hovered;
    S.hover = pos;
    showPosition(pos, hovered);
    el.style.cursor = hovered && !S.compare ? CURSORS[edgeOf(hovered, pt, S.zoomNow)] : "crosshair";
    drawOverlay(S.state.pages.find((q) => q.number === n));
  });
  el.addEventListener("pointerleave", () => {
    if (S.drag) return;
    S.hover = null;
    showPosition(null);
    const p = S.state && S.state.pages.find((q) => q.number === n);
    if (p) drawOverlay(p);
  });
  el.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || !S.state || !S.state.grid) return;
    const pt = pointOf(el, event);
    const e = elementAt(n, pt);
    if (!e) { select(null); return; }
    event.preventDefault();
    el.setPointerCapture(event.pointerId);
    S.drag = { page: n, el, element: e, edge: S.compare || S.state.stale ? null : edgeOf(e, pt, S.zoomNow), start: pt,
               target: null, moved: false, readOnly: !!(S.compare || S.state.stale) };
  });
  el.addEventListener("pointerup", (event) => {
    if (!S.drag) return;
    const drag = S.drag;
    S.drag = null;
    document.body.classList.remove("dragging");
    try { el.releasePointerCapture(event.pointerId); } catch (err) { /* already released */ }
    const e = drag.element;
    if (!drag.moved || !drag.target || sameGrid(drag.target, e.grid)) {
      select(e.kind === "frame" || e.kind === "head" ? { kind: "story", id: e.id } : { kind: e.kind, id: e.id });
      return;
    }
    send(e, drag.target);
  });
}

function sameGrid(a, b) { return a.col === b.col && a.span === b.span && a.line === b.line && a.lines === b.lines; }

function dragMove(event, pt) {
  const d = S.drag;
  const g = S.state.grid;
  const dx = pt.x - d.start.x, dy = pt.y - d.start.y;
  if (!d.moved && Math.hypot(dx * S.zoomNow, dy * S.zoomNow) < 4) return;
  if (d.readOnly) return;
  d.moved = true;
  document.body.classList.add("dragging");
  const dc = Math.round(dx / (g.measure + g.gutter)), dl = Math.round(dy / g.pitch);
  const o = d.element.grid;
  let { col, span, line, lines } = o;
  if (!d.edge) { col += dc; line += dl; }
  if (d.edge.includes("w")) { col = Math.min(o.col + o.span - 1, o.col + dc); span = o.span + (o.col - col); }
  if (d.edge.includes("e")) span = Math.max(1, o.span + dc);
  if (d.edge.includes("n")) { line = Math.min(o.line + o.lines - 1, o.line + dl); lines = o.lines + (o.line - line); }
  if (d.edge.includes("s")) lines = Math.max(1, o.lines + dl);
  // Whole grid units on the page; whether the place is allowed is the engine's to say (as `check`).
  col = Math.max(1, Math.min(g.columns, col));
  line = Math.max(1, Math.min(g.lines, line));
  d.target = { page: d.page, col, span, line, lines };
  d.bad = overlaps(d.target, d.element) || col + span - 1 > g.columns || line + lines - 1 > g.lines;
  showPosition({ page: d.page, col, line, where: "" }, { ...d.element, grid: d.target });
  $("#under").textContent = `${KIND_NAMES[d.element.kind]} ${d.element.id}${d.element.frame ? " 框" + d.element.frame : ""} → ${gridText(d.target)}` +
    (d.bad ? "（會被拒絕）" : "");
  drawOverlay(S.state.pages.find((q) => q.number === d.page));
}

function overlaps(target, self) {
  const page = S.state.pages.find((q) => q.number === target.page);
  const inside = (a, b) => a.col < b.col + b.span && b.col < a.col + a.span && a.line < b.line + b.lines && b.line < a.line + a.lines;
  return page.elements.some((e) => e !== self && inside(target, e.grid));
}

async function send(e, grid) {
  const body = { kind: e.kind, id: e.id, frame: e.frame || 0, col: grid.col, span: grid.span, line: grid.line,
                 lines: grid.lines, digest: S.state.digest };
  S.pending = { page: grid.page, grid, digest: S.state.digest };
  drawOverlay(S.state.pages.find((q) => q.number === grid.page));
  let answer;
  try {
    const response = await fetch("/api/place", { method: "POST", headers: { "Content-Type": "application/json" },
                                                 body: JSON.stringify(body) });
    answer = await response.json();
  } catch (err) {
    answer = { error: `the studio did not answer (${err})` };
  }
  if (answer.error) {
    S.pending = null;
    toast("未寫入", answer.error, true);
  } else {
    toast("已寫入", `${fileName(S.state.issue.path)}：${e.id}${e.frame ? " 框" + e.frame : ""} → ${gridText(grid)}`);
    S.pending.digest = S.state.digest;
  }
  const p = S.state.pages.find((q) => q.number === grid.page);
  if (p) drawOverlay(p);
}

function select(what) {
  S.selected = what;
  for (const p of S.state.pages) drawOverlay(p);
  inspector();
}

// --- thumbnails ----------------------------------------------------------------------------------

function thumbs(state) {
  const strip = $("#strip");
  strip.replaceChildren();
  const changed = new Set(S.updates > 1 ? state.changed || [] : []);
  for (const p of state.pages) {
    const status = state.stale ? "error" : p.status;
    const t = h("button", { class: `thumb${changed.has(p.number) ? " changed" : ""}`, "data-page": p.number,
                            "data-status": status, title: `第${p.number}版 ${p.section}：${STATUS_NAMES[status]}`,
                            onclick: () => { const rec = S.pages.get(p.number); if (rec) rec.el.scrollIntoView({ behavior: "smooth", block: "center", inline: "center" }); } },
      h("span", { class: "pic" }, h("img", { src: p.image, alt: "" })),
      h("span", { class: "cap" }, h("span", { text: `${p.number} ${p.section}` }), h("span", { class: "chip", text: STATUS_NAMES[status] })));
    strip.append(t);
  }
}

// --- the inspector -------------------------------------------------------------------------------

function verdict(st) {
  if (st.overset) return h("div", { class: "verdict overset", "data-verdict": "overset" },
    `溢排：須刪 ${st.overset.chars} 字（${st.overset.lines} 行）`, h("small", { text: `從「${st.overset.from}」起排不下` }));
  if (st.status === "underset") return h("div", { class: "verdict underset", "data-verdict": "underset" },
    `尚有空行 ${st.empty_lines} 行：可再加 ${st.room_chars} 字`, h("small", { text: "多於此數即溢排" }));
  return h("div", { class: "verdict", "data-verdict": "fits" }, "合適：正好排滿",
           st.room_chars ? h("small", { text: `末行尚可加 ${st.room_chars} 字` }) : null);
}

function storyPanel(st) {
  const frames = h("table", { class: "figs frames" },
    h("tr", {}, h("th", { text: "框" }), h("th", { text: "版" }), h("th", { text: "位置" }), h("th", { class: "num", text: "已用/可用行" })),
    st.frames.map((f) => h("tr", { class: f.used < f.available ? "short" : "full", "data-frame": f.frame },
      h("td", { text: f.frame }), h("td", { text: f.page }), h("td", { text: gridText(f) }),
      h("td", { class: "num used", text: `${f.used}/${f.available}` }))));
  const chain = h("ol", { class: "chain" });
  st.frames.forEach((f) => {
    const jumpsIn = st.jumps.filter((j) => j.frame === f.frame && j.kind === "jump_in");
    const jumpsOut = st.jumps.filter((j) => j.frame === f.frame && j.kind === "jump_out");
    if (f.jump_head) chain.append(h("li", { class: "jump" }, `續題「${f.jump_head}」`));
    for (const j of jumpsIn) chain.append(h("li", { class: "jump", "data-jump": "in" }, `${j.text}`, h("span", { class: "where", text: `  第${j.page}版 行${j.line}` })));
    const short = f.used < f.available, over = st.overset && f.frame === st.frames.length;
    chain.append(h("li", { class: "frame", "data-frame": f.frame }, h("span", { class: "n", text: f.frame }),
      `第${f.page}版 `, h("span", { class: "where", text: gridText(f) }),
      h("span", { class: `fit ${over ? "over" : short ? "short" : ""}`, text: `${f.used}/${f.available} 行` })));
    for (const j of jumpsOut) chain.append(h("li", { class: "jump", "data-jump": "out" }, `${j.text}`, h("span", { class: "where", text: `  第${j.page}版 行${j.line}` })));
  });
  const hints = (st.hints || []).map((x) => h("li", { text: x.kind === "tighten" ? `¶${x.paragraph}「${x.from}」加 {緊} 可省一行` : `¶${x.paragraph}「${x.from}」刪 ${x.characters} 字可省一行` }));
  return h("div", { class: "story", "data-story": st.id, "data-status": st.status, "data-chars": st.chars },
    h("button", { class: "back", text: "全部稿件", onclick: () => select(null) }),
    h("h2", { text: st.id }),
    st.kicker ? h("div", { class: "deck", text: st.kicker }) : null,
    st.headline ? h("div", { class: "headline", text: st.headline }) : null,
    st.deck ? h("div", { class: "deck", text: st.deck }) : null,
    verdict(st),
    h("table", { class: "figs fit-row", "data-story": st.id },
      h("tr", {}, h("th", { text: "字數" }), h("th", { class: "num", text: "已用/可用行" }), h("th", { class: "num", text: "須刪 / 尚餘" })),
      h("tr", {}, h("td", { class: "num chars", text: st.chars }), h("td", { class: "num lines", text: `${st.lines_used}/${st.lines_available}` }),
        h("td", { class: "num cut", text: st.overset ? `刪 ${st.overset.chars} 字` : st.status === "underset" ? `餘 ${st.room_chars} 字` : "合適" }))),
    h("h3", { text: "各框行數" }), frames,
    h("h3", { text: "接續（框與轉版）" }), chain,
    st.overset ? [h("h3", { text: `溢排文字（${st.overset.chars} 字）` }), h("div", { class: "overset-text", text: st.overset.text })] : null,
    hints.length ? [h("h3", { text: "各省一行之處" }), h("ul", { class: "hints" }, hints)] : null,
    h("p", { class: "source", text: st.source }));
}

function elementPanel(kind, id) {
  const found = S.state.pages.flatMap((p) => p.elements).find((e) => e.kind === kind && e.id === id);
  if (!found) return overview();
  return h("div", { class: "element", "data-element": id },
    h("button", { class: "back", text: "全部稿件", onclick: () => select(null) }),
    h("h2", { text: id }), h("div", { class: "deck", text: `${KIND_NAMES[kind]}${found.box_kind ? " · " + found.box_kind : ""}${found.sample ? " · 樣例" : ""}` }),
    found.label ? h("div", { class: "headline", text: found.label }) : null,
    h("h3", { text: "位置" }), h("p", { text: `第${found.grid.page}版 · ${gridText(found.grid)}` }),
    h("p", { class: "hint", text: "拖動邊緣改大小，拖動中間移動；以整欄整行計，寫回 YAML 檔。" }));
}

function overview() {
  const st = S.state;
  const rows = st.stories.map((x) => h("tr", { "data-story": x.id, onclick: () => select({ kind: "story", id: x.id }) },
    h("td", { class: "id", text: x.id }), h("td", { class: "num", text: x.chars }),
    h("td", { class: "num", text: `${x.lines_used}/${x.lines_available}` }),
    h("td", {}, h("span", { class: `state ${x.status}`, text: x.status === "overset" ? `溢 ${x.overset.chars}` : x.status === "underset" ? `餘 ${x.room_chars}` : "合適" }))));
  return h("div", { class: "overview" },
    h("h3", { text: "稿件與字數" }),
    h("table", { class: "figs stories" },
      h("tr", {}, h("th", { text: "稿件" }), h("th", { class: "num", text: "字數" }), h("th", { class: "num", text: "行" }), h("th", { text: "" })), rows),
    h("div", { class: "legend" }, h("span", { class: "fits", text: "合適" }), h("span", { class: "overset", text: "溢排" }),
      h("span", { class: "holes", text: "空白" }), h("span", { class: "error", text: "錯誤" })),
    warnings(st.warnings || []),
    h("h3", { text: "操作" }),
    h("p", { class: "hint" }, "點選框看字數與接續；拖動框移動或改大小（整欄整行，寫回檔案）。",
      h("br"), h("kbd", { text: "+" }), " ", h("kbd", { text: "−" }), " 縮放 · ", h("kbd", { text: "0" }), " 整版 · ",
      h("kbd", { text: "1" }), " 閱讀 · ", h("kbd", { text: "C" }), " 對比 · ", h("kbd", { text: "G" }), " 網格 · ", h("kbd", { text: "Esc" }), " 取消選取"));
}

function warnings(list) {
  // The page grid's and the heads' notes in full; the script lint's (often many) folded.
  if (!list.length) return null;
  const script = list.filter((w) => w.startsWith("script: "));
  const rest = list.filter((w) => !w.startsWith("script: "));
  return [h("h3", { text: `提示（${list.length}）` }),
    rest.length ? h("ul", { class: "warnings" }, rest.map((w) => h("li", { text: w }))) : null,
    script.length ? h("details", { class: "script" }, h("summary", { text: `另一字體的字 ${script.length} 處（script lint）` }),
      h("ul", { class: "warnings" }, script.map((w) => h("li", { text: w.replace(/^script: /, "") })))) : null];
}

function inspector() {
  const root = $("#inspector");
  if (!S.state || !S.state.stories) return;
  let panel;
  if (S.selected && S.selected.kind === "story") {
    const st = storyOf(S.selected.id);
    panel = st ? storyPanel(st) : overview();
  } else if (S.selected) panel = elementPanel(S.selected.kind, S.selected.id);
  else panel = overview();
  const compare = S.compare && S.diff ? comparePanel() : null;
  root.replaceChildren(...[compare, panel].filter(Boolean));
}

// --- compare -------------------------------------------------------------------------------------

function diffPicture(n) {
  if (!S.diff) return null;
  const page = S.diff.pages.find((p) => p.page === n);
  return page && page.picture ? page.picture : null;
}

async function loadCompare() {
  const ask = `/api/compare?against=${S.against}`;
  S.compareAsked = ask + (S.state ? S.state.version : "");
  let data;
  try { data = await (await fetch(ask)).json(); } catch (err) { data = { error: String(err) }; }
  if (!S.compare) return;
  S.diff = data.error ? null : data;
  if (data.error) toast("無法對比", data.error, true);
  const summary = $("#compare-summary");
  summary.hidden = false;
  const changed = S.diff ? S.diff.pages.filter((p) => p.changed) : [];
  summary.replaceChildren(
    S.diff && S.diff.note ? S.diff.note :
    !changed.length ? `與${S.against === "start" ? "基準" : "上次改動前"}的校樣（${S.diff ? S.diff.old : ""}）相比：沒有改動` :
    h("span", {}, `與${S.against === "start" ? "基準" : "上次改動前"}的校樣（${S.diff.old}）相比：`,
      changed.map((p, k) => h("span", {}, k ? "；" : "", h("b", { text: `第${p.page}版` }), p.stories.length ? ` ${p.stories.join("、")}` : ""))));
  summary.dataset.changed = changed.map((p) => p.page).join(",");
  const rows = new Set(changed.map((p) => p.page));
  for (const [n, rec] of S.pages) {
    rec.el.classList.toggle("diff", rows.has(n));
    rec.el.classList.toggle("same", !rows.has(n));
  }
  for (const p of S.state.pages) { S.pages.get(p.number).key = null; updatePage(p); drawOverlay(p); }
  inspector();
}

function comparePanel() {
  const changed = S.diff.pages.filter((p) => p.changed);
  return h("div", { class: "compare-panel" }, h("h3", { text: "對比" }),
    changed.length ? h("ul", { class: "warnings" }, changed.map((p) => h("li", {}, h("b", { text: `第${p.page}版` }),
      p.stories.length ? `：${p.stories.join("、")}` : "：版面改動"))) : h("p", { class: "hint", text: "沒有改動" }));
}

function setCompare(on) {
  S.compare = on;
  $("#compare").checked = on;
  $("#spreads").classList.toggle("comparing", on);
  if (on) loadCompare();
  else {
    S.diff = null;
    $("#compare-summary").hidden = true;
    for (const rec of S.pages.values()) { rec.el.classList.remove("diff", "same"); rec.key = null; }
    if (S.state) { for (const p of S.state.pages) { updatePage(p); drawOverlay(p); } inspector(); }
  }
}

// --- controls ------------------------------------------------------------------------------------

function redrawAll() { if (S.state) for (const p of S.state.pages) drawOverlay(p); }

function controls() {
  const step = 1.25;
  $("#zoom-in").onclick = () => zoomTo((S.zoomNow || 1) * step);
  $("#zoom-out").onclick = () => zoomTo((S.zoomNow || 1) / step);
  $("#zoom-fit").onclick = () => { S.zoom = null; applyZoom(); };
  $("#zoom-read").onclick = () => zoomTo(1.6 * PT);
  $("#show-frames").onchange = (e) => { document.body.classList.toggle("hide-frames", !e.target.checked); };
  $("#show-holes").onchange = (e) => { document.body.classList.toggle("hide-holes", !e.target.checked); };
  $("#show-grid").onchange = redrawAll;
  $("#compare").onchange = (e) => setCompare(e.target.checked);
  $("#compare-against").onchange = (e) => { S.against = e.target.value; if (S.compare) loadCompare(); };
  $("#keep").onclick = async () => {
    const r = await (await fetch("/api/keep", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })).json();
    if (r.error) toast("未設定", r.error, true);
    else { toast("已設為基準", `對比「基準」時與 ${r.kept.start.made_at} 的校樣相比`); if (S.compare) loadCompare(); }
  };
  $("#desk").addEventListener("wheel", (e) => {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    const box = $("#desk").getBoundingClientRect();
    zoomTo((S.zoomNow || 1) * (e.deltaY < 0 ? 1.1 : 1 / 1.1), { x: e.clientX - box.left, y: e.clientY - box.top });
  }, { passive: false });
  window.addEventListener("resize", () => { if (S.zoom === null) applyZoom(); });
  window.addEventListener("keydown", (e) => {
    if (e.target.closest("input, select, textarea") && e.key !== "Escape") return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key === "+" || key === "=") $("#zoom-in").click();
    else if (key === "-" || key === "_") $("#zoom-out").click();
    else if (key === "0") $("#zoom-fit").click();
    else if (key === "1") $("#zoom-read").click();
    else if (key === "c") setCompare(!S.compare);
    else if (key === "g") { $("#show-grid").checked = !$("#show-grid").checked; redrawAll(); }
    else if (key === "f") $("#show-frames").click();
    else if (key === "h") $("#show-holes").click();
    else if (key === "escape") { if (S.drag) { S.drag = null; redrawAll(); } else select(null); }
  });
}

controls();
connect();
