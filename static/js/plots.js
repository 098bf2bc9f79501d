// The surface lab's plot model and its four plot divs (streamed updates: plots-stream.js):
//   contour-base     the heavy contour trace and its colour bar, drawn once per landscape;
//   contour-plot     a transparent overlay with the same axes: paths, current points, arrows,
//                    start and minima. Paths grow here with extendTraces, and since Plotly's
//                    extendTraces recalculates every trace of its plot, keeping the contour on
//                    its own plot means it is never re-rendered per frame;
//   surface-plot     the 3D surface with the paths lifted onto it (camera kept by uirevision);
//   loss-plot        loss versus step, linear or log.
// The page model (what is drawn) lives here too, so a full rebuild (language, projector mode,
// log toggle) can redraw everything from it.

import { contourBaseFigure, overlayFigure } from "./plots-contour.js";
import { lossFigure, rangeOf } from "./plots-loss.js";
import { FIXED_2D, FIXED_3D, flushPlots, ingestFrames, PER_RACER_2D, PER_RACER_3D } from "./plots-stream.js";
import { surfaceFigure } from "./plots-surface3d.js";
import { BASE_CONFIG, FONT, INK, MUTED, scale } from "./plots-common.js";
import { landscapeModel } from "./plots-surface-model.js";
import { isFinitePoint, racerStyle } from "./state.js";

const Plotly = () => window.Plotly;

// The shared decoder lives in plots-common.js; the labs' modules still import it from here.
export { decodeTyped } from "./plots-common.js";

export function plotlyReady() {
  return typeof window.Plotly === "object" && typeof window.Plotly.newPlot === "function";
}


export class SurfacePlots {
  constructor(divs, { t, onPickStart }) {
    this.divs = divs; // {base, overlay, surface, loss}
    this.t = t;
    this.onPickStart = onPickStart;
    this.projector = false;
    this.lossLog = true;
    this.showArrows = true;
    this.marks = null; // predict-the-next-step marks on the contour (plots-marks.js)
    this.land = null;
    this.start = null;
    this.racers = [];
    this.ready = false;
    this.busy = 0; // full renders in flight: extends wait for them
    this.statusChanged = false;
    this.lastFlush = {};
    // Minimum milliseconds between extendTraces per plot (see flush).
    this.interval = { overlay: 0, surface: 100, loss: 140 }; // surface adapts to its cost
    this.cost3d = 0;
    this.framesDrawn = 0;
    divs.overlay.addEventListener("click", (event) => this.handleClick(event));
  }

  // -------------------------------------------------------------------------------------------
  // Model

  setLandscape(landscape) {
    this.land = landscapeModel(landscape);
  }

  setStart(start) {
    this.start = start;
  }

  /** Forget the paths; `racers` are [{label}] in racer order (styles come from the order). */
  setRacers(racers) {
    this.racers = racers.map((r, i) => ({
      label: r.label,
      ...racerStyle(i),
      xs: [], ys: [], custom: [],
      x3: [], y3: [], z3: [], out3: false,
      steps: [], losses: [],
      head: null, grad: null, update: null,
      status: "running", reason: null, stoppedAt: null, lastInView: null,
      drawn: { overlay: 0, surface: 0, loss: 0 }, // model points already in each plot
      lastInViewIndex: -1,
    }));
    this.framesDrawn = 0;
  }

  z3(loss) {
    const { tz, zlo, zhi } = this.land;
    if (!Number.isFinite(loss)) return null;
    return tz(loss) + (zhi - zlo) * 0.03; // lifted a little so the path is not buried
  }

  lossValue(loss) {
    if (!Number.isFinite(loss)) return null;
    // Far above anything on the drawn surface (a diverging racer): end the line there
    // rather than stretch the axis over 40 decades and flatten every other racer.
    if (this.land && Math.abs(loss) > 1e3 * Math.max(Math.abs(this.land.zmax), 1)) return null;
    const min = this.land && this.land.info.min_value;
    if (this.lossLog && Number.isFinite(min)) {
      const gap = loss - min;
      return gap > 0 ? gap : null;
    }
    return loss;
  }

  // -------------------------------------------------------------------------------------------
  // Figures

  axis(title, range, extra = {}) {
    const s = scale(this.projector);
    return {
      title: { text: title, font: { size: s.font }, standoff: 6 },
      range,
      fixedrange: true,
      showgrid: false,
      zeroline: false,
      ticks: "outside",
      ticklen: 4,
      tickcolor: MUTED,
      linecolor: MUTED,
      mirror: true,
      tickfont: { size: s.small },
      ...extra,
    };
  }

  margins() {
    return this.projector
      ? { l: 78, r: 104, t: 14, b: 66, autoexpand: false }
      : { l: 56, r: 84, t: 10, b: 46, autoexpand: false };
  }

  baseLayout() {
    const s = scale(this.projector);
    return {
      font: { family: FONT, size: s.font, color: INK },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      showlegend: false,
      hoverlabel: { font: { family: FONT, size: s.small + 1 } },
    };
  }

  // Figures: built by plots-contour.js, plots-surface3d.js and plots-loss.js from this model.
  contourBaseFigure() {
    return contourBaseFigure(this);
  }

