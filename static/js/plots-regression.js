// The regression lab's plotting module (with plots-data.js, the only code touching Plotly
// here). Divs: data-plot; land-base (the contour, drawn once per landscape), land-batch (the
// current mini-batch's own surface, faint lines), land-plot (a transparent overlay with the
// paths, redrawn as the race streams), land-3d; loss-plot (full-data loss solid, each
// racer's mini-batch loss in a lighter shade). Redraws are throttled per plot.

import { dataFigure, escapeHtml } from "./plots-data.js";
import { decodeTyped } from "./plots.js";
import { current } from "./regression-state.js";
import { racerStyle } from "./state.js";

const Plotly = () => window.Plotly;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif';
const INK = "#1d2330";
const MUTED = "#5b6478";
const GRID = "#e3e7ef";
const CONFIG = { displaylogo: false, responsive: true, displayModeBar: false, scrollZoom: false };

function scale(projector) {
  return projector
    ? { font: 20, small: 17, line: 4, head: 18, marker: 8, margin: { l: 70, r: 16, t: 10, b: 58 } }
    : { font: 14, small: 12, line: 2, head: 12, marker: 6, margin: { l: 52, r: 12, t: 8, b: 42 } };
}

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

export class RegressionPlots {
  constructor(divs, { t }) {
    this.divs = divs;
    this.t = t;
    this.projector = false;
    this.lossLog = true;
    this.data = null;
    this.land = null;
    this.batchLand = null;
    this.record = null;
    this.labels = [];
    this.focus = 0;
    this.view3d = false;
    this.showBatch = false;
    this.last = {};
    this.interval = { data: 90, land: 60, d3: 400, loss: 160 };
    this.dirty = new Set();
    this.draws = 0;
  }

  axis(title, range, extra = {}) {
    const s = scale(this.projector);
    return {
      title: { text: title, font: { size: s.font }, standoff: 4 }, range, fixedrange: true, zeroline: false,
      showgrid: true, gridcolor: GRID, linecolor: MUTED, mirror: true, ticks: "outside", ticklen: 4,
      tickfont: { size: s.small }, ...extra,
    };
  }

