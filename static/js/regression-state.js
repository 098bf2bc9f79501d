// Pure state logic for the regression lab: problems and their data settings, racers with a
// descent variant (and, for logistic regression, their MSE twins), the start message (the URL
// <-> state codec is regression-url.js; frames fold into histories in regression-record.js).
// No DOM access.

import { formatNumber, fullHyperparameters, makeRacer, optimizerPayload } from "./state.js";

export const PROBLEMS = ["linear", "logistic", "logistic_mse", "softmax", "csv"];

/** Server model and loss of each problem (the CSV problem picks its own model). */
export const MODEL_OF = { linear: "linear", logistic: "logistic", logistic_mse: "logistic_mse", softmax: "softmax" };
export const LOSS_OF_MODEL = { linear: "mse", logistic: "bce", logistic_mse: "mse", softmax: "cross_entropy" };
export const CSV_MODELS = ["linear", "logistic", "softmax"];

export const DEFAULT_DATA = {
  linear: { generator: "linear", n: 50, seed: 1, slope: 2, intercept: 1, noise: 0.8, outliers: false },
  logistic: { generator: "two_class", n: 60, seed: 1, separation: 3, noise: 1 },
  softmax: { generator: "blobs", n: 150, seed: 1, classes: 3, spread: 0.8 },
};
DEFAULT_DATA.logistic_mse = DEFAULT_DATA.logistic;

// Data settings per generator: [key, i18n key, min, max, step]; "bool" fields are checkboxes.
// The panel draws these; decodeRegState (regression-url.js) clamps a link's values to the same bounds.
export const DATA_FIELDS = {
  linear: [
    ["slope", "reg.slope", -10, 10, 0.5],
    ["intercept", "reg.intercept", -10, 10, 0.5],
    ["noise", "reg.noise", 0, 10, 0.1],
    ["n", "reg.n", 2, 5000, 1],
    ["seed", "reg.seed", 0, 9999, 1],
    ["outliers", "reg.outliers", "bool"],
  ],
  two_class: [
    ["separation", "reg.separation", 0, 10, 0.5],
    ["noise", "reg.noise", 0, 10, 0.1],
    ["n", "reg.n", 2, 5000, 1],
    ["seed", "reg.seed", 0, 9999, 1],
  ],
  blobs: [
    ["classes", "reg.classes", 3, 5, 1],
    ["spread", "reg.spread", 0.1, 10, 0.1],
    ["n", "reg.n", 3, 5000, 1],
    ["seed", "reg.seed", 0, 9999, 1],
  ],
};

// Logistic starts far on the wrong side: the MSE twin's plateau is where the contrast shows.
export const DEFAULT_START = { linear: [-2, -3], logistic: [-4, 2], logistic_mse: [-4, 2] };

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
    csv: null, // {columns, rows, table, kept, labels, xcol, x2col, ycol, model}
    starts: JSON.parse(JSON.stringify(DEFAULT_START)),
    steps: Math.min(300, config.limits.max_steps),
    speed: 20,
    racers: defaultRacers(),
    lossLog: true,
    lossEpochs: false,
    diagnosis: true,
    twin: false, // logistic regression: each racer also trained with MSE, side by side
    view: "data", // narrow screens: the Data or the Landscape panel
    land3d: false,
    batchSurface: false,
    focus: 0,
    axes: null, // softmax: the two parameters the landscape shows
  };
}

export function modelOf(state) {
  if (state.problem === "csv") return state.csv ? state.csv.model : "linear";
  return MODEL_OF[state.problem];
}

/** The MSE twin applies to logistic regression trained with binary cross-entropy. */
export function twinOn(state) {
  return Boolean(state.twin) && modelOf(state) === "logistic";
}

/** The `data` part of a request: generator settings, or the chosen CSV columns. */
export function dataSpec(state) {
  if (state.problem === "csv") {
    const { table, xcol, x2col, ycol, model } = state.csv;
    const x = model === "softmax" ? table.map((row) => [row[xcol], row[x2col]]) : table.map((row) => row[xcol]);
    return { x, y: table.map((row) => row[ycol]) };
  }
  return { ...state.data[state.problem] };
}

