// The network lab's plotting module (with network-figures.js, the only code touching Plotly
// here): the decision boundary (or regression surface) under the data, the loss, accuracy and
// per-layer norm curves, and the loss landscape (contour or 3D) with the projected trajectory.
// Redraws are throttled per plot; a full render redraws everything from the model.

import { boundaryFigure, landscapeFigure, landscape3dFigure } from "./components/network-figures.js";
import { FONT, GRID, INK, logTicks, MUTED, throttle, wrapText } from "./plots-common.js";

const Plotly = () => window.Plotly;
const CONFIG = { displaylogo: false, responsive: true, displayModeBar: false, scrollZoom: false };
// Layers take the Okabe-Ito colours in order (the output layer last), and a dash each.
export const LAYER_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
export const DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid"];
const KEYS = ["data", "loss", "acc", "norms", "land", "d3"];

export function scale(projector) {
  return projector
    ? { font: 19, small: 16, line: 4, marker: 9, margin: { l: 66, r: 14, t: 8, b: 52 } }
    : { font: 13, small: 11, line: 2, marker: 6, margin: { l: 50, r: 10, t: 6, b: 38 } };
}

function baseLayout(s) {
  return {
    font: { family: FONT, size: s.font, color: INK }, paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)", showlegend: false, hoverlabel: { font: { family: FONT, size: s.small + 1 } },
  };
}

/** What the figure builders in network-figures.js draw with (also the exported HTML's figure). */
export function figureContext(t, names = null, projector = false) {
  const s = scale(projector);
  return { s, t, font: FONT, ink: INK, muted: MUTED, grid: GRID, base: baseLayout(s), names };
}

/** Log-axis ticks that stay legible: 2 and 5 within two and a half decades, whole decades beyond. */
export class NetworkPlots {
  constructor(divs, { t }) {
    this.divs = divs; // {data, loss, acc, norms, land, land3d}
    this.t = t;
    this.projector = false;
    this.lossLog = true;
    this.norms = "grad";
    this.view3d = false;
    this.problem = null;
    this.record = null;
    this.names = null; // the CSV's column names for the axes, when the data is the user's
    this.land = null;
    this.last = {};
    this.dirty = new Set();
    this.interval = { data: 120, loss: 150, acc: 200, norms: 200, land: 0, d3: 0 };
  }

  ctx() {
    return figureContext(this.t, this.names, this.projector);
  }

  baseLayout(s = scale(this.projector)) {
    return baseLayout(s);
  }

  setProblem(problem, record) {
    this.problem = problem;
    this.record = record;
    this.markDirty();
  }

  setLandscape(land) {
    this.land = land;
    this.dirty.add("land");
    this.dirty.add("d3");
  }

  markDirty(keys = ["data", "loss", "acc", "norms"]) {
    for (const k of keys) this.dirty.add(k);
  }

  // ---- curves ---------------------------------------------------------------------------------

  curveMargin() {
    return this.projector ? { l: 70, r: 12, t: 6, b: 50 } : { l: 52, r: 10, t: 4, b: 36 };
  }

  /** A note centred in a small chart, in lines that fit its plot area: on one line "Tekan
   * Jalankan untuk melatih" is wider than a projector's chart and ran over the tick labels. */
  centreNote(text, div) {
    const s = scale(this.projector);
    const m = this.curveMargin();
    const room = div && div.clientWidth ? div.clientWidth - m.l - m.r - 8 : Infinity;
    return { text: wrapText(text, room, `${s.small}px ${FONT}`), xref: "paper", yref: "paper", x: 0.5, y: 0.5, showarrow: false, font: { size: s.small, color: MUTED } };
  }

  emptyCurves() {
    return !this.record || this.record.steps.length < 2;
  }

  curveLayout({ ytitle, log = false, range = null, extra = {}, logValues = [], div = null }) {
    const s = scale(this.projector);
    const margin = this.curveMargin();
    const empty = this.emptyCurves();
    const axis = { gridcolor: GRID, zeroline: false, tickfont: { size: s.small }, linecolor: MUTED, fixedrange: true };
    return {
      ...this.baseLayout(s),
      margin,
      xaxis: { ...axis, title: { text: this.t("net.step_axis"), font: { size: s.small }, standoff: 2 }, rangemode: "tozero", nticks: this.projector ? 3 : 5 },
      // Before training the one point spans no range: its tick labels (0.6955, ...) said nothing
      // and crowded the title. Long labels later push the margin instead of the title onto them.
      yaxis: {
        ...axis, title: { text: ytitle, font: { size: s.small }, standoff: 2 }, type: log ? "log" : "linear", exponentformat: "power", nticks: 5,
        automargin: true, showticklabels: !empty, ...(range ? { range } : {}), ...(log ? logTicks(logValues, div, margin, s.small) : {}),
      },
      // The panel bars carry the keys (line styles in words), so the plots keep their room.
      hovermode: "x unified",
      annotations: empty ? [this.centreNote(this.t("net.curves_empty"), div)] : [],
      ...extra,
    };
  }

