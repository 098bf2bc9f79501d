// #net-diagram: the network as an SVG graph. Columns of units (the input features, each hidden
// layer, the output), one edge per weight: blue solid for positive, vermillion dashed for
// negative, width and opacity by |weight| against the largest weight in the network. Each unit
// is a small picture of what it computes over the input plane (blue positive, vermillion
// negative; the outputs in the classes' colours). Built once per architecture, restyled per update.

import { biasesOf, weightsOf } from "../network-record.js";
import { FEATURE_LABELS } from "../network-state.js";
import { CLASS_COLOURS } from "./network-figures.js";
import { byMagnitude, forwardGrid, scores, thumbnail } from "./network-neurons.js";

const NS = "http://www.w3.org/2000/svg";
const POS = "#0072B2";
const NEG = "#D55E00";
const THUMB_N = 20; // grid points a side in each unit's picture
const THUMB_MS = 300; // pictures redraw at most this often while training runs

function el(tag, attrs = {}, text = null) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

export function mountNetworkDiagram(box, { t }) {
  const svg = el("svg", { role: "img", class: "net-svg" });
  box.replaceChildren(svg);
  let edges = []; // [{line, l, i, j}]
  let nodes = []; // [{circle, l, j}] for layers >= 1 (bias)
  let arch = null;
  let projector = false;
  let lastPoint = null;
  let lastThumbs = 0;
  // Drawn in the box's own pixels (not a scaled viewBox), so labels keep the page's type size.
  let W = 600;
  let H = 400;
  let queued = false;
  new ResizeObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      const w = box.clientWidth;
      const h = box.clientHeight;
      if (w > 0 && h > 0 && (Math.abs(w - W) > 2 || Math.abs(h - H) > 2) && arch) {
        build(arch);
        update(lastPoint);
      }
    });
  }).observe(box);

  /** Units per column, read from the weight shapes (fan_in, fan_out) the server reports. */
  function columnsOf(problem) {
    const ws = problem.layers.filter((x) => x.kind === "weight").sort((a, b) => a.layer - b.layer);
    return [ws[0].shape[0], ...ws.map((w) => w.shape[1])];
  }

  function build(problem) {
    arch = problem;
    W = Math.max(200, box.clientWidth || W);
    H = Math.max(150, box.clientHeight || H);
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("aria-label", t("net.diagram_label", { layers: problem.hidden.join(" × ") || "0" }));
    const cols = columnsOf(problem);
    const big = projector ? 1.5 : 1;
    const font = 14 * big;
    const left = 4.5 * font;
    // Room for the widest output label ("p(1)") beside a full-size unit.
    const right = 5 * font;
    const top = 2.2 * font;
    const bottom = 8;
    const xs = cols.map((_, c) => left + ((W - left - right) * c) / Math.max(1, cols.length - 1));
    const most = Math.max(...cols);
    // Units are squares of side 2r, as large as the tallest column allows.
    const r = Math.max(5, Math.min(18 * big, ((H - top - bottom) / most) * 0.4));
    const ys = cols.map((m) => {
      const gap = Math.min((H - top - bottom) / Math.max(1, m), 3.2 * r);
      const first = top + (H - top - bottom - gap * (m - 1)) / 2;
      return Array.from({ length: m }, (_, k) => first + k * gap);
    });
    const edgeLayer = el("g", { class: "net-edges" });
    const nodeLayer = el("g", { class: "net-nodes" });
    const labelLayer = el("g", { class: "net-labels", "font-size": font });
    edges = [];
    nodes = [];
    for (let l = 1; l < cols.length; l += 1) {
      for (let i = 0; i < cols[l - 1]; i += 1) {
        for (let j = 0; j < cols[l]; j += 1) {
          const line = el("line", { x1: xs[l - 1], y1: ys[l - 1][i], x2: xs[l], y2: ys[l][j], stroke: "#b9c1d0", "stroke-width": 1 });
          const title = el("title");
          line.append(title);
          edgeLayer.append(line);
          edges.push({ line, title, l, i, j });
        }
      }
    }
    // Column titles in full when they fit between columns, in type down to 3/4 of the labels'
    // if need be (the Indonesian "Tersembunyi 1" is half as long again as "Hidden 1"), one
    // size for them all; else each in full at the labels' size when it fits, or short (H1, ...).
    const room = cols.length > 1 ? xs[1] - xs[0] : W;
    const heads = cols.map((_, c) => (c === 0 ? t("net.col_input") : c === cols.length - 1 ? t("net.col_output") : `${t("net.col_hidden")} ${c}`));
    const fits = Math.min(font, (room * 0.92) / (Math.max(...heads.map((x) => x.length)) * 0.62));
    const headFont = fits >= 0.75 * font ? fits : null;
    cols.forEach((m, c) => {
      for (let k = 0; k < m; k += 1) {
        const box = { x: xs[c] - r, y: ys[c][k] - r, width: 2 * r, height: 2 * r };
        const image = el("image", { ...box, preserveAspectRatio: "none" });
        const frame = el("rect", { ...box, fill: "none", stroke: "#1d2330", "stroke-width": 1.2, rx: 2 });
        const title = el("title");
        frame.append(title);
        nodeLayer.append(image, frame);
        nodes.push({ image, title, l: c, j: k });
      }
      const out = c === cols.length - 1;
      const full = heads[c];
      const short = c === 0 ? "in" : out ? "out" : `H${c}`;
      const [head, size] = headFont ? [full, headFont] : [full.length * font * 0.62 < room * 0.92 ? full : short, font];
      labelLayer.append(el("text", { x: xs[c], y: 1.3 * font, "text-anchor": "middle", class: "net-head", "font-size": size }, head));
    });
    // Input feature names to the left of the first column; output names to the right.
    problem.features.forEach((f, k) => {
      labelLayer.append(el("text", { x: xs[0] - r - 8, y: ys[0][k] + 0.35 * font, "text-anchor": "end" }, FEATURE_LABELS[f] || f));
    });
    const outs = columnsOf(problem).at(-1);
    for (let k = 0; k < outs; k += 1) {
      const name = outs > 1 ? `p(${k})` : problem.task === "binary" ? "p(1)" : "ŷ";
      labelLayer.append(el("text", { x: xs.at(-1) + r + 8, y: ys.at(-1)[k] + 0.35 * font, "text-anchor": "start" }, name));
    }
    svg.replaceChildren(edgeLayer, nodeLayer, labelLayer);
  }

  /** Each unit's picture over an n x n grid of the input plane. */
  function drawThumbs(point) {
    const n = THUMB_N;
    const grid = forwardGrid(arch, point, n);
    const tanhLike = { tanh: (v) => v, sigmoid: (v) => 2 * v - 1 };
    const out = grid.out;
    const probs = arch.task === "regression" ? null : outputProbabilities(out);
    for (const node of nodes) {
      let url;
      if (node.l === 0) {
        const values = grid.inputs[node.j];
        url = thumbnail(values, n, byMagnitude(values));
      } else if (node.l <= grid.hidden.length) {
        const values = grid.hidden[node.l - 1][node.j];
        url = thumbnail(values, n, tanhLike[arch.activation] || byMagnitude(values));
      } else if (!probs) {
        url = thumbnail(out[node.j], n, byMagnitude(out[node.j]));
      } else if (out.length === 1) {
        // p(class 1): class 0's colour below one half, class 1's above, as in the big heatmap.
        url = thumbnail(probs[0], n, (v) => 2 * v - 1, CLASS_COLOURS[1], CLASS_COLOURS[0]);
      } else {
        url = thumbnail(probs[node.j], n, (v) => v, CLASS_COLOURS[node.j % 3]);
      }
      node.image.setAttribute("href", url);
    }
  }

  function outputProbabilities(out) {
    if (out.length === 1) return [scores({ ...arch, task: "binary" }, out)];
    const size = out[0].length;
    const res = out.map(() => new Float64Array(size));
    for (let p = 0; p < size; p += 1) {
      const z = out.map((o) => o[p]);
      if (arch.loss === "bce") z.forEach((v, k) => { res[k][p] = 1 / (1 + Math.exp(-v)); });
      else {
        const top = Math.max(...z);
        const e = z.map((v) => Math.exp(v - top));
        const sum = e.reduce((a, b) => a + b, 0);
        e.forEach((v, k) => { res[k][p] = v / sum; });
      }
    }
    return res;
  }

  function update(point, { force = true } = {}) {
    lastPoint = point;
    if (!arch || !point) return;
    const nLayers = columnsOf(arch).length - 1;
    const mats = [];
    const biases = [];
    let most = 0;
    for (let l = 1; l <= nLayers; l += 1) {
      const m = weightsOf(arch, point, l) || [];
      mats.push(m);
      biases.push(biasesOf(arch, point, l) || []);
      for (const row of m) for (const v of row) most = Math.max(most, Math.abs(v));
    }
    const top = most > 0 ? most : 1;
    const widthMax = projector ? 9 : 7;
    for (const e of edges) {
      const v = mats[e.l - 1][e.i] ? mats[e.l - 1][e.i][e.j] : 0;
      const a = Math.abs(v) / top;
      e.line.setAttribute("stroke", v >= 0 ? POS : NEG);
      e.line.setAttribute("stroke-width", (0.4 + widthMax * a).toFixed(2));
      e.line.setAttribute("stroke-opacity", (0.15 + 0.85 * a).toFixed(2));
      if (v < 0) e.line.setAttribute("stroke-dasharray", "7 4");
      else e.line.removeAttribute("stroke-dasharray");
      e.title.textContent = `w${e.l}[${e.i + 1},${e.j + 1}] = ${v.toFixed(4)}`;
    }
    for (const n of nodes) {
      if (n.l === 0) n.title.textContent = FEATURE_LABELS[arch.features[n.j]] || arch.features[n.j];
      else n.title.textContent = `b${n.l}[${n.j + 1}] = ${(biases[n.l - 1][n.j] || 0).toFixed(4)}`;
    }
    const now = performance.now();
    if (force || now - lastThumbs >= THUMB_MS) {
      lastThumbs = now;
      drawThumbs(point);
    }
    svg.dataset.max = String(most);
  }

  return {
    /** A new architecture (from the server's `started` problem), drawn at its start weights. */
    show(problem, point) {
      build(problem);
      update(point);
    },
    update,
    setProjector(on, point) {
      projector = on;
      if (arch) {
        build(arch);
        update(point);
      }
    },
    translate(point) {
      if (arch) {
        build(arch);
        update(point);
      }
    },
    edgeCount: () => edges.length,
  };
}