  overlayFigure() {
    return overlayFigure(this);
  }

  surfaceFigure() {
    return surfaceFigure(this);
  }

  lossFigure() {
    return lossFigure(this);
  }

  // -------------------------------------------------------------------------------------------
  // Drawing

  /** Draw everything from the model (landscape change, language, projector, log toggle). */
  async render({ base = true } = {}) {
    if (!this.land) return;
    this.busy += 1;
    try {
      await this.renderNow(base);
    } finally {
      this.busy -= 1;
    }
  }

  async renderNow(base) {
    const P = Plotly();
    // A full render draws the whole model (from copies of its arrays).
    for (const r of this.racers) r.drawn = { overlay: r.xs.length, surface: r.x3.length, loss: r.steps.length };
    this.drawnStart = this.start;
    const jobs = [];
    if (base) {
      const f = this.contourBaseFigure();
      // newPlot, not react: react on a contour whose arrays did not change skips the contour's
      // calc but still plots it, and throws (plotly.js 4.1). This plot is redrawn rarely.
      jobs.push(P.newPlot(this.divs.base, f.data, f.layout, { ...BASE_CONFIG, staticPlot: true }));
    }
    const o = this.overlayFigure();
    jobs.push(P.react(this.divs.overlay, o.data, o.layout, BASE_CONFIG));
    const sf = this.surfaceFigure();
    jobs.push(
      P.react(this.divs.surface, sf.data, sf.layout, {
        ...BASE_CONFIG,
        displayModeBar: "hover",
        modeBarButtons: [["resetCameraDefault3d", "orbitRotation", "tableRotation"]],
      }),
    );
    const lf = this.lossFigure();
    this.lossSeen = rangeOf(lf.data);
    jobs.push(P.react(this.divs.loss, lf.data, lf.layout, BASE_CONFIG));
    await Promise.all(jobs);
    this.ready = true;
  }

  /** Take what foldFrames produced into the model; the plots catch up in flush(). */
  ingest(add, race) {
    ingestFrames(this, add, race);
  }

  /**
   * Bring the plots up to the model (plots-stream.js); true while something is still
   * waiting to be drawn.
   */
  flush(now = performance.now()) {
    return flushPlots(this, now);
  }

  /** Predict-the-next-step marks ({from, guess, truth, distance} or null): the overlay only. */
  async setMarks(marks) {
    this.marks = marks;
    if (!this.ready || !this.land) return;
    this.busy += 1;
    try {
      for (const r of this.racers) r.drawn.overlay = r.xs.length;
      const o = this.overlayFigure();
      await Plotly().react(this.divs.overlay, o.data, o.layout, BASE_CONFIG);
    } finally {
      this.busy -= 1;
    }
  }

  /** Redraw everything but the heavy contour. */
  redrawLight() {
    this.lossEmpty = this.racers.every((r) => r.steps.length === 0);
    return this.render({ base: false });
  }

  /** A new race (or none): clear paths and show the start. */
  async clearRace(racers) {
    const same =
      this.racers.length === racers.length &&
      this.racers.every((r, i) => r.label === racers[i].label && r.xs.length === 0 && !r.head) &&
      this.drawnStart === this.start;
    this.setRacers(racers);
    // Already empty with these racers and this start (the first Play): nothing to redraw, and
    // skipping the redraw of the WebGL scene saves its whole cost from the Play latency.
    this.lossEmpty = true;
    if (same && this.ready) return;
    await this.render({ base: false });
  }

  resize() {
    const P = Plotly();
    for (const div of Object.values(this.divs)) {
      if (div && div.offsetParent !== null && div.data) P.Plots.resize(div);
    }
  }

  handleClick(event) {
    if (!this.land || !this.onPickStart) return;
    const drag = this.divs.overlay.querySelector(".nsewdrag");
    if (!drag) return;
    const rect = drag.getBoundingClientRect();
    const fx = (event.clientX - rect.left) / rect.width;
    const fy = (event.clientY - rect.top) / rect.height;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return;
    const [[x0, x1], [y0, y1]] = this.land.domain;
    const x = x0 + fx * (x1 - x0);
    const y = y1 - fy * (y1 - y0);
    // Three significant decimals of the view: clicks give tidy numbers.
    const q = (v, span) => Number(v.toFixed(Math.max(0, 3 - Math.floor(Math.log10(span)))));
    this.onPickStart([q(x, x1 - x0), q(y, y1 - y0)]);
  }

  /** True when every plot shows the whole model (nothing waits for its next interval). */
  caughtUp() {
    return !this.busy && this.racers.every(
      (r) => r.drawn.overlay === r.xs.length && r.drawn.surface === r.x3.length && r.drawn.loss === r.steps.length,
    );
  }

  traceLengths() {
    const len = (div, i) => (div.data && div.data[i] && div.data[i].x ? div.data[i].x.length : 0);
    return this.racers.map((_, i) => ({
      contour: len(this.divs.overlay, FIXED_2D + i * PER_RACER_2D),
      surface: len(this.divs.surface, FIXED_3D + i * PER_RACER_3D),
      loss: len(this.divs.loss, i),
    }));
  }
}



export function isPoint(p) {
  return isFinitePoint(p);
}