  lossFigure() {
    const s = scale(this.projector);
    const r = this.record;
    const pos = (v) => (this.lossLog && !(v > 0) ? null : v);
    const line = (name, y, colour, dash, width = s.line) => ({
      type: "scatter", mode: "lines", name, x: r ? r.steps : [], y: r ? y.map(pos) : [],
      line: { color: colour, width, dash }, hovertemplate: `%{y:.4g}`,
    });
    const data = [
      line(this.t("net.train"), r ? r.trainLoss : [], "#0072B2", "solid"),
      line(this.t("net.test"), r ? r.testLoss : [], "#D55E00", "dash"),
    ];
    // The objective the optimizer sees differs from the data loss only with L1/L2.
    if (r && this.problem && (this.problem.l1 || this.problem.l2)) {
      data.push(line(this.t("net.objective"), r.loss, "#5b6478", "dot", Math.max(1, s.line - 1)));
    }
    const logValues = data.flatMap((d) => d.y);
    return { data, layout: this.curveLayout({ ytitle: this.t("net.loss_axis"), log: this.lossLog, logValues, div: this.divs.loss }) };
  }

  accFigure() {
    const s = scale(this.projector);
    const r = this.record;
    const pct = (arr) => arr.map((v) => (v === null ? null : 100 * v));
    const data = [
      { type: "scatter", mode: "lines", name: this.t("net.train"), x: r ? r.steps : [], y: r ? pct(r.trainAcc) : [], line: { color: "#0072B2", width: s.line }, hovertemplate: "%{y:.1f}%" },
      { type: "scatter", mode: "lines", name: this.t("net.test"), x: r ? r.steps : [], y: r ? pct(r.testAcc) : [], line: { color: "#D55E00", width: s.line, dash: "dash" }, hovertemplate: "%{y:.1f}%" },
    ];
    const layout = this.curveLayout({ ytitle: this.t("net.acc_axis"), range: [0, 102], div: this.divs.acc });
    if (this.problem && this.problem.task === "regression") layout.annotations = [this.centreNote(this.t("net.acc_regression"), this.divs.acc)];
    return { data, layout };
  }

  normsFigure() {
    const s = scale(this.projector);
    const r = this.record;
    const series = r ? (this.norms === "grad" ? r.gNorms : r.wNorms) : [];
    const n = series.length;
    const data = series.map((ys, l) => {
      const out = l === n - 1;
      const name = out ? this.t("net.layer_out") : `${this.t("net.layer_short")}${l + 1}`;
      return {
        type: "scatter", mode: "lines", name, x: r.steps.slice(r.steps.length - ys.length), y: ys.map((v) => (v > 0 ? v : null)),
        line: { color: LAYER_COLOURS[out ? 6 : l % 6], width: s.line, dash: DASHES[out ? 6 : l % 6] }, hovertemplate: "%{y:.3g}",
      };
    });
    const ytitle = this.norms === "grad" ? this.t("net.norm_grad_axis") : this.t("net.norm_weight_axis");
    return { data, layout: this.curveLayout({ ytitle, log: true, logValues: data.flatMap((d) => d.y), div: this.divs.norms }) };
  }

  // ---- drawing --------------------------------------------------------------------------------

  /** Redraw every plot now (new problem, language, projector mode). */
  async render() {
    this.markDirty([...KEYS]);
    this.last = {};
    await this.flush(Infinity);
  }

  /** Redraw the plots that changed and whose interval has passed; true while some wait. */
  async flush(now = performance.now()) {
    const P = Plotly();
    const jobs = [];
    const due = throttle(this, now);
    const draw = (div, f) => jobs.push(P.react(div, f.data, f.layout, CONFIG));
    if (this.problem && due("data")) draw(this.divs.data, boundaryFigure(this.problem, this.record, this.ctx()));
    if (due("loss")) draw(this.divs.loss, this.lossFigure());
    if (due("acc")) draw(this.divs.acc, this.accFigure());
    if (due("norms")) draw(this.divs.norms, this.normsFigure());
    if (this.land && due("land")) draw(this.divs.land, landscapeFigure(this.land, this.ctx()));
    if (this.land && this.view3d && due("d3")) draw(this.divs.land3d, landscape3dFigure(this.land, this.ctx()));
    if (!this.view3d) this.dirty.delete("d3");
    if (jobs.length) await Promise.all(jobs);
    return this.dirty.size > 0;
  }

  clearLandscape() {
    this.land = null;
    for (const div of [this.divs.land, this.divs.land3d]) if (div.data) Plotly().purge(div);
  }

  resize() {
    for (const div of Object.values(this.divs)) {
      if (div && div.offsetParent !== null && div.data) Plotly().Plots.resize(div);
    }
    // A centred note's lines were fitted to the old width.
    const noted = this.emptyCurves() ? ["loss", "acc", "norms"] : this.problem && this.problem.task === "regression" ? ["acc"] : [];
    if (noted.length) {
      this.markDirty(noted);
      this.flush(Infinity);
    }
  }
}
