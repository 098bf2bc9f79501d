// The regression lab's run as one animated Plotly figure for the self-contained HTML export:
// the loss landscape with every racer's path growing, the loss curves beside it, a slider and
// a play button. Pure: the landscape, the record and the racers' styles in, a figure out.

import { animationControls } from "./export.js";
import { thin } from "./plots-animation.js";

const MAX_FRAMES = 120;
const MAX_POINTS = 400; // per path and per loss curve: thinned evenly, the last point kept
const round = (v) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/**
 * land: the main landscape ({x, y, rows, log, names, axes, range}); record: the race record
 * (each racer's `log` of frame entries); labels; style(i): {color, symbol, twin}; onLand(i):
 * whether racer i's path belongs on this landscape (an MSE twin's does not); start; lossLog.
 * twin: in twin mode, the MSE twins' landscape and who is on it ({land, onLand}), drawn as a
 * second map beside the first; else null.
 */
export function regressionFigure({ land, record, labels, style, onLand, start, lossLog, t, title, twin = null }) {
  const maps = [{ land, onLand, xa: "x", ya: "y" }];
  if (twin) maps.push({ land: twin.land, onLand: twin.onLand, xa: "x3", ya: "y3" });
  const racers = record.racers.map((r, i) => {
    const curve = r.log.filter((e) => Number.isFinite(e.loss) && (!lossLog || e.loss > 0));
    return {
      label: labels[i] || r.label,
      style: style(i),
      curve: thin(curve.length, MAX_POINTS).map((k) => curve[k]),
      // On each map, the racer's path (null when it belongs on another map).
      paths: maps.map((m) => (m.onLand(i) ? pathOn(r.log, m.land) : null)),
    };
  });
  const last = Math.max(0, ...record.racers.map((r) => (r.log.length ? r.log[r.log.length - 1].step : 0)));
  const stepsShown = thin(last + 1, MAX_FRAMES);
  const upTo = (list, step) => list.filter((e) => e.step <= step);

  const pathTrace = (r, pts, m) => {
    const [a, b] = m.land.axes;
    return {
      type: "scatter", mode: "lines", name: r.label, legendgroup: r.label, xaxis: m.xa, yaxis: m.ya,
      x: pts.map((e) => round(e.point[a])), y: pts.map((e) => round(e.point[b])),
      line: { color: r.style.color, width: 2.5 }, hoverinfo: "skip", showlegend: false,
    };
  };
  const headTrace = (r, pts, m) => {
    const [a, b] = m.land.axes;
    const e = pts[pts.length - 1];
    return {
      type: "scatter", mode: "markers", name: r.label, legendgroup: r.label, showlegend: false, xaxis: m.xa, yaxis: m.ya,
      x: e ? [round(e.point[a])] : [], y: e ? [round(e.point[b])] : [],
      text: e ? [`${esc(r.label)}<br>${t("hover.step")} ${e.step}<br>${t("hover.loss")} ${round(e.loss)}`] : [],
      hoverinfo: "text",
      marker: { symbol: r.style.symbol, size: 12, color: r.style.color, line: { color: "#ffffff", width: 1.5 } },
    };
  };
  const lossTrace = (r, pts) => ({
    type: "scatter", mode: "lines", name: r.label, legendgroup: r.label, xaxis: "x2", yaxis: "y2",
    x: pts.map((e) => e.step), y: pts.map((e) => round(e.loss)),
    line: { color: r.style.color, width: 2.5, dash: r.style.twin ? "dash" : "solid" },
    hovertemplate: `${esc(r.label)}<br>${t("hover.step")} %{x}<br>${t("hover.loss")} %{y:.5g}<extra></extra>`,
  });
  const dynamic = (step) => [
    ...maps.flatMap((m, k) => racers.filter((r) => r.paths[k]).flatMap((r) => {
      const pts = upTo(r.paths[k], step);
      return [pathTrace(r, pts, m), headTrace(r, pts, m)];
    })),
    ...racers.map((r) => lossTrace(r, upTo(r.curve, step))),
  ];
  // Each map's contour and start come first and never change.
  const fixedTraces = maps.flatMap((m) => mapTraces(m, start, t));
  const traceIds = dynamic(0).map((_, k) => fixedTraces.length + k);
  const frames = stepsShown.map((s) => ({ name: String(s), data: dynamic(s), traces: traceIds }));

  // Fixed loss axes: frames redraw the lines without rescaling the chart.
  const losses = racers.flatMap((r) => r.curve.map((e) => e.loss));
  const lo = losses.length ? Math.min(...losses) : 0;
  const hi = losses.length ? Math.max(...losses) : 1;
  const pad = (hi - lo) * 0.05 || 0.1;
  const lossRange = lossLog ? [Math.log10(lo) - 0.1, Math.log10(hi) + 0.1] : [Math.min(0, lo - pad), hi + pad];
  // Side by side: the map (or both maps) on the left, the loss chart on the right.
  const domains = twin ? [[0, 0.3], [0.35, 0.65]] : [[0, 0.5]];
  const mapAxes = {};
  maps.forEach((m, k) => {
    const [[x0, x1], [y0, y1]] = m.land.range;
    const n = k === 0 ? "" : "3";
    mapAxes[`xaxis${n}`] = { domain: domains[k], anchor: `y${n}`, title: { text: m.land.names[0] }, range: [x0, x1] };
    mapAxes[`yaxis${n}`] = { anchor: `x${n}`, title: { text: m.land.names[1] }, range: [y0, y1] };
  });
  return {
    data: [...fixedTraces, ...dynamic(stepsShown[0] ?? 0)],
    frames,
    layout: {
      title: { text: esc(title), font: { size: 16 } },
      ...mapAxes,
      xaxis2: { domain: [twin ? 0.72 : 0.6, 1], anchor: "y2", title: { text: t("hover.step") }, range: [0, Math.max(1, last)] },
      yaxis2: {
        anchor: "x2", type: lossLog ? "log" : "linear", title: { text: t("hover.loss") }, range: lossRange,
        // A log axis labels every digit when it spans few decades: 1, 2, 5 only, or powers of 10.
        ...(lossLog ? { dtick: lossRange[1] - lossRange[0] > 2 ? 1 : "D2" } : {}),
      },
      legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 },
      // Two maps need names: which Loss Function each one is.
      annotations: twin
        ? [["reg.land_title_bce", domains[0]], ["reg.land_title_mse", domains[1]]].map(([key, [d0, d1]]) => ({
          text: esc(t(key)), xref: "paper", yref: "paper", x: (d0 + d1) / 2, y: 1, yanchor: "bottom", showarrow: false, font: { size: 14 },
        }))
        : [],
      margin: { l: 60, r: 30, t: twin ? 110 : 90, b: 120 },
      ...animationControls(frames, { prefix: `${t("hover.step")} ` }),
    },
  };
}

