// One loss landscape of the regression lab and the racers' paths over it. Four divs: base
// (the contour, drawn once per landscape), batch (the focus racer's mini-batch surface, faint
// lines), overlay (transparent, the paths, redrawn as the race streams; clicks here move the
// start) and d3 (the 3D surface). The lab has two: the model's own loss and, in twin mode,
// the MSE twin's, side by side.

import { CENTER_3D } from "./plots-common.js";
import { escapeHtml } from "./plots-data.js";
import { markTraces } from "./plots-marks.js";
import { decodeTyped } from "./plots.js";
import { axis, baseLayout, CONFIG, GRID, HIDDEN_AXIS, scale } from "./plots-reg-style.js";

const Plotly = () => window.Plotly;

function grid(resp) {
  const x = Array.from(decodeTyped(resp.x));
  const y = Array.from(decodeTyped(resp.y));
  const flat = decodeTyped(resp.z);
  const n = x.length;
  const eps = Math.max((resp.zmax - resp.zmin) * 1e-4, 1e-9);
  const tz = resp.log ? (v) => Math.log10(Math.max(v - resp.zmin, 0) + eps) : (v) => v;
  const rows = [];
  for (let j = 0; j < y.length; j += 1) {
    const row = new Array(n);
    for (let i = 0; i < n; i += 1) row[i] = Number.isFinite(flat[j * n + i]) ? tz(flat[j * n + i]) : null;
    rows.push(row);
  }
  return { x, y, rows, tz, log: Boolean(resp.log), range: [[x[0], x[n - 1]], [y[0], y[y.length - 1]]] };
}

/** Three significant decimals of the view's span: clicks give tidy numbers. */
const tidy = (v, span) => Number(v.toFixed(Math.max(0, 3 - Math.floor(Math.log10(span)))));

export class LandView {
  /** host: the RegressionPlots (projector, t, record, labels, start, focus, showBatch);
   * own(i): whether racer i's path belongs on this landscape. */
  constructor(divs, host, { own }) {
    this.divs = divs;
    this.host = host;
    this.own = own;
    this.land = null;
    this.batchLand = null;
    this.clicks3d = false;
    this.hovered3d = null;
    divs.overlay.addEventListener("click", (event) => this.handleClick(event));
    // A click (press and release without dragging) on the 3D surface picks the point under
    // the cursor; a drag still turns the camera. Plotly's own 3D click event fires only when
    // a render happens while the button is down, so it misses quick clicks.
    let down = null;
    divs.d3.addEventListener("pointerdown", (event) => {
      down = [event.clientX, event.clientY];
    });
    divs.d3.addEventListener("pointerup", (event) => {
      const still = down && Math.hypot(event.clientX - down[0], event.clientY - down[1]) < 5;
      down = null;
      if (still && this.hovered3d && this.land) this.pick(this.hovered3d[0], this.hovered3d[1]);
    });
  }

  setLandscape(resp) {
    this.land = resp ? { ...grid(resp), axes: resp.axes, names: resp.axes.map((a) => resp.param_names[a]) } : null;
  }

  setBatchLandscape(resp) {
    this.batchLand = resp ? grid(resp) : null;
  }

  layout(extra = {}) {
    const p = this.host.projector;
    const s = scale(p);
    const [rx, ry] = this.land.range;
    const bar = this.host.colourbars ? (p ? 96 : 78) : s.margin.r;
    return {
      ...baseLayout(p), margin: { ...s.margin, r: bar }, dragmode: false,
      xaxis: axis(p, this.land.names[0], rx, extra), yaxis: axis(p, this.land.names[1], ry, extra),
    };
  }

