// Plotly figures for the network lab (figures only; NetworkPlots in plots-network.js draws
// them): the boundary heatmap under the train and test points, and the loss landscape with the
// projected trajectory, as a contour or a 3D surface.

import { CENTER_3D } from "../plots-common.js";
import { escapeHtml } from "../plots-data.js";

// Okabe-Ito blue, orange and green for the classes, each with its own marker shape too.
export const CLASS_COLOURS = ["#0072B2", "#E69F00", "#009E73"];
export const CLASS_SYMBOLS = ["circle", "square", "diamond"];
export const CLASS_GLYPHS = ["●", "■", "◆"];
const TINTS = ["#d4e6f1", "#f9e7c4", "#cdeadf"];

function linspace(lo, hi, n) {
  const out = new Array(n);
  for (let i = 0; i < n; i += 1) out[i] = lo + ((hi - lo) * i) / Math.max(1, n - 1);
  return out;
}

function reshape(flat, ny, nx, f = (v) => v) {
  const rows = [];
  for (let j = 0; j < ny; j += 1) {
    const row = new Array(nx);
    for (let i = 0; i < nx; i += 1) {
      const v = flat[j * nx + i];
      row[i] = Number.isFinite(v) ? f(v) : null;
    }
    rows.push(row);
  }
  return rows;
}

function extentOf(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}

function heatTraces(problem, heat, ctx, yRange) {
  if (!heat) return [];
  const [ny, nx] = heat.shape;
  const [[x0, x1], [y0, y1]] = problem.domain;
  const x = linspace(x0, x1, nx);
  const y = linspace(y0, y1, ny);
  const z = reshape(heat.z, ny, nx);
  const common = { type: "heatmap", x, y, z, hoverinfo: "skip", zsmooth: "best", showscale: false };
  const line = (start, end) => ({
    type: "contour", x, y, z, hoverinfo: "skip", showscale: false, autocontour: false,
    contours: { start, end, size: 1, coloring: "none" }, line: { color: ctx.ink, width: ctx.s.line, smoothing: 0.6 },
  });
  if (problem.task === "binary") {
    const scale = [[0, CLASS_COLOURS[0]], [0.5, "#f7f7f7"], [1, CLASS_COLOURS[1]]];
    return [{ ...common, zmin: 0, zmax: 1, colorscale: scale, opacity: 0.55 }, line(0.5, 0.5)];
  }
  if (problem.task === "multiclass") {
    const k = problem.classes;
    // Within class c the value runs from c + 1/k (unsure) to c + 1 (certain): tint to colour.
    const scale = [];
    for (let c = 0; c < k; c += 1) scale.push([c / k, TINTS[c % 3]], [(c + 1) / k, CLASS_COLOURS[c % 3]]);
    return [{ ...common, zsmooth: false, zmin: 0, zmax: k, colorscale: scale, opacity: 0.5 }, line(1, k - 1)];
  }
  const bar = { thickness: ctx.s.small, outlinewidth: 0, len: 0.8, tickfont: { size: ctx.s.small }, title: { text: "ŷ", side: "right" } };
  return [{ ...common, zmin: yRange[0], zmax: yRange[1], colorscale: "Viridis", opacity: 0.75, showscale: true, colorbar: bar }];
}