  baseLayout() {
    const s = scale(this.projector);
    return {
      font: { family: FONT, size: s.font, color: INK }, paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)", showlegend: false, hoverlabel: { font: { family: FONT, size: s.small + 1 } },
    };
  }

  setData(data) {
    this.data = data;
  }

  /** landscape: the server's answer; axes [i, j] into theta; names for the axis titles. */
  setLandscape(resp) {
    this.land = { ...grid(resp), axes: resp.axes, names: resp.axes.map((a) => resp.param_names[a]) };
  }

  setBatchLandscape(resp) {
    this.batchLand = resp ? grid(resp) : null;
  }

  setRace(record, labels, start) {
    this.record = record;
    this.labels = labels;
    this.start = start;
  }

  theta(i) {
    const r = this.record && this.record.racers[i];
    const c = current(r);
    return c ? c.point : this.start;
  }

  // ---- figures ------------------------------------------------------------------------------

  dataFigure() {
    const s = scale(this.projector);
    const racers = this.labels.map((label, i) => ({ label, theta: this.theta(i) }));
    const r = this.record && this.record.racers[this.focus];
    return dataFigure(this.data, racers, {
      s, t: this.t, focus: this.focus, batch: r && Array.isArray(r.batch) ? r.batch : null,
      axis: (title, range) => this.axis(title, range), baseLayout: this.baseLayout(),
    });
  }

  landLayout(extra = {}) {
    const s = scale(this.projector);
    const [rx, ry] = this.land.range;
    return {
      ...this.baseLayout(), margin: { ...s.margin, r: this.projector ? 96 : 78 }, dragmode: false,
      xaxis: this.axis(this.land.names[0], rx, extra), yaxis: this.axis(this.land.names[1], ry, extra),
    };
  }

  baseFigure() {
    const s = scale(this.projector);
    const L = this.land;
    return {
      data: [{
        type: "contour", x: L.x, y: L.y, z: L.rows, colorscale: "Viridis", ncontours: 22,
        contours: { coloring: "heatmap", showlines: true }, line: { width: 0.6, color: "rgba(255,255,255,0.45)" },
        hoverinfo: "skip",
        colorbar: {
          thickness: this.projector ? 16 : 12, x: 1.02, xanchor: "left", outlinewidth: 0, tickfont: { size: s.small },
          title: { text: L.log ? this.t("reg.colour_log") : this.t("reg.colour_loss"), side: "right", font: { size: s.small } },
        },
      }],
      layout: { ...this.landLayout(), xaxis: { ...this.landLayout().xaxis, showgrid: false }, yaxis: { ...this.landLayout().yaxis, showgrid: false } },
    };
  }

  batchFigure() {
    const B = this.batchLand;
    const hidden = { showticklabels: false, ticks: "", showline: false, mirror: false, showgrid: false, title: { text: "" } };
    return {
      data: B ? [{
        type: "contour", x: B.x, y: B.y, z: B.rows, ncontours: 14, showscale: false, hoverinfo: "skip",
        contours: { coloring: "none", showlines: true }, line: { width: 1.4, color: "rgba(255,255,255,0.75)", dash: "dot" },
      }] : [],
      layout: this.landLayout(hidden),
    };
  }

  pathTraces(threeD) {
    const s = scale(this.projector);
    const [a, b] = this.land.axes;
    const out = [];
    if (this.start && !threeD && a < this.start.length) {
      out.push({
        type: "scatter", mode: "markers", x: [this.start[a]], y: [this.start[b]], hoverinfo: "skip",
        marker: { symbol: "circle-open-dot", size: s.head + 6, color: "#fff", line: { width: 2 } },
      });
    }
    this.labels.forEach((label, i) => {
      const st = racerStyle(i);
      const r = this.record && this.record.racers[i];
      // Points far outside the view (a diverging racer) break the line instead of crossing it.
      const [[x0, x1], [y0, y1]] = this.land.range;
      const far = (p) => p[a] < 2 * x0 - x1 || p[a] > 2 * x1 - x0 || p[b] < 2 * y0 - y1 || p[b] > 2 * y1 - y0;
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

  overlayFigure() {
    const hidden = { showticklabels: false, ticks: "", showline: false, mirror: false, showgrid: false, title: { text: "" } };
    return { data: this.pathTraces(false), layout: { ...this.landLayout(hidden), hovermode: "closest" } };
  }

  figure3d() {
    const s = scale(this.projector);
    const L = this.land;
    const ax = (title, range) => ({ title: { text: title, font: { size: s.small } }, range, tickfont: { size: s.small - 1 }, nticks: 4, backgroundcolor: "#f4f6fa", gridcolor: GRID });
    return {
      data: [{ type: "surface", x: L.x, y: L.y, z: L.rows, colorscale: "Viridis", showscale: false, opacity: 0.92, hoverinfo: "skip" }, ...this.pathTraces(true)],
      layout: {
        ...this.baseLayout(), margin: { l: 0, r: 0, t: 0, b: 0 }, uirevision: "regression-3d",
        scene: { xaxis: ax(L.names[0], L.range[0]), yaxis: ax(L.names[1], L.range[1]), zaxis: ax(L.log ? this.t("reg.colour_log") : "loss"), aspectratio: { x: 1, y: 1, z: 0.6 }, camera: { eye: { x: -1.15, y: -1.25, z: 0.95 } } },
      },
    };
  }

  lossFigure() {
    const s = scale(this.projector);
    const data = [];
    const racers = this.record ? this.record.racers : [];
    const pos = (v) => (this.lossLog && !(v > 0) ? null : v);
    this.labels.forEach((label, i) => {
      const st = racerStyle(i);
      const r = racers[i];
      data.push({
        type: "scatter", mode: "lines", name: `${label} (batch)`, x: r ? r.batchSteps : [], y: r ? r.batchLosses.map(pos) : [],
        line: { color: st.color, width: 1 }, opacity: 0.3,
        hovertemplate: `<b>${escapeHtml(label)}</b><br>${this.t("reg.batch_loss")} %{y:.5g}<extra></extra>`,
      });
    });
    this.labels.forEach((label, i) => {
      const st = racerStyle(i);
      const r = racers[i];
      data.push({
        type: "scatter", mode: "lines", name: label, x: r ? r.steps : [], y: r ? r.losses.map(pos) : [],
        line: { color: st.color, width: s.line },
        hovertemplate: `<b>${escapeHtml(label)}</b><br>${this.t("hover.step")} %{x}<br>${this.t("reg.full_loss")} %{y:.5g}<extra></extra>`,
      });
    });
    const empty = !racers.some((r) => r.steps.length > 1);
    return {
      data,
      layout: {
        ...this.baseLayout(), margin: this.projector ? { l: 84, r: 20, t: 10, b: 56 } : { l: 62, r: 16, t: 8, b: 40 },
        xaxis: { title: { text: this.t("plots.step_axis"), font: { size: s.font }, standoff: 4 }, rangemode: "tozero", gridcolor: GRID, zeroline: false, tickfont: { size: s.small }, linecolor: MUTED, fixedrange: true },
        yaxis: { title: { text: this.t("reg.loss_axis"), font: { size: s.font }, standoff: 4 }, type: this.lossLog ? "log" : "linear", gridcolor: GRID, zeroline: false, tickfont: { size: s.small }, exponentformat: "power", linecolor: MUTED, fixedrange: true, nticks: 6, ...this.logTicks(racers) },
        hovermode: "closest",
        annotations: empty ? [{ text: this.t("plots.loss_empty"), xref: "paper", yref: "paper", x: 0.5, y: 0.5, showarrow: false, font: { size: s.font, color: MUTED } }] : [],
      },
    };
  }

  /** Log-axis ticks that stay legible: 1-2-5 within a few decades, whole decades beyond. */
  logTicks(racers) {
    if (!this.lossLog) return {};
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of racers) {
      for (const v of r.losses.concat(r.batchLosses)) {
        if (v > 0 && v < lo) lo = v;
        if (v > 0 && v > hi) hi = v;
      }
    }
    const decades = hi > lo ? Math.log10(hi / lo) : 0;
    if (decades <= 2) return { dtick: "D2" };
    return { dtick: Math.max(1, Math.ceil(decades / 6)) };
  }

  /** Nothing to show (a CSV problem before its file): empty plots. */
  clear() {
    this.data = null;
    this.land = null;
    for (const div of Object.values(this.divs)) if (div.data) Plotly().purge(div);
  }

  // ---- drawing ------------------------------------------------------------------------------

  async renderBase() {
    if (!this.land) return;
    const f = this.baseFigure();
    await Plotly().newPlot(this.divs.landBase, f.data, f.layout, { ...CONFIG, staticPlot: true });
    await this.renderBatch();
  }

  async renderBatch() {
    if (!this.land) return;
    const f = this.batchFigure();
    await Plotly().newPlot(this.divs.landBatch, this.showBatch ? f.data : [], f.layout, { ...CONFIG, staticPlot: true });
  }

  /** Redraw every plot now (new problem, language, projector mode, a new race). */
  async render() {
    this.dirty = new Set(["data", "land", "d3", "loss"]);
    this.last = {};
    await this.renderBase();
    await this.flush(Infinity);
  }

  markDirty() {
    for (const k of ["data", "land", "d3", "loss"]) this.dirty.add(k);
  }

  /** Redraw the plots that changed and whose interval has passed; true while some wait. */
  async flush(now = performance.now()) {
    const P = Plotly();
    const jobs = [];
    const due = (key) => {
      if (!this.dirty.has(key)) return false;
      // now = Infinity forces a redraw (a new problem or race), whatever the interval.
      if (now !== Infinity && now - (this.last[key] || 0) < this.interval[key]) return false;
      this.last[key] = performance.now();
      this.dirty.delete(key);
      return true;
    };
    if (this.data && due("data")) {
      const f = this.dataFigure();
      jobs.push(P.react(this.divs.data, f.data, f.layout, CONFIG));
    }
    if (this.land && due("land")) {
      const f = this.overlayFigure();
      jobs.push(P.react(this.divs.land, f.data, f.layout, CONFIG));
    }
    if (this.land && this.view3d && due("d3")) {
      const t0 = performance.now();
      const f = this.figure3d();
      jobs.push(P.react(this.divs.land3d, f.data, f.layout, CONFIG).then(() => {
        this.interval.d3 = Math.min(1500, Math.max(150, 4 * (performance.now() - t0)));
      }));
    }
    if (due("loss")) {
      const f = this.lossFigure();
      jobs.push(P.react(this.divs.loss, f.data, f.layout, CONFIG));
    }
    if (jobs.length) {
      this.draws += 1;
      await Promise.all(jobs);
    }
    if (!this.view3d) this.dirty.delete("d3");
    return this.dirty.size > 0;
  }

  resize() {
    for (const div of Object.values(this.divs)) {
      if (div && div.offsetParent !== null && div.data) Plotly().Plots.resize(div);
    }
  }
}
