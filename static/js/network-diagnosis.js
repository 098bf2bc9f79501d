// The network lab's live diagnosis. A network has hundreds of weights, so the labels read the
// curves the lab already draws (training and test loss, the gradient's norm) rather than the
// point-and-curvature rules of the surface and regression labs: diverging, overfitting,
// oscillating (or, on batches, noisy) and converged. The one exception, a Learning Rate too
// small, needs each step's length against the curvature along it: the server works that out
// on the whole parameter vector (step_ratio in each frame) and the surface lab's rule judges it.

import { shortSteps } from "./components/diagnosis-rules.js";
import { mountDiagnosisPanel } from "./components/diagnosis-panel.js";

export const WINDOW = 30;
// Overfitting: over the whole window, the test loss stayed this far above its lowest value (set
// before the window) while the training loss stayed below its value there. A window, not one
// step: a mini-batch racer's test loss jumps about, and one high step is no trend.
const RISE = 1.1;
const TINY = 1e-3; // gradient norm / the largest seen: converged
// Gradient norm / the largest seen, under which short steps are no longer the Learning Rate's
// fault: the loss is flattening out by itself. Cross-entropy on data the network already
// separates has no bottom to reach, so its steps stay a tiny fraction of the 1-D Newton step
// at any rate (the default Adam on the gaussians, once fitted, would be called slow).
const SETTLING = 0.05;

const count = (xs, pred) => xs.slice(1).filter((v, k) => pred(xs[k], v)).length;

/** One racer's tracker: push(frame entry) each step, then label() -> {key} or null. */
export class NetDiagnoser {
  constructor() {
    this.hist = [];
    this.gMax = 0;
    this.status = "running";
    this.batched = false;
    this.best = null; // the lowest test loss so far, with its step and the training loss there
    this.rMax = 0; // the boldest step of the run, as the server's step_ratio
  }

  push(e) {
    if (e.status) this.status = e.status;
    if (Array.isArray(e.batch)) this.batched = true;
    const grads = e.layer_norms && Array.isArray(e.layer_norms.grad) ? e.layer_norms.grad : null;
    const g = grads ? Math.hypot(...grads) : NaN;
    if (Number.isFinite(g)) this.gMax = Math.max(this.gMax, g);
    // null where the step has no ratio (the first, a batched racer's, one not downhill...).
    const ratio = Number.isFinite(e.step_ratio) ? e.step_ratio : NaN;
    if (Number.isFinite(ratio)) this.rMax = Math.max(this.rMax, ratio);
    const entry = { step: e.step, loss: e.loss, train: e.train_loss, test: e.test_loss, g, ratio };
    if (Number.isFinite(entry.test) && Number.isFinite(entry.train) && (!this.best || entry.test < this.best.test)) {
      this.best = { step: e.step, test: entry.test, train: entry.train };
    }
    this.hist.push(entry);
    if (this.hist.length > WINDOW + 1) this.hist.shift();
  }

  label() {
    const { gMax, status, batched, best, rMax } = this;
    return diagnoseNetwork(this.hist, { gMax, status, batched, best, rMax });
  }
}

/** The rule table; hist: recent entries, oldest first. */
export function diagnoseNetwork(hist, { gMax, status, batched, best, rMax = Infinity }) {
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
  // Too small, in the surface rule's order (after converged and oscillating): a whole window
  // downhill in short steps, while the gradient is still far from settling. Batched racers'
  // steps follow their batch, so the server sends them no ratio.
  const ratios = hist.slice(1).map((h) => h.ratio);
  if (!batched && hist.length > WINDOW && falls === n - 1 && last.g >= SETTLING * gMax && shortSteps(ratios, rMax)) {
    return { key: "too_small" };
  }
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