/** Where this problem keeps its start (a CSV file's per model: softmax has 3k parameters). */
export function startKey(state) {
  return state.problem === "csv" ? `csv_${modelOf(state)}` : state.problem;
}

export function startOf(state) {
  const start = state.starts[startKey(state)];
  if (modelOf(state) === "softmax") return start || null; // null: all zeros on the server
  return start || [0, 0];
}

/** Iterations in one epoch for each racer of a start message's optimizers over n examples:
 * 1 for Batch, n for Stochastic, ⌈n/k⌉ for Mini-batch (its last batch may be smaller). */
export function iterationsPerEpoch(optimizers, n) {
  return optimizers.map((o) => (o.variant === "stochastic" ? n : o.variant === "minibatch" ? Math.ceil(n / o.batch_size) : 1));
}

/** The racers the server runs: the page's racers, then (twin mode) the same ones on MSE. */
export function runRacers(state, maxOptimizers = 8) {
  const main = state.racers.map((racer) => ({ racer, loss: null }));
  if (!twinOn(state)) return main;
  const twins = state.racers.slice(0, Math.max(0, maxOptimizers - main.length)).map((racer) => ({ racer, loss: "mse" }));
  return [...main.map((r) => ({ ...r, loss: "bce" })), ...twins];
}

export function racerPayload(entries, catalog, n) {
  const racers = entries.map((e) => e.racer);
  return optimizerPayload(racers, catalog).map((body, i) => {
    const r = racers[i];
    const out = { ...body, variant: r.variant };
    if (r.variant === "minibatch") out.batch_size = Math.max(1, Math.min(r.batchSize, n || r.batchSize));
    if (entries[i].loss) out.loss = entries[i].loss;
    return out;
  });
}

export function startMessage(state, catalog, n, maxOptimizers = 8) {
  const body = {
    type: "start",
    data: dataSpec(state),
    model: modelOf(state),
    steps: state.steps,
    optimizers: racerPayload(runRacers(state, maxOptimizers), catalog, n),
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

export function descentLabel(racer, catalog, t, loss = null) {
  const spec = catalog.find((o) => o.id === racer.name);
  const hp = fullHyperparameters(racer, catalog);
  let label = `${variantLabel(racer, t)} · ${spec ? spec.name : racer.name}, lr ${formatNumber(hp.lr)}`;
  if (hp.momentum) label += `, momentum ${formatNumber(hp.momentum)}`;
  // Twin mode: the twins say MSE; their cross-entropy racers keep the plain label.
  return loss === "mse" ? `MSE · ${label}` : label;
}

/** Columns for a freshly loaded file: softmax when there is a text (label) column and two
 * numeric ones, logistic when the last column is 0/1, linear otherwise. A model the user (or
 * a link) picked wins, and y is then a column that model can learn: for logistic the last 0/1
 * column, for linear the last numeric one that is not 0/1 (a yes/no column makes a poor
 * line), never a text column. */
export function csvDefaults(resp, preferred) {
  const text = new Set(resp.labels || []);
  const nums = resp.columns.map((_, i) => i).filter((i) => !text.has(i));
  const last = resp.columns.length - 1;
  const binary = (i) => !text.has(i) && resp.table.every((r) => r[i] === 0 || r[i] === 1);
  let model = "linear";
  if (text.size && nums.length >= 2) model = "softmax";
  else if (binary(last)) model = "logistic";
  if (CSV_MODELS.includes(preferred) && (preferred !== "softmax" || nums.length >= 2)) model = preferred;
  const lastOf = (cols) => cols[cols.length - 1];
  let ycol;
  if (model === "softmax") ycol = text.size ? [...text].pop() : last;
  else if (model === "logistic") ycol = lastOf(nums.filter(binary)) ?? lastOf(nums);
  else ycol = lastOf(nums.filter((i) => !binary(i))) ?? lastOf(nums);
  const xs = nums.filter((i) => i !== ycol);
  return { model, xcol: xs[0] ?? 0, x2col: xs[1] ?? xs[0] ?? 0, ycol };
}