/** The boundary (or regression surface) of the latest heatmap frame under the points. */
export function boundaryFigure(problem, record, ctx) {
  const { s, t } = ctx;
  const yAll = problem.train.y.concat(problem.test.y);
  const yRange = problem.task === "regression" ? extentOf(yAll) : [0, 1];
  const traces = heatTraces(problem, record && record.heatmap, ctx, yRange);
  const names = ctx.names || ["x₁", "x₂"];
  const sets = [["train", problem.train, "#ffffff", 1, 0], ["test", problem.test, ctx.ink, 2, 2]];
  for (const [which, set, outline, width, grow] of sets) {
    const label = t(`net.${which}`);
    if (problem.task === "regression") {
      traces.push({
        type: "scatter", mode: "markers", name: label, x: set.x.map((p) => p[0]), y: set.x.map((p) => p[1]),
        marker: { color: set.y, colorscale: "Viridis", cmin: yRange[0], cmax: yRange[1], size: s.marker + grow, symbol: which === "train" ? "circle" : "square", line: { color: outline, width } },
        hovertemplate: `${label}<br>${names[0]} %{x:.3f}, ${names[1]} %{y:.3f}<br>y %{marker.color:.3f}<extra></extra>`,
      });
      continue;
    }
    const k = problem.classes || 2;
    for (let c = 0; c < k; c += 1) {
      const idx = [];
      set.y.forEach((v, i) => v === c && idx.push(i));
      const name = (problem.class_names && problem.class_names[c]) || `${t("reg.class")} ${c}`;
      traces.push({
        type: "scatter", mode: "markers", name: `${escapeHtml(name)} · ${label}`,
        x: idx.map((i) => set.x[i][0]), y: idx.map((i) => set.x[i][1]),
        marker: { color: CLASS_COLOURS[c % 3], symbol: CLASS_SYMBOLS[c % 3], size: s.marker + grow, line: { color: outline, width } },
        hovertemplate: `${label} · ${escapeHtml(name)}<br>${escapeHtml(names[0])} %{x:.3f}, ${escapeHtml(names[1])} %{y:.3f}<extra></extra>`,
      });
    }
  }
  const [rx, ry] = problem.domain;
  const axis = (title, range) => ({
    title: { text: escapeHtml(title), font: { size: s.font }, standoff: 2 }, range, fixedrange: true, zeroline: false,
    showgrid: false, linecolor: ctx.muted, mirror: true, ticks: "outside", ticklen: 3, tickfont: { size: s.small }, nticks: 6,
  });
  const square = (rx[1] - rx[0]) / (ry[1] - ry[0]);
  const yaxis = axis(names[1], ry);
  if (square > 0.5 && square < 2) Object.assign(yaxis, { scaleanchor: "x", scaleratio: 1, constrain: "domain" });
  return {
    data: traces,
    layout: { ...ctx.base, margin: s.margin, hovermode: "closest", dragmode: false, xaxis: { ...axis(names[0], rx), constrain: "domain" }, yaxis },
  };
}

// ---- the loss landscape -----------------------------------------------------------------------

/** The server's bands, assembled: {a, b, z (flat, n x n), path, log_scale, ...}. */
export function landscapeGrid(resp) {
  const n = resp.a.length;
  let lo = Infinity;
  for (const v of resp.z) if (Number.isFinite(v) && v < lo) lo = v;
  const eps = 1e-6 * Math.max(1, Math.abs(lo));
  const tz = resp.log_scale ? (v) => Math.log10(Math.max(v - lo, 0) + eps) : (v) => v;
  return { ...resp, n, rows: reshape(resp.z, resp.b.length, n, tz), tz };
}

function colourTitle(L, t) {
  return L.log_scale ? t("net.land_colour_log") : t("net.land_colour");
}

function pathTraces(L, ctx, threeD) {
  const { s, t } = ctx;
  const pa = L.path.map((p) => p[0]);
  const pb = L.path.map((p) => p[1]);
  const hover = `α %{x:.3f}, β %{y:.3f}<extra>${escapeHtml(t("net.trajectory"))}</extra>`;
  if (threeD) {
    const zs = L.path.map(([a, b]) => bilinear(L, a, b));
    return [{ type: "scatter3d", mode: "lines+markers", name: t("net.trajectory"), x: pa, y: pb, z: zs, line: { color: "#D55E00", width: s.line * 3 }, marker: { size: 2, color: "#D55E00" }, hoverinfo: "skip" }];
  }
  const last = L.path.length - 1;
  return [
    { type: "scatter", mode: "lines", x: pa, y: pb, line: { color: "#ffffff", width: s.line + 3 }, hoverinfo: "skip", name: "halo" },
    { type: "scatter", mode: "lines+markers", name: t("net.trajectory"), x: pa, y: pb, line: { color: "#D55E00", width: s.line }, marker: { size: s.marker - 2, color: "#D55E00" }, hovertemplate: hover },
    { type: "scatter", mode: "markers", name: t("plots.start"), x: pa.slice(0, 1), y: pb.slice(0, 1), marker: { symbol: "circle-open", size: s.marker + 8, color: "#ffffff", line: { width: 3 } }, hovertemplate: `${escapeHtml(t("plots.start"))}<extra></extra>` },
    { type: "scatter", mode: "markers", name: t("net.now"), x: [pa[last]], y: [pb[last]], marker: { symbol: "x", size: s.marker + 8, color: "#ffffff", line: { width: 2, color: ctx.ink } }, hovertemplate: `${escapeHtml(t("net.now"))}: α %{x:.3f}, β %{y:.3f}<extra></extra>` },
  ];
}