  baseFigure() {
    const s = scale(this.host.projector);
    const L = this.land;
    const t = this.host.t;
    const layout = this.layout({ showgrid: false });
    return {
      data: [{
        type: "contour", x: L.x, y: L.y, z: L.rows, colorscale: "Viridis", ncontours: 22,
        contours: { coloring: "heatmap", showlines: true }, line: { width: 0.6, color: "rgba(255,255,255,0.45)" },
        hoverinfo: "skip", showscale: this.host.colourbars,
        colorbar: {
          thickness: this.host.projector ? 16 : 12, x: 1.02, xanchor: "left", outlinewidth: 0, tickfont: { size: s.small },
          title: { text: L.log ? t("reg.colour_log") : t("reg.colour_loss"), side: "right", font: { size: s.small } },
        },
      }],
      layout,
    };
  }

  batchFigure() {
    const B = this.batchLand;
    return {
      data: B && this.host.showBatch ? [{
        type: "contour", x: B.x, y: B.y, z: B.rows, ncontours: 14, showscale: false, hoverinfo: "skip",
        contours: { coloring: "none", showlines: true }, line: { width: 1.4, color: "rgba(255,255,255,0.75)", dash: "dot" },
      }] : [],
      layout: this.layout(HIDDEN_AXIS),
    };
  }

  pathTraces(threeD) {
    const host = this.host;
    const s = scale(host.projector);
    const [a, b] = this.land.axes;
    const start = host.start;
    const out = [];
    if (start && a < start.length && b < start.length) {
      const hover = `<b>${escapeHtml(host.t("reg.start"))}</b><br>${this.land.names[0]} %{x:.4g}, ${this.land.names[1]} %{y:.4g}<extra></extra>`;
      out.push(threeD
        ? { type: "scatter3d", mode: "markers", x: [start[a]], y: [start[b]], z: [this.heightAt(start[a], start[b])], hoverinfo: "skip", marker: { symbol: "circle-open", size: s.head / 2 + 3, color: "#fff", line: { width: 2 } } }
        : { type: "scatter", mode: "markers", x: [start[a]], y: [start[b]], hovertemplate: hover, marker: { symbol: "circle-open-dot", size: s.head + 6, color: "#fff", line: { width: 2 } } });
    }
    const [[x0, x1], [y0, y1]] = this.land.range;
    // Points far outside the view (a diverging racer) break the line instead of crossing it.
    const far = (p) => p[a] < 2 * x0 - x1 || p[a] > 2 * x1 - x0 || p[b] < 2 * y0 - y1 || p[b] > 2 * y1 - y0;
    host.labels.forEach((label, i) => {
      if (!this.own(i)) return;
      const st = host.style(i);
      const r = host.record && host.record.racers[i];
      const pts = r ? r.points : [];
      const xs = pts.map((p) => (far(p) ? null : p[a]));
      const ys = pts.map((p) => (far(p) ? null : p[b]));
      const hover = `<b>${escapeHtml(label)}</b><br>${this.land.names[0]} %{x:.4f}, ${this.land.names[1]} %{y:.4f}<extra></extra>`;
      if (threeD) {
        const zs = r ? r.losses.map((v, k) => (v === null || xs[k] === null ? null : this.land.tz(v))) : [];
        out.push({ type: "scatter3d", mode: "lines", name: label, x: xs, y: ys, z: zs, line: { color: st.color, width: s.line * 3 }, hoverinfo: "skip" });
        return;
      }
      out.push(
        { type: "scatter", mode: "lines", name: label, x: xs, y: ys, line: { color: st.color, width: s.line }, hovertemplate: hover },
        {
          type: "scatter", mode: "markers", name: label, x: xs.slice(-1), y: ys.slice(-1), hovertemplate: hover, cliponaxis: false,
          marker: { symbol: st.symbol, size: s.head, color: st.color, line: { color: "#fff", width: 1.5 } },
        },
      );
    });
    return out;
  }

  /** The drawn surface's height at (x, y): the nearest grid value (3D start marker). */
  heightAt(x, y) {
    const L = this.land;
    const near = (arr, v) => arr.reduce((best, u, k) => (Math.abs(u - v) < Math.abs(arr[best] - v) ? k : best), 0);
    const z = L.rows[near(L.y, y)][near(L.x, x)];
    return z === null ? null : z;
  }

