// The backprop lab's loss landscape: a contour over two chosen weights (the rest fixed), the
// current point, the update's arrow, and the trail of points already visited.

import { decodeTyped } from "../plots.js";

const Plotly = () => window.Plotly;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif';
const TRAIL_DOTS = 40;
const CONFIG = { displaylogo: false, responsive: false, displayModeBar: false, scrollZoom: false, staticPlot: true };

function sizes(projector) {
  return projector
    ? { font: 18, marker: 16, line: 4, margin: { l: 58, r: 10, t: 8, b: 50 } }
    : { font: 12, marker: 11, line: 2.5, margin: { l: 44, r: 8, t: 6, b: 38 } };
}

/** #bp-landscape: draw(land, {point, next, trail, projector}); `point` is [a, b]. */
export function mountLandscape(div) {
  let drawn = null;
  return {
    get point() {
      return drawn;
    },
    async draw(land, { point, next = null, trail = [], projector = false }) {
      if (!land || !Plotly()) return;
      const s = sizes(projector);
      const n = land.z.shape[1];
      const flat = decodeTyped(land.z);
      const z = [];
      for (let i = 0; i < land.z.shape[0]; i += 1) z.push(Array.from(flat.subarray(i * n, (i + 1) * n)));
      const levels = land.levels;
      const contour = {
        type: "contour", x: land.x, y: land.y, z, showscale: false, colorscale: "Viridis", reversescale: true,
        contours: levels.length > 1
          ? { start: levels[0], end: levels[levels.length - 1], size: (levels[levels.length - 1] - levels[0]) / (levels.length - 1), coloring: "fill" }
          : { coloring: "fill" },
        line: { width: 0.5, color: "rgba(255,255,255,0.5)" }, hoverinfo: "skip",
      };
      const traces = [contour];
      if (trail.length > 1) {
        // The whole trail is one line; dots mark only the latest steps. A dot is an SVG node of
        // its own, so dotting every step of thousands of training steps grew the page without
        // bound and slowed every redraw.
        const dots = trail.slice(-TRAIL_DOTS);
        traces.push({ type: "scatter", mode: "lines", x: trail.map((p) => p[0]), y: trail.map((p) => p[1]),
          line: { color: "#ffffff", width: s.line }, hoverinfo: "skip" });
        traces.push({ type: "scatter", mode: "markers", x: dots.map((p) => p[0]), y: dots.map((p) => p[1]),
          marker: { size: s.marker / 2, color: "#ffffff" }, hoverinfo: "skip" });
      }
      traces.push({ type: "scatter", mode: "markers", x: [point[0]], y: [point[1]],
        marker: { size: s.marker, color: "#e69f00", line: { color: "#1d2330", width: 2 } }, hoverinfo: "skip" });
      const annotations = [];
      if (next) {
        traces.push({ type: "scatter", mode: "markers", x: [next[0]], y: [next[1]],
          marker: { size: s.marker, color: "#d55e00", symbol: "star", line: { color: "#1d2330", width: 1 } }, hoverinfo: "skip" });
        annotations.push({ x: next[0], y: next[1], ax: point[0], ay: point[1], xref: "x", yref: "y", axref: "x", ayref: "y",
          showarrow: true, arrowhead: 2, arrowwidth: s.line, arrowcolor: "#d55e00", text: "" });
      }
      const axis = (title, range) => ({ title: { text: title, font: { size: s.font } }, range, tickfont: { size: s.font - 1 },
        zeroline: false, showgrid: false });
      // sized from the box itself: the grid gives it its height, Plotly's default would not fit
      const layout = {
        width: Math.max(120, div.clientWidth), height: Math.max(120, div.clientHeight),
        margin: s.margin, showlegend: false, font: { family: FONT, size: s.font }, annotations,
        xaxis: axis(land.axes[0], [land.x[0], land.x[land.x.length - 1]]),
        yaxis: axis(land.axes[1], [land.y[0], land.y[land.y.length - 1]]),
        paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      };
      await Plotly().react(div, traces, layout, CONFIG);
      drawn = next ? [...next] : [...point];
      div.dataset.point = drawn.join(",");
    },
    resize() {
      if (Plotly() && div.data) {
        Plotly().relayout(div, { width: Math.max(120, div.clientWidth), height: Math.max(120, div.clientHeight) });
      }
    },
  };
}
