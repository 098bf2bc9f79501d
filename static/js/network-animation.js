// The network lab's run as one animated Plotly figure for the self-contained HTML export: the
// decision boundary (or regression surface) the page received, frame by frame under the data,
// beside the loss and accuracy curves with the current step marked. Pure: record in, figure out.

import { boundaryFigure } from "./components/network-figures.js";
import { animationControls } from "./export.js";
import { thin } from "./plots-animation.js";
import { escapeHtml } from "./plots-data.js";
import { figureContext } from "./plots-network.js";

export const MAX_FRAMES = 60; // heatmaps animated (thinned evenly, first and last kept)
export const GRID_MAX = 50; // heatmap cells a side in the file (the page gets 100)
const CURVE_POINTS = 600; // per curve
const TRAIN = "#0072B2";
const TEST = "#D55E00";

const sig = (v, digits = 4) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : null);

/** A heatmap thinned to at most GRID_MAX a side, with the cells' true coordinates. */
export function thinHeatmap(heat, domain) {
  const [ny, nx] = heat.shape;
  const [[x0, x1], [y0, y1]] = domain;
  const cols = thin(nx, GRID_MAX);
  const rows = thin(ny, GRID_MAX);
  const at = (lo, hi, n) => (i) => sig(lo + ((hi - lo) * i) / Math.max(1, n - 1), 6);
  return {
    step: heat.step,
    x: cols.map(at(x0, x1, nx)),
    y: rows.map(at(y0, y1, ny)),
    z: rows.map((j) => cols.map((i) => sig(heat.z[j * nx + i]))),
  };
}

