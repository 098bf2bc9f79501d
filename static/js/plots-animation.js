// The surface lab's run as one animated Plotly figure (contour, every path growing, a slider
// and a play button) for the self-contained HTML export. Pure: model in, figure out.

import { animationControls } from "./export.js";
import { inDomain, racerStyle } from "./state.js";

const MAX_FRAMES = 120;
const MAX_POINTS = 400; // per path: thinned evenly, the last point always kept
const round = (v) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null);

/** Indices 0..n-1 thinned to at most `max`, first and last kept. */
export function thin(n, max) {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out = [];
  for (let k = 0; k < max; k += 1) out.push(Math.round((k * (n - 1)) / (max - 1)));
  return [...new Set(out)];
}

/**
 * land: the plots' landscape model ({x, y, rows, domain, log, zlo, zhi, info});
 * log: a RunLog; t: i18n lookup. Returns {data, layout, frames} (the page around it
 * carries the title).
 */
export function animatedFigure(land, log, { t }) {
  const [[x0, x1], [y0, y1]] = land.domain;
  const racers = log.racers.map((r, i) => {
    // Only finite points inside a generous margin: a diverging path breaks off the map.
    const pts = r.entries.filter((e) => Array.isArray(e.point) && e.point.every(Number.isFinite) && inDomain(e.point, land.domain, 0.5));
    const keep = thin(pts.length, MAX_POINTS).map((k) => pts[k]);
    return { ...racerStyle(i), label: r.label, pts: keep };
  });
  const last = Math.max(0, ...racers.map((r) => (r.pts.length ? r.pts[r.pts.length - 1].step : 0)));
  const stepsShown = thin(last + 1, MAX_FRAMES);
  const upTo = (r, step) => r.pts.filter((e) => e.step <= step);
  const pathTrace = (r, pts) => ({
    type: "scatter",
    mode: "lines",
    name: r.label,
    x: pts.map((e) => round(e.point[0])),
    y: pts.map((e) => round(e.point[1])),
    line: { color: r.color, width: 2.5 },
    hoverinfo: "skip",
  });
  const headTrace = (r, pts) => {
    const e = pts[pts.length - 1];
    return {
      type: "scatter",
      mode: "markers",
      name: r.label,
      showlegend: false,
      x: e ? [round(e.point[0])] : [],
      y: e ? [round(e.point[1])] : [],
      text: e ? [`${r.label}<br>${t("hover.step")} ${e.step}<br>${t("hover.loss")} ${round(e.loss)}`] : [],
      hoverinfo: "text",
      marker: { symbol: r.symbol, size: 12, color: r.color, line: { color: "#ffffff", width: 1.5 } },
    };
  };
  const dynamic = (step) => racers.flatMap((r) => {
    const pts = upTo(r, step);
    return [pathTrace(r, pts), headTrace(r, pts)];
  });
  const traceIds = racers.flatMap((_, i) => [1 + 2 * i, 2 + 2 * i]);
  const frames = stepsShown.map((s) => ({ name: String(s), data: dynamic(s), traces: traceIds }));
  const contour = {
    type: "contour",
    x: land.x.map(round),
    y: land.y.map(round),
    z: land.rows.map((row) => row.map(round)),
    colorscale: "Viridis",
    zmin: land.zlo,
    zmax: land.zhi,
    ncontours: 22,
    // Filled bands, not a heatmap image: plotly.js drops the heatmap image while animating.
    contours: { coloring: "fill", showlines: true },
    line: { width: 0.6, color: "rgba(255,255,255,0.45)" },
    hoverinfo: "skip",
    showscale: true,
    colorbar: { title: { text: land.log ? t("plots.colour_log") : t("plots.colour_linear"), side: "right" }, len: 0.8 },
  };
  const minima = land.info.minima || [];
  const stars = {
    type: "scatter",
    mode: "markers",
    name: t("plots.minimum"),
    x: minima.map((m) => m[0]),
    y: minima.map((m) => m[1]),
    marker: { symbol: "star", size: 16, color: "#ffffff", line: { color: "#1d2330", width: 1.5 } },
    hoverinfo: "name",
  };
  const controls = animationControls(frames, { prefix: `${t("hover.step")} ` });
  return {
    data: [contour, ...dynamic(stepsShown[0] ?? 0), stars],
    frames,
    layout: {
      xaxis: { title: { text: "x" }, range: [x0, x1], zeroline: false },
      yaxis: { title: { text: "y" }, range: [y0, y1], zeroline: false },
      legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 },
      margin: { l: 60, r: 30, t: 40, b: 120 },
      ...controls,
    },
  };
}
