// Pure state logic for the regression lab: problems and their data settings, racers with a
// descent variant, the start message, folding frames into per-racer histories, and the small
// numeric helpers the views need (model predictions, a view box around the solution).
// No DOM access here.

import { formatNumber, fullHyperparameters, makeRacer, optimizerPayload } from "./state.js";

export const PROBLEMS = ["linear", "logistic", "logistic_mse", "softmax", "csv"];

/** Server model and loss of each problem (the CSV problem picks its own model). */
export const MODEL_OF = { linear: "linear", logistic: "logistic", logistic_mse: "logistic_mse", softmax: "softmax" };
export const LOSS_OF_MODEL = { linear: "mse", logistic: "bce", logistic_mse: "mse", softmax: "cross_entropy" };

export const DEFAULT_DATA = {
  linear: { generator: "linear", n: 50, seed: 1, slope: 2, intercept: 1, noise: 0.8, outliers: false },
  logistic: { generator: "two_class", n: 60, seed: 1, separation: 3, noise: 1 },
  softmax: { generator: "blobs", n: 150, seed: 1, classes: 3, spread: 0.8 },
};
DEFAULT_DATA.logistic_mse = DEFAULT_DATA.logistic;

export const DEFAULT_START = { linear: [-2, -3], logistic: [-2, 2], logistic_mse: [-2, 2] };

export const VARIANTS = ["batch", "stochastic", "minibatch"];

/** A racer of this lab: an optimizer (the surface lab's racer) plus a descent variant. */
export function makeDescentRacer(variant, name = "sgd", hp = {}, batchSize = 8) {
  return { ...makeRacer(name, hp), variant, batchSize };
}

export function defaultRacers() {
  return [
    makeDescentRacer("batch", "sgd", { lr: 0.1 }),
    makeDescentRacer("stochastic", "sgd", { lr: 0.02 }),
    makeDescentRacer("minibatch", "sgd", { lr: 0.05 }, 8),
  ];
}

export function defaultState(config) {
  return {
    problem: "linear",
    data: JSON.parse(JSON.stringify(DEFAULT_DATA)),
    csv: null, // {columns, table, xcol, ycol, model}
    starts: JSON.parse(JSON.stringify(DEFAULT_START)),
    steps: Math.min(300, config.limits.max_steps),
    speed: 20,
    racers: defaultRacers(),
    lossLog: true,
  };
}

export function modelOf(state) {
  if (state.problem === "csv") return state.csv ? state.csv.model : "linear";
  return MODEL_OF[state.problem];
}

/** The `data` part of a request: generator settings, or the chosen CSV columns as numbers. */
export function dataSpec(state) {
  if (state.problem === "csv") {
    const { table, xcol, ycol } = state.csv;
    return { x: table.map((row) => row[xcol]), y: table.map((row) => row[ycol]) };
  }
  return { ...state.data[state.problem] };
}

export function startOf(state) {
  return state.problem === "softmax" ? null : state.starts[state.problem === "csv" ? "csv" : state.problem] || [0, 0];
}

export function racerPayload(racers, catalog, n) {
  return optimizerPayload(racers, catalog).map((body, i) => {
    const r = racers[i];
    const out = { ...body, variant: r.variant };
    if (r.variant === "minibatch") out.batch_size = Math.max(1, Math.min(r.batchSize, n || r.batchSize));
    return out;
  });
}

export function startMessage(state, catalog, n) {
  const body = {
    type: "start",
    data: dataSpec(state),
    model: modelOf(state),
    steps: state.steps,
    optimizers: racerPayload(state.racers, catalog, n),
    steps_per_second: state.speed,
  };
  const start = startOf(state);
  if (start) body.start = start;
  return body;
}

export function variantLabel(r, t) {
  if (r.variant === "minibatch") return t("reg.variant_minibatch_k", { k: r.batchSize });
  return t(`reg.variant_${r.variant}`);
}

export function descentLabel(racer, catalog, t) {
  const spec = catalog.find((o) => o.id === racer.name);
  const hp = fullHyperparameters(racer, catalog);
  let label = `${variantLabel(racer, t)} · ${spec ? spec.name : racer.name}, lr ${formatNumber(hp.lr)}`;
  if (hp.momentum) label += `, momentum ${formatNumber(hp.momentum)}`;
  return label;
}

// ---------------------------------------------------------------------------------------------
// Frames -> per-racer histories (the page's model of the race)

export function newRecord(labels) {
  return {
    step: 0,
    done: false,
    racers: labels.map((label, i) => ({
      i, label, status: "running", reason: null, stoppedAt: null,
      steps: [], points: [], losses: [], batchSteps: [], batchLosses: [],
      epoch: 0, iteration: 0, batch: null,
    })),
  };
}