/** Index of the last recorded step at or before `step` (steps ascend). */
function indexAt(steps, step) {
  let lo = 0;
  let hi = steps.length - 1;
  if (hi < 0 || steps[0] > step) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (steps[mid] <= step) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * problem: the server's `started` problem; record: the page's run record (network-record.js);
 * names: the axis names; logLoss: the loss axis on a log scale. Returns {data, layout, frames}.
 */
export function animatedNetworkFigure(problem, record, { t, names = null, logLoss = true }) {
  const ctx = figureContext(t, names);
  const { s } = ctx;
  const history = record.heatHistory.length ? record.heatHistory : [record.heatmap].filter(Boolean);
  if (!history.length) throw new Error("no heatmap to animate");
  const heats = thin(history.length, MAX_FRAMES).map((k) => thinHeatmap(history[k], problem.domain));
  // The page's own boundary figure at the first frame: heatmap (and boundary line) first,
  // then the train and test points. Only the heat traces change from frame to frame.
  const base = boundaryFigure(problem, { heatmap: { shape: [1, 1], z: [0], step: 0 } }, ctx);
  const heatCount = base.data.findIndex((tr) => tr.type === "scatter");
  const withGrid = (tr, h) => ({ ...tr, x: h.x, y: h.y, z: h.z });
  // The data's key goes in a second legend, over the boundary: one entry per class (its train
  // points), and one for what marks a test point.
  const classify = problem.task !== "regression";
  const trainTraces = classify ? problem.classes || 2 : 1;
  const boundary = base.data.map((tr, k) => {
    // A regression surface's colour bar sits beside its own plot, not at the figure's edge.
    const bar = tr.colorbar ? { colorbar: { ...tr.colorbar, x: 0.47, xanchor: "left" } } : {};
    if (k < heatCount) return { ...withGrid(tr, heats[0]), ...bar, showlegend: false };
    const entry = classify && k < heatCount + trainTraces;
    const c = k - heatCount; // the train points come first, class by class
    const name = entry ? escapeHtml((problem.class_names && problem.class_names[c]) || `${t("reg.class")} ${c}`) : tr.name;
    return { ...tr, name, showlegend: entry, legend: "legend2" };
  });
  boundary.push({
    type: "scatter", mode: "markers", x: [null], y: [null], name: t("net.key_test"), legend: "legend2", hoverinfo: "skip",
    marker: { color: "#ffffff", size: s.marker + 2, line: { color: ctx.ink, width: 2 } },
  });

  const steps = record.steps;
  const keep = thin(steps.length, CURVE_POINTS);
  const pick = (arr, f = (v) => v) => keep.map((k) => (arr[k] === null || arr[k] === undefined ? null : f(arr[k])));
  const pos = (v) => (logLoss && !(v > 0) ? null : v);
  const pct = (v) => 100 * v;
  const curve = (name, y, colour, dash, axis) => ({
    type: "scatter", mode: "lines", name, x: keep.map((k) => steps[k]), y, xaxis: `x${axis}`, yaxis: `y${axis}`,
    line: { color: colour, width: 2.5, dash }, hovertemplate: "%{y:.4g}",
  });
  const curves = [
    curve(`${t("net.loss_title")} · ${t("net.train")}`, pick(record.trainLoss, pos), TRAIN, "solid", 2),
    curve(`${t("net.loss_title")} · ${t("net.test")}`, pick(record.testLoss, pos), TEST, "dash", 2),
  ];
  if (classify) {
    curves.push(
      curve(`${t("net.acc_title")} · ${t("net.train")}`, pick(record.trainAcc, pct), TRAIN, "solid", 3),
      curve(`${t("net.acc_title")} · ${t("net.test")}`, pick(record.testAcc, pct), TEST, "dash", 3),
    );
  }
  // The current step on each curve: a ring on the train line, a square on the test line.
  const marker = (axis, colour, symbol) => ({
    type: "scatter", mode: "markers", x: [], y: [], xaxis: `x${axis}`, yaxis: `y${axis}`, showlegend: false,
    hoverinfo: "skip", marker: { color: colour, symbol, size: 12, line: { color: "#ffffff", width: 1.5 } },
  });
  const markers = [marker(2, TRAIN, "circle"), marker(2, TEST, "square")];
  if (classify) markers.push(marker(3, TRAIN, "circle"), marker(3, TEST, "square"));
  const markAt = (step) => {
    const k = indexAt(steps, step);
    const point = (arr, f = (v) => v) => (k >= 0 && arr[k] !== null ? { x: [steps[k]], y: [f(arr[k])] } : { x: [], y: [] });
    const out = [point(record.trainLoss, pos), point(record.testLoss, pos)];
    if (classify) out.push(point(record.trainAcc, pct), point(record.testAcc, pct));
    return out;
  };

  const data = [...boundary, ...curves, ...markers];
  const heatIds = Array.from({ length: heatCount }, (_, k) => k);
  const markIds = markers.map((_, k) => boundary.length + curves.length + k);
  const frames = heats.map((h) => ({
    name: String(h.step),
    data: [...heatIds.map(() => ({ x: h.x, y: h.y, z: h.z })), ...markAt(h.step)],
    traces: [...heatIds, ...markIds],
  }));
  markAt(heats[0].step).forEach((m, k) => Object.assign(data[markIds[k]], m));

  const controls = animationControls(frames, { prefix: `${t("hover.step")} `, duration: 150 });

  const axis = (title, extra = {}) => ({
    title: { text: title, font: { size: s.small + 1 }, standoff: 4 }, gridcolor: ctx.grid, zeroline: false,
    linecolor: ctx.muted, tickfont: { size: s.small }, ...extra,
  });
  const top = classify ? [0.56, 1] : [0, 1];
  const left = classify ? 0.56 : 0.64; // a regression surface's colour bar needs the room
  const layout = {
    ...base.layout,
    showlegend: true,
    legend: { orientation: "h", x: left, xanchor: "left", y: 1.02, yanchor: "bottom", font: { size: s.small } },
    legend2: { orientation: "h", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom", font: { size: s.small } },
    margin: { l: 60, r: 20, t: 60, b: 110 },
    xaxis: { ...base.layout.xaxis, domain: [0, 0.46] },
    yaxis: { ...base.layout.yaxis, domain: [0, 1] },
    xaxis2: axis(t("net.step_axis"), { domain: [left, 1], anchor: "y2", rangemode: "tozero" }),
    yaxis2: axis(t("net.loss_axis"), { domain: top, anchor: "x2", type: logLoss ? "log" : "linear", exponentformat: "power" }),
    hovermode: "closest",
    ...controls,
  };
  if (classify) {
    layout.xaxis3 = axis(t("net.step_axis"), { domain: [left, 1], anchor: "y3", rangemode: "tozero", matches: "x2" });
    layout.yaxis3 = axis(t("net.acc_axis"), { domain: [0, 0.44], anchor: "x3", range: [0, 102] });
    layout.xaxis2.showticklabels = false;
    delete layout.xaxis2.title;
  }
  return { data, layout, frames };
}
