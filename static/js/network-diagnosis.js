// The network lab's live diagnosis. A network has hundreds of weights, so the labels read the
// curves the lab already draws (training and test loss, the gradient's norm) rather than the
// point-and-curvature rules of the surface and regression labs: diverging, overfitting,
// oscillating (or, on batches, noisy) and converged.

import { mountDiagnosisPanel } from "./components/diagnosis-panel.js";

export const WINDOW = 30;
// Overfitting: over the whole window, the test loss stayed this far above its lowest value (set
// before the window) while the training loss stayed below its value there. A window, not one
// step: a mini-batch racer's test loss jumps about, and one high step is no trend.
const RISE = 1.1;
const TINY = 1e-3; // gradient norm / the largest seen: converged

const count = (xs, pred) => xs.slice(1).filter((v, k) => pred(xs[k], v)).length;

/** One racer's tracker: push(frame entry) each step, then label() -> {key} or null. */
export class NetDiagnoser {
  constructor() {
    this.hist = [];
    this.gMax = 0;
    this.status = "running";
    this.batched = false;
    this.best = null; // the lowest test loss so far, with its step and the training loss there
  }

  push(e) {
    if (e.status) this.status = e.status;
    if (Array.isArray(e.batch)) this.batched = true;
    const grads = e.layer_norms && Array.isArray(e.layer_norms.grad) ? e.layer_norms.grad : null;
    const g = grads ? Math.hypot(...grads) : NaN;
    if (Number.isFinite(g)) this.gMax = Math.max(this.gMax, g);
    const entry = { step: e.step, loss: e.loss, train: e.train_loss, test: e.test_loss, g };
    if (Number.isFinite(entry.test) && Number.isFinite(entry.train) && (!this.best || entry.test < this.best.test)) {
      this.best = { step: e.step, test: entry.test, train: entry.train };
    }
    this.hist.push(entry);
    if (this.hist.length > WINDOW + 1) this.hist.shift();
  }

  label() {
    return diagnoseNetwork(this.hist, { gMax: this.gMax, status: this.status, batched: this.batched, best: this.best });
  }
}

/** The rule table; hist: recent entries, oldest first. */
export function diagnoseNetwork(hist, { gMax, status, batched, best }) {
  if (status === "diverged") return { key: "diverging" };
  const losses = hist.map((h) => h.loss).filter(Number.isFinite);
  const n = losses.length;
  if (n < 4) return status === "converged" ? { key: "converged" } : null;
  const last = hist[hist.length - 1];
  const tests = hist.map((h) => h.test);
  const trains = hist.map((h) => h.train);
  if (
    best && hist.length > WINDOW && best.step < hist[0].step
    && tests.every(Number.isFinite) && trains.every(Number.isFinite)
    && Math.min(...tests) > RISE * best.test && Math.max(...trains) < best.train
  ) {
    return { key: "overfitting" };
  }
  const rises = count(losses, (a, b) => b > a);
  const falls = count(losses, (a, b) => b < a);
  if (rises >= 0.6 * (n - 1) && losses[n - 1] > 4 * losses[0]) return { key: "diverging" };
  if (status === "converged" || (gMax > 0 && last.g < TINY * gMax)) return { key: "converged" };
  if (rises >= 0.25 * (n - 1) && falls >= 0.25 * (n - 1)) return { key: batched ? "noisy" : "oscillating" };
  return null;
}

/** The panel beside the summary: one racer, labelled while it trains. */
export function mountNetworkDiagnosis(el, { t, hook, name }) {
  const panel = mountDiagnosisPanel(el, { t });
  let diagnoser = null;
  const show = () => {
    const label = diagnoser ? diagnoser.label() : null;
    hook.diagnosis = label ? label.key : null;
    panel.show(label ? [label] : [], [name()]);
  };
  return {
    newRun() {
      diagnoser = new NetDiagnoser();
      show();
    },
    frames(frames) {
      if (!diagnoser) return;
      for (const f of frames) for (const e of f.racers || []) if (e.i === 0) diagnoser.push({ ...e, step: f.step });
      show();
    },
    done(detail) {
      const s = detail && detail.runs && detail.runs[0];
      if (diagnoser && s) diagnoser.status = s.status;
      show();
    },
    translate: () => panel.translate(),
  };
}