/** Fold frames into the record in place; returns the set of racers whose status changed. */
export function foldFrames(record, frames) {
  const changed = new Set();
  for (const frame of frames) {
    record.step = Math.max(record.step, frame.step);
    for (const e of frame.racers) {
      const r = record.racers[e.i];
      if (!r) continue;
      if (Array.isArray(e.point) && e.point.every(Number.isFinite)) {
        r.steps.push(frame.step);
        r.points.push(e.point);
        r.losses.push(Number.isFinite(e.loss) ? e.loss : null);
      }
      if (Number.isFinite(e.batch_loss)) {
        r.batchSteps.push(frame.step);
        r.batchLosses.push(e.batch_loss);
      }
      if (Number.isInteger(e.epoch)) r.epoch = e.epoch;
      if (Number.isInteger(e.iteration)) r.iteration = e.iteration;
      if (e.batch !== undefined) r.batch = e.batch;
      if (e.status && e.status !== r.status) {
        r.status = e.status;
        r.reason = e.reason || null;
        r.stoppedAt = e.status === "running" ? null : frame.step;
        changed.add(e.i);
      }
    }
  }
  return changed;
}

export function applyDone(record, msg) {
  record.done = true;
  for (const s of msg.runs || []) {
    const r = record.racers[s.i];
    if (!r) continue;
    r.status = s.status;
    r.reason = s.reason;
    r.stoppedAt = s.stopped_at;
  }
}

export function current(r) {
  return r && r.points.length ? { point: r.points[r.points.length - 1], loss: r.losses[r.losses.length - 1] } : null;
}

// ---------------------------------------------------------------------------------------------
// Models and view boxes

export const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/** Softmax parameter layout from the server: w11..w1k, w21..w2k, b1..bk. */
export function softmaxLogits(theta, k, x1, x2) {
  const out = new Array(k);
  for (let c = 0; c < k; c += 1) out[c] = x1 * theta[c] + x2 * theta[k + c] + theta[2 * k + c];
  return out;
}

export function argmax(arr) {
  let best = 0;
  for (let i = 1; i < arr.length; i += 1) if (arr[i] > arr[best]) best = i;
  return best;
}

/** The (w, b) minimising the model's loss on 1-D data, for framing the landscape. */
export function solve2(model, xs, ys) {
  const n = xs.length;
  if (model === "linear") {
    const mx = xs.reduce((a, v) => a + v, 0) / n;
    const my = ys.reduce((a, v) => a + v, 0) / n;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < n; i += 1) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) ** 2;
    }
    const w = sxx > 0 ? sxy / sxx : 0;
    return [w, my - w * mx];
  }
  // Logistic: Newton's method with a little ridge (separable data has no finite optimum).
  let w = 0;
  let b = 0;
  for (let it = 0; it < 50; it += 1) {
    let gw = 0.01 * w;
    let gb = 0;
    let hww = 0.01;
    let hwb = 0;
    let hbb = 1e-6;
    for (let i = 0; i < n; i += 1) {
      const p = sigmoid(w * xs[i] + b);
      const d = p - ys[i];
      gw += (d * xs[i]) / n;
      gb += d / n;
      const s = (p * (1 - p)) / n;
      hww += s * xs[i] * xs[i];
      hwb += s * xs[i];
      hbb += s;
    }
    const det = hww * hbb - hwb * hwb;
    if (!(Math.abs(det) > 1e-12)) break;
    w -= (hbb * gw - hwb * gb) / det;
    b -= (hww * gb - hwb * gw) / det;
  }
  return [Math.max(-12, Math.min(12, w)), Math.max(-12, Math.min(12, b))];
}

/** Ranges for the (w, b) landscape: the start and the solution with room around them. */
export function viewRanges(start, solution) {
  return [0, 1].map((j) => {
    const lo = Math.min(start[j], solution[j]);
    const hi = Math.max(start[j], solution[j]);
    const pad = Math.max((hi - lo) * 0.45, 1.5);
    return [round2(lo - pad), round2(hi + pad)];
  });
}

const round2 = (v) => Math.round(v * 100) / 100;

/** Subsample user rows so a start message stays under the socket's message limit. */
export function fitRows(table, maxRows) {
  if (table.length <= maxRows) return { table, kept: table.length };
  const stride = table.length / maxRows;
  const out = [];
  for (let i = 0; i < maxRows; i += 1) out.push(table[Math.floor(i * stride)]);
  return { table: out, kept: out.length };
}

/** The full-data loss at theta (the start, before any frame arrives). */
export function lossAt(model, theta, data) {
  if (model === "softmax") return theta ? null : Math.log(data.classes);
  const [w, b] = theta;
  let total = 0;
  for (let i = 0; i < data.x.length; i += 1) {
    const z = w * data.x[i] + b;
    const y = data.y[i];
    if (model === "linear") total += (z - y) ** 2;
    else if (model === "logistic_mse") total += (sigmoid(z) - y) ** 2;
    else total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))); // BCE with logits
  }
  return total / data.x.length;
}
