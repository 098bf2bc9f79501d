// The regression lab's plots (with plots-data.js and plots-landscape.js, the only code
// touching Plotly here): the Data view, one or two landscapes (the model's own loss and, in
// twin mode, the MSE twin's), and the loss chart (full-data loss solid, each racer's
// mini-batch loss in a lighter shade; MSE twins dashed). Redraws are throttled per plot.

import { dataFigure, escapeHtml } from "./plots-data.js";
import { LandView } from "./plots-landscape.js";
import { logTicks, throttle } from "./plots-common.js";
import { axis, baseLayout, CONFIG, GRID, MUTED, scale } from "./plots-reg-style.js";
import { current } from "./regression-record.js";
import { racerStyle } from "./state.js";

const Plotly = () => window.Plotly;

export class RegressionPlots {
  /** divs: {data, loss, main: {base, batch, overlay, d3}, twin: {...}}. */
  constructor(divs, { t, onPickStart }) {
    this.divs = divs;
    this.t = t;
    this.onPickStart = onPickStart;
    this.projector = false;
    this.lossLog = true;
    this.lossEpochs = false; // the loss chart's x: iterations, or epochs (passes over the data)
    this.perEpoch = null; // iterations per epoch of each racer of the run on screen
    this.data = null;
    this.record = null;
    this.labels = [];
    this.losses = null; // per racer "bce" | "mse" in twin mode, else null
    this.focus = 0;
    this.view3d = false;
    this.showBatch = false;
    this.twin = false;
    this.marks = null; // predict-the-next-step marks on the landscape (plots-marks.js)
    this.last = {};
    this.interval = { data: 90, land: 60, d3: 400, loss: 160 };
    this.dirty = new Set();
    this.draws = 0;
    this.main = new LandView(divs.main, this, { own: (i) => !this.losses || this.losses[i] !== "mse" });
    this.twinView = new LandView(divs.twin, this, { own: (i) => Boolean(this.losses) && this.losses[i] === "mse" });
  }

  get views() {
    return this.twin ? [this.main, this.twinView] : [this.main];
  }

  /** Colour bars only when one landscape has the panel to itself. */
  get colourbars() {
    return !this.twin;
  }

  /** A racer's colour and marker; in twin mode an MSE twin wears its cross-entropy racer's
   * colour with an open marker (and dashed lines), so each pair reads as one racer. */
  style(i) {
    const L = this.losses;
    if (!L || L[i] !== "mse") return racerStyle(i);
    const main = L.filter((l) => l !== "mse").length;
    const st = racerStyle(i - main);
    return { ...st, symbol: `${st.symbol}-open`, twin: true };
  }

  get land() {
    return this.main.land;
  }

  /** Predict-the-next-step marks ({from, guess, truth, distance} or null). */
  setMarks(marks) {
    this.marks = marks;
    this.dirty.add("land");
  }

  setData(data) {
    this.data = data;
  }

  setLandscape(resp) {
    this.main.setLandscape(resp);
  }

  setTwinLandscape(resp) {
    this.twinView.setLandscape(resp);
  }

  /** The focus racer's mini-batch surface goes on the landscape of that racer's loss. */
  setBatchLandscape(resp) {
    const onTwin = this.twin && this.losses && this.losses[this.focus] === "mse";
    this.main.setBatchLandscape(onTwin ? null : resp);
    this.twinView.setBatchLandscape(onTwin ? resp : null);
  }

  setRace(record, labels, start, losses = null) {
    this.record = record;
    this.labels = labels;
    this.start = start;
    this.losses = losses;
  }

  theta(i) {
    const c = current(this.record && this.record.racers[i]);
    return c ? c.point : this.start;
  }

  dataFigure() {
    const s = scale(this.projector);
    const racers = this.labels.map((label, i) => ({ label, theta: this.theta(i), style: this.style(i) }));
    const r = this.record && this.record.racers[this.focus];
    return dataFigure(this.data, racers, {
      s, t: this.t, focus: this.focus, batch: r && Array.isArray(r.batch) ? r.batch : null,
      axis: (title, range) => axis(this.projector, title, range), baseLayout: baseLayout(this.projector),
    });
  }

