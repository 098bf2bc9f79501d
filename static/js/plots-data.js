// Plotly figure for the regression lab's Data view: the points, each racer's current model
// (a line, a sigmoid curve), and for softmax the chosen racer's decision regions as a heatmap
// under the points. Figures only; RegressionPlots (plots-regression.js) draws them.

import { argmax, sigmoid, softmaxLogits } from "./regression-math.js";
import { PALETTE } from "./state.js";

export const CLASS_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"];
const CLASS_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x"];
const REGION_N = 70;

function extent(values, pad = 0.08) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return [lo - 1, hi + 1];
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
}

/** data: {kind, x, y, classes, class_names?, x_names, y_name}; racers: [{label, theta, style}]
 * (theta or null; style.twin: an MSE twin, drawn dashed beside its solid cross-entropy racer). */
export function dataFigure(data, racers, { s, t, focus, batch, axis, baseLayout }) {
  const traces = [];
  const layout = { ...baseLayout, margin: s.margin, hovermode: "closest", dragmode: false };
  if (data.kind === "multiclass") {
    const x1 = data.x.map((p) => p[0]);
    const x2 = data.x.map((p) => p[1]);
    const rx = extent(x1);
    const ry = extent(x2);
    const f = racers[focus];
    if (f && f.theta) traces.push(regions(f.theta, data.classes, rx, ry));
    for (let c = 0; c < data.classes; c += 1) {
      const idx = data.y.map((v, i) => (v === c ? i : -1)).filter((i) => i >= 0);
      const name = data.class_names ? escapeHtml(data.class_names[c]) : `${t("reg.class")} ${c + 1}`;
      traces.push({
        type: "scatter", mode: "markers", name, showlegend: true,
        x: idx.map((i) => x1[i]), y: idx.map((i) => x2[i]),
        marker: { color: CLASS_COLOURS[c], symbol: CLASS_SYMBOLS[c], size: s.marker + 2, line: { color: "#fff", width: 1 } },
        hovertemplate: `${name}<br>x₁ %{x:.3f}, x₂ %{y:.3f}<extra></extra>`,
      });
    }
    if (batch) traces.push(batchRing(batch.map((i) => x1[i]), batch.map((i) => x2[i]), s));
    layout.xaxis = axis(data.x_names[0] || "x₁", rx);
    layout.yaxis = axis(data.x_names[1] || "x₂", ry);
    // Which colour is which class (a CSV file's own labels): a one-line key above the plot.
    layout.showlegend = true;
    layout.legend = { orientation: "h", x: 0, xanchor: "left", y: 1, yanchor: "bottom", font: { size: s.small }, bgcolor: "rgba(0,0,0,0)" };
    layout.margin = { ...s.margin, t: s.small + 16 };
    return { data: traces, layout };
  }
  const rx = extent(data.x);
  const ry = data.kind === "binary" ? [-0.12, 1.12] : extent(data.y, 0.12);
  traces.push({
    type: "scatter", mode: "markers", name: t("reg.points"), x: data.x, y: data.y,
    marker: { color: "rgba(29,35,48,0.55)", size: s.marker + 1, line: { color: "#fff", width: 0.5 } },
    hovertemplate: `${data.x_names[0] || "x"} %{x:.4g}<br>${data.y_name || "y"} %{y:.4g}<extra></extra>`,
  });
  if (batch) traces.push(batchRing(batch.map((i) => data.x[i]), batch.map((i) => data.y[i]), s));
  const xs = [];
  const steps = data.kind === "binary" ? 80 : 1;
  for (let i = 0; i <= steps; i += 1) xs.push(rx[0] + ((rx[1] - rx[0]) * i) / steps);
  const twinMode = racers.some((r) => r.style.twin);
  racers.forEach((r, i) => {
    const st = r.style;
    const th = r.theta;
    const ys = th ? xs.map((x) => (data.kind === "binary" ? sigmoid(th[0] * x + th[1]) : th[0] * x + th[1])) : [];
    traces.push({
      type: "scatter", mode: "lines", name: r.label, x: th ? xs : [], y: ys,
      // Twin mode: cross-entropy solid, MSE dashed; otherwise dashes tell racers apart.
      line: { color: st.color, width: s.line + (i === focus ? 1 : 0), dash: twinMode ? (st.twin ? "dash" : "solid") : ["solid", "dash", "dot", "dashdot"][i % 4] },
      hovertemplate: `<b>${escapeHtml(r.label)}</b><br>w ${th ? th[0].toFixed(4) : ""}, b ${th ? th[1].toFixed(4) : ""}<extra></extra>`,
    });
  });
  layout.xaxis = axis(data.x_names[0] || "x", rx);
  layout.yaxis = axis(data.kind === "binary" ? `${data.y_name || "y"} / p` : data.y_name || "y", ry);
  return { data: traces, layout };
}

function batchRing(x, y, s) {
  return {
    type: "scatter", mode: "markers", name: "batch", x, y, hoverinfo: "skip", showlegend: false,
    marker: { symbol: "circle-open", size: s.marker + 10, color: "#E69F00", line: { width: 2.5, color: "#E69F00" } },
  };
}

function regions(theta, k, rx, ry) {
  const xs = [];
  const ys = [];
  for (let i = 0; i < REGION_N; i += 1) {
    xs.push(rx[0] + ((rx[1] - rx[0]) * i) / (REGION_N - 1));
    ys.push(ry[0] + ((ry[1] - ry[0]) * i) / (REGION_N - 1));
  }
  const z = ys.map((y) => xs.map((x) => argmax(softmaxLogits(theta, k, x, y))));
  const scale = [];
  for (let c = 0; c < k; c += 1) {
    scale.push([c / k, CLASS_COLOURS[c]], [(c + 1) / k, CLASS_COLOURS[c]]);
  }
  return {
    type: "heatmap", x: xs, y: ys, z, zmin: -0.5, zmax: k - 0.5, colorscale: scale,
    opacity: 0.22, showscale: false, hoverinfo: "skip", showlegend: false,
  };
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

export { PALETTE };