/** A racer's path on a map, thinned; a diverging path breaks off the map rather than
 * stretching it. */
function pathOn(log, land) {
  const [a, b] = land.axes;
  const [[x0, x1], [y0, y1]] = land.range;
  const mx = (x1 - x0) * 0.5;
  const my = (y1 - y0) * 0.5;
  const near = (p) => Array.isArray(p) && p.every(Number.isFinite) && p[a] > x0 - mx && p[a] < x1 + mx && p[b] > y0 - my && p[b] < y1 + my;
  const path = log.filter((e) => near(e.point));
  return thin(path.length, MAX_POINTS).map((k) => path[k]);
}

/** A map's fixed traces: its filled contour and the start point. */
function mapTraces(m, start, t) {
  const { land, xa, ya } = m;
  const [a, b] = land.axes;
  const contour = {
    type: "contour", xaxis: xa, yaxis: ya, x: land.x.map(round), y: land.y.map(round), z: land.rows.map((row) => row.map(round)),
    // Filled bands, not a heatmap image: Plotly drops that image while it animates.
    colorscale: "Viridis", ncontours: 22, contours: { coloring: "fill", showlines: true },
    line: { width: 0.6, color: "rgba(255,255,255,0.45)" }, hoverinfo: "skip", showscale: false,
  };
  const startMark = {
    type: "scatter", mode: "markers", name: t("reg.start"), showlegend: false, xaxis: xa, yaxis: ya,
    x: start && a < start.length ? [start[a]] : [], y: start && b < start.length ? [start[b]] : [],
    marker: { symbol: "circle-open-dot", size: 16, color: "#ffffff", line: { width: 2 } }, hoverinfo: "name",
  };
  return [contour, startMark];
}