  lossFigure() {
    const s = scale(this.projector);
    const data = [];
    const racers = this.record ? this.record.racers : [];
    const pos = (v) => (this.lossLog && !(v > 0) ? null : v);
    const dash = (i) => (this.losses && this.losses[i] === "mse" ? "dash" : "solid");
    // Per epoch, step k of racer i is k / (its iterations per epoch): a pass over the data.
    const per = (i) => (this.lossEpochs && this.perEpoch && this.perEpoch[i] > 0 ? this.perEpoch[i] : 1);
    const xs = (i, steps) => (per(i) === 1 ? steps : steps.map((k) => k / per(i)));
    const xName = this.lossEpochs ? this.t("reg.epoch_axis") : this.t("hover.step");
    this.labels.forEach((label, i) => {
      const r = racers[i];
      data.push({
        type: "scatter", mode: "lines", name: `${label} (batch)`, x: r ? xs(i, r.batchSteps) : [], y: r ? r.batchLosses.map(pos) : [],
        line: { color: this.style(i).color, width: 1 }, opacity: 0.3,
        hovertemplate: `<b>${escapeHtml(label)}</b><br>${this.t("reg.batch_loss")} %{y:.5g}<extra></extra>`,
      });
    });
    this.labels.forEach((label, i) => {
      const r = racers[i];
      data.push({
        // The racer's glyph every so often: the curves differ by shape, not colour alone.
        type: "scatter", mode: "lines+markers", name: label, x: r ? xs(i, r.steps) : [], y: r ? r.losses.map(pos) : [],
        marker: { symbol: this.style(i).symbol, size: s.marker + 2, color: this.style(i).color, maxdisplayed: 12 },
        line: { color: this.style(i).color, width: s.line, dash: dash(i) },
        hovertemplate: `<b>${escapeHtml(label)}</b><br>${xName} %{x:.4~g}<br>${this.t("reg.full_loss")} %{y:.5g}<extra></extra>`,
      });
    });
    const empty = !racers.some((r) => r.steps.length > 1);
    const yTitle = this.t("reg.loss_axis");
    const margin = this.projector ? { l: 84, r: 20, t: 10, b: 56 } : { l: 62, r: 16, t: 8, b: 40 };
    return {
      data,
      layout: {
        ...baseLayout(this.projector), margin,
        xaxis: { title: { text: this.lossEpochs ? this.t("reg.epoch_axis") : this.t("plots.step_axis"), font: { size: s.font }, standoff: 4 }, rangemode: "tozero", gridcolor: GRID, zeroline: false, tickfont: { size: s.small }, linecolor: MUTED, fixedrange: true },
        yaxis: { title: { text: yTitle, font: { size: s.font }, standoff: 4 }, type: this.lossLog ? "log" : "linear", gridcolor: GRID, zeroline: false, tickfont: { size: s.small }, exponentformat: "power", linecolor: MUTED, fixedrange: true, nticks: 6, showticklabels: !empty,
          ...(this.lossLog ? logTicks(racers.flatMap((r) => r.losses.concat(r.batchLosses)), this.divs.loss, margin, s.small) : {}) },
        hovermode: "closest",
        annotations: empty ? [{ text: this.t("plots.loss_empty"), xref: "paper", yref: "paper", x: 0.5, y: 0.5, showarrow: false, font: { size: s.font, color: MUTED } }] : [],
      },
    };
  }

  /** Nothing to show (a CSV problem before its file): empty plots. */
  clear() {
    this.data = null;
    this.main.clear();
    this.twinView.clear();
    for (const div of [this.divs.data, this.divs.loss]) if (div.data) Plotly().purge(div);
  }

  async renderBase() {
    for (const v of this.views) await v.renderBase();
  }

  async renderBatch() {
    for (const v of this.views) await v.renderBatch();
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
    const due = throttle(this, now);
    const views = this.views.filter((v) => v.land);
    if (this.data && due("data")) {
      const f = this.dataFigure();
      jobs.push(P.react(this.divs.data, f.data, f.layout, CONFIG));
    }
    if (views.length && due("land")) for (const v of views) jobs.push(v.drawOverlay());
    if (views.length && this.view3d && due("d3")) {
      const t0 = performance.now();
      jobs.push(Promise.all(views.map((v) => v.draw3d())).then(() => {
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
    // Marks with nothing to draw yet (no data or landscape: a CSV problem awaiting its file)
    // would keep the animation loop asking every frame; their arrival marks everything again.
    if (!this.data) this.dirty.delete("data");
    if (!views.length) for (const k of ["land", "d3"]) this.dirty.delete(k);
    return this.dirty.size > 0;
  }

  resize() {
    const divs = [this.divs.data, this.divs.loss, ...[this.main, this.twinView].flatMap((v) => Object.values(v.divs))];
    for (const div of divs) {
      if (div && div.offsetParent !== null && div.data) Plotly().Plots.resize(div);
    }
  }
}
