// The backprop lab's computational graph as SVG: one rounded box per engine node (value and
// gradient), edges from each parent to the op that used it, the current node highlighted.

import { fmt } from "./backprop-state.js";

const NS = "http://www.w3.org/2000/svg";
const BOX = { w: 106, h: 80 };
const PITCH = { col: 120, row: 88 };
const PAD = 12;
const GLYPH = {
  mul: "×", add: "+", sigmoid: "σ", tanh: "tanh", stack: "[ ]",
  mse_loss: "MSE", binary_cross_entropy: "BCE", cross_entropy: "CE",
};

export const opGlyph = (op) => GLYPH[op] || op || "";

/** Columns from the edges alone (an op one right of its deepest parent, a leaf just left of
 * its first consumer), rows from each node's hint with at least one row between neighbours. */
export function layout(graph) {
  const parents = new Map(graph.nodes.map((n) => [n.id, []]));
  const children = new Map(graph.nodes.map((n) => [n.id, []]));
  for (const e of graph.edges) {
    parents.get(e.to).push(e.from);
    children.get(e.from).push(e.to);
  }
  const col = new Map();
  for (const n of graph.nodes) {
    // graph.nodes is in topological order: parents come first
    const ps = parents.get(n.id);
    if (ps.length) col.set(n.id, 1 + Math.max(...ps.map((p) => col.get(p) ?? 0)));
  }
  for (const n of graph.nodes) {
    if (!parents.get(n.id).length) col.set(n.id, Math.min(...children.get(n.id).map((c) => col.get(c))) - 1);
  }
  const min = Math.min(...col.values());
  const columns = new Map();
  for (const n of graph.nodes) {
    const c = col.get(n.id) - min;
    if (!columns.has(c)) columns.set(c, []);
    columns.get(c).push(n);
  }
  const pos = new Map();
  let rows = 0;
  for (const [c, list] of columns) {
    list.sort((a, b) => a.row - b.row);
    let last = -Infinity;
    for (const n of list) {
      const r = Math.max(n.row, last + 1);
      last = r;
      pos.set(n.id, { col: c, row: r });
      rows = Math.max(rows, r);
    }
  }
  const ncols = Math.max(...columns.keys()) + 1;
  const place = new Map();
  for (const [id, p] of pos) {
    place.set(id, { x: PAD + p.col * PITCH.col, y: PAD + p.row * PITCH.row });
  }
  return {
    place,
    width: PAD * 2 + (ncols - 1) * PITCH.col + BOX.w,
    height: PAD * 2 + rows * PITCH.row + BOX.h,
  };
}

/** One number per example, 2 significant digits, spaces between (rows of a stack: " | "). */
function spaced(v) {
  return v.map((x) => (Array.isArray(x) ? x.map((y) => fmt(y, 2)).join(" ") : fmt(x, 2))).join(Array.isArray(v[0]) ? " | " : "  ");
}

/** A batch's numbers may not fit a box: squeeze them to its width rather than spill over. */
function squeeze(text, small) {
  const width = text.length * (small ? 9 : 14);
  return width > BOX.w - 8 ? { textLength: BOX.w - 8, lengthAdjust: "spacingAndGlyphs" } : {};
}

/** Each number as drawn, measured: wider than its box ("2.46e−4" in bold 27 px is, though
 * only 7 characters), its type shrinks to fit (down to 14 px), then its letters squeeze. */
function fitNumbers(svg) {
  const room = BOX.w - 10;
  for (const text of svg.querySelectorAll(".bp-value, .bp-grad")) {
    if (text.hasAttribute("textLength")) continue; // squeezed already
    const wide = text.getComputedTextLength();
    if (!(wide > room)) continue; // 0 while the graph is not displayed
    const size = parseFloat(getComputedStyle(text).fontSize);
    text.style.fontSize = `${Math.max(14, Math.floor((size * room) / wide))}px`;
    if (text.getComputedTextLength() > room) {
      text.setAttribute("textLength", room);
      text.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }
  }
}

function el(name, attrs = {}, text = null) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}

/** Draws into an <svg>; `show` says what is visible (backprop-state.js visibleAt). */
export function drawGraph(svg, graph, show, { selected = null, t = (k) => k } = {}) {
  const { place, width, height } = layout(graph);
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const hot = new Set(); // edges the current step uses
  if (show.current) {
    for (const e of graph.edges) {
      if (show.phase === "forward" && e.to === show.current) hot.add(e);
      if (show.phase === "backward" && e.from === show.current && e.local !== null) hot.add(e);
    }
  }
  const edges = el("g", { class: "bp-edges" });
  for (const e of graph.edges) {
    const a = place.get(e.from);
    const b = place.get(e.to);
    const x1 = a.x + BOX.w;
    const y1 = a.y + BOX.h / 2;
    const x2 = b.x;
    const y2 = b.y + BOX.h / 2;
    const mid = (x1 + x2) / 2;
    const cls = ["bp-edge"];
    if (hot.has(e)) cls.push(show.phase === "backward" ? "is-back" : "is-forward");
    if (e.local === null) cls.push("no-grad");
    edges.append(el("path", { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, class: cls.join(" ") }));
  }
  svg.append(edges);
  const updates = new Map((graph.update || []).map((u) => [u.param, u]));
  for (const n of graph.nodes) {
    const p = place.get(n.id);
    const cls = ["bp-node", `kind-${n.kind}`];
    const hasValue = show.values.has(n.id);
    const hasGrad = show.grads.has(n.id) && n.grad !== null;
    if (hasValue) cls.push("has-value");
    if (hasGrad) cls.push("has-grad");
    if (n.id === show.current) cls.push("is-current");
    if (n.id === selected) cls.push("is-selected");
    const up = show.updated ? updates.get(n.id) : null;
    const vector = Array.isArray(n.value);
    const value = up ? `→ ${fmt(up.after)}` : hasValue ? (vector ? spaced(n.value) : fmt(n.value)) : "?";
    const gtext = n.grad === null ? null : hasGrad ? (Array.isArray(n.grad) ? spaced(n.grad) : `∂ ${fmt(n.grad)}`) : "∂ ?";
    const g = el("g", {
      class: cls.join(" "),
      transform: `translate(${p.x},${p.y})`,
      "data-id": n.id,
      tabindex: "0",
      role: "button",
      // What the box shows, all of it, so a screen reader says the gradient too.
      "aria-label": [n.label, value, gtext].filter((x) => x !== null).join(" "),
    });
    g.append(el("rect", { width: BOX.w, height: BOX.h, rx: 10, class: "bp-box" }));
    g.append(el("text", { x: 7, y: 20, class: "bp-label" }, n.label));
    // a product is already named by its expression (x1·w11): no room or need for a glyph
    if (n.op && !n.label.includes("·")) g.append(el("text", { x: BOX.w - 7, y: 20, class: "bp-op", "text-anchor": "end" }, opGlyph(n.op)));
    const long = vector || value.length > 7;
    g.append(el("text", {
      x: BOX.w / 2, y: 49, "text-anchor": "middle",
      class: `bp-value${long ? " is-long" : ""}${up ? " is-updated" : ""}`, ...squeeze(value, long),
    }, value));
    if (gtext !== null) {
      g.append(el("text", {
        x: BOX.w / 2, y: 72, "text-anchor": "middle",
        class: `bp-grad${Array.isArray(n.grad) ? " is-long" : ""}`, ...squeeze(gtext, Array.isArray(n.grad)),
      }, gtext));
    }
    g.append(el("title", {}, `${n.label}: ${t(`bp.kind_${n.kind}`)}`));
    svg.append(g);
  }
  fitNumbers(svg);
}