function bilinear(L, a, b) {
  const n = L.a.length;
  const m = L.b.length;
  const fi = ((a - L.a[0]) / (L.a[n - 1] - L.a[0])) * (n - 1);
  const fj = ((b - L.b[0]) / (L.b[m - 1] - L.b[0])) * (m - 1);
  if (!(fi >= 0 && fi <= n - 1 && fj >= 0 && fj <= m - 1)) return null;
  const i = Math.min(n - 2, Math.floor(fi));
  const j = Math.min(m - 2, Math.floor(fj));
  const u = fi - i;
  const v = fj - j;
  const z = (jj, ii) => L.rows[jj][ii];
  const vals = [z(j, i), z(j, i + 1), z(j + 1, i), z(j + 1, i + 1)];
  if (vals.some((x) => x === null)) return null;
  return (1 - v) * ((1 - u) * vals[0] + u * vals[1]) + v * ((1 - u) * vals[2] + u * vals[3]);
}

export function landscapeFigure(L, ctx) {
  const { s, t } = ctx;
  const span = (arr) => [arr[0], arr[arr.length - 1]];
  const axis = (title, range) => ({
    title: { text: title, font: { size: s.font }, standoff: 2 }, range, fixedrange: true, zeroline: false, showgrid: false,
    linecolor: ctx.muted, mirror: true, ticks: "outside", ticklen: 3, tickfont: { size: s.small }, nticks: 6,
  });
  return {
    data: [
      {
        type: "contour", x: L.a, y: L.b, z: L.rows, colorscale: "Viridis", ncontours: 20,
        contours: { coloring: "heatmap", showlines: true }, line: { width: 0.5, color: "rgba(255,255,255,0.4)" },
        hovertemplate: `α %{x:.3f}, β %{y:.3f}<br>${escapeHtml(colourTitle(L, t))} %{z:.4g}<extra></extra>`,
        colorbar: { thickness: ctx.s.small, outlinewidth: 0, tickfont: { size: s.small }, title: { text: colourTitle(L, t), side: "right", font: { size: s.small } } },
      },
      ...pathTraces(L, ctx, false),
    ],
    layout: { ...ctx.base, margin: s.margin, hovermode: "closest", dragmode: false, xaxis: axis("α (d₁)", span(L.a)), yaxis: axis("β (d₂)", span(L.b)) },
  };
}

export function landscape3dFigure(L, ctx) {
  const { s, t } = ctx;
  const ax = (title) => ({ title: { text: title, font: { size: s.small } }, tickfont: { size: s.small - 1 }, nticks: 4, backgroundcolor: "#f4f6fa", gridcolor: ctx.grid });
  return {
    data: [{ type: "surface", x: L.a, y: L.b, z: L.rows, colorscale: "Viridis", showscale: false, opacity: 0.92, hoverinfo: "skip" }, ...pathTraces(L, ctx, true)],
    layout: {
      ...ctx.base, margin: { l: 0, r: 0, t: 0, b: 0 }, uirevision: "network-3d",
      scene: { xaxis: ax("α"), yaxis: ax("β"), zaxis: ax(colourTitle(L, t)), aspectratio: { x: 1, y: 1, z: 0.6 }, camera: { eye: { x: -1.2, y: -1.3, z: 0.9 }, center: CENTER_3D } },
    },
  };
}