  overlayFigure() {
    const host = this.host;
    // "Predict the next step" marks go on the model's own landscape, where the guess is made.
    const marks = this === host.main ? markTraces(host.marks, { scale: scale(host.projector), t: host.t, names: this.land.names }) : [];
    return { data: [...this.pathTraces(false), ...marks], layout: { ...this.layout(HIDDEN_AXIS), hovermode: "closest" } };
  }

  figure3d() {
    const p = this.host.projector;
    const s = scale(p);
    const L = this.land;
    const t = this.host.t;
    const ax = (title, range) => ({ title: { text: title, font: { size: s.small } }, range, tickfont: { size: s.small - 1 }, nticks: 4, backgroundcolor: "#f4f6fa", gridcolor: GRID });
    return {
      data: [{ type: "surface", x: L.x, y: L.y, z: L.rows, colorscale: "Viridis", showscale: false, opacity: 0.92, hovertemplate: `${L.names[0]} %{x:.3g}, ${L.names[1]} %{y:.3g}<extra>${escapeHtml(t("reg.click_start"))}</extra>` }, ...this.pathTraces(true)],
      layout: {
        // Half-width cells (twin mode) need the camera further out to keep the box in view.
        ...baseLayout(p), margin: { l: 0, r: 0, t: 0, b: 0 }, uirevision: this.host.twin ? "regression-3d-twin" : "regression-3d",
        scene: { xaxis: ax(L.names[0], L.range[0]), yaxis: ax(L.names[1], L.range[1]), zaxis: ax(L.log ? t("reg.colour_log") : "loss"), aspectratio: { x: 1, y: 1, z: 0.6 }, camera: { eye: this.host.twin ? { x: -1.45, y: -1.6, z: 1.15 } : { x: -1.15, y: -1.25, z: 0.95 }, center: CENTER_3D } },
      },
    };
  }

  async renderBase() {
    if (!this.land) return;
    const f = this.baseFigure();
    await Plotly().newPlot(this.divs.base, f.data, f.layout, { ...CONFIG, staticPlot: true });
    await this.renderBatch();
  }

  async renderBatch() {
    if (!this.land) return;
    const f = this.batchFigure();
    await Plotly().newPlot(this.divs.batch, f.data, f.layout, { ...CONFIG, staticPlot: true });
  }

  drawOverlay() {
    const f = this.overlayFigure();
    return Plotly().react(this.divs.overlay, f.data, f.layout, CONFIG);
  }

  async draw3d() {
    const f = this.figure3d();
    await Plotly().react(this.divs.d3, f.data, f.layout, CONFIG);
    if (!this.clicks3d) this.listen3d();
  }

  /** Plotly's hover tells which surface point is under the cursor (re-attached after a purge). */
  listen3d() {
    this.clicks3d = true;
    this.divs.d3.on("plotly_hover", (ev) => {
      const pt = ev && ev.points && ev.points[0];
      this.hovered3d = pt && pt.curveNumber === 0 ? [pt.x, pt.y] : null;
    });
    this.divs.d3.on("plotly_unhover", () => {
      this.hovered3d = null;
    });
  }

  clear() {
    this.land = null;
    this.batchLand = null;
    for (const div of Object.values(this.divs)) if (div.data) Plotly().purge(div);
    this.clicks3d = false;
    this.hovered3d = null;
  }

  handleClick(event) {
    if (!this.land) return;
    const drag = this.divs.overlay.querySelector(".nsewdrag");
    if (!drag) return;
    const rect = drag.getBoundingClientRect();
    const fx = (event.clientX - rect.left) / rect.width;
    const fy = (event.clientY - rect.top) / rect.height;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return;
    const [[x0, x1], [y0, y1]] = this.land.range;
    this.pick(x0 + fx * (x1 - x0), y1 - fy * (y1 - y0));
  }

  pick(x, y) {
    const [[x0, x1], [y0, y1]] = this.land.range;
    if (this.host.onPickStart) this.host.onPickStart(this.land.axes, [tidy(x, x1 - x0), tidy(y, y1 - y0)]);
  }
}
