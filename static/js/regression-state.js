// Pure state logic for the regression lab: problems and their data settings, racers with a
// descent variant (and, for logistic regression, their MSE twins), the start message, the
// URL <-> state codec (frames fold into histories in regression-record.js). No DOM access.

import { clampHyper, formatNumber, fullHyperparameters, makeRacer, optimizerPayload } from "./state.js";

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
// The panel draws these; decodeRegState clamps a link's values to the same bounds.
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

// ---------------------------------------------------------------------------------------------
// URL <-> state, so a mentor can share the whole set-up (numbers in full: the same link gives
// the same run, bit for bit). A CSV file's contents stay out of the link; its model and
// column choices go in, and apply when the same file is loaded again.

const num = (v) => String(v); // JavaScript's shortest round-trip form

export function encodeRegState(state) {
  const p = new URLSearchParams();
  p.set("p", state.problem);
  if (state.problem === "csv") {
    if (state.csv) {
      p.set("m", state.csv.model);
      p.set("c", [state.csv.xcol, state.csv.x2col, state.csv.ycol].join(","));
    }
  } else {
    const d = state.data[state.problem];
    const fields = DATA_FIELDS[d.generator] || [];
    p.set("d", fields.map(([k, , min]) => `${k}:${min === "bool" ? (d[k] ? 1 : 0) : num(d[k])}`).join(","));
  }
  const start = state.starts[startKey(state)];
  if (start) p.set("start", start.map(num).join(","));
  p.set("steps", String(state.steps));
  p.set("sps", num(state.speed));
  p.set(
    "r",
    state.racers
      .map((r) => {
        const parts = [r.name, `@v=${r.variant}`];
        if (r.variant === "minibatch") parts.push(`@k=${r.batchSize}`);
        for (const [k, v] of Object.entries(r.hp)) parts.push(`${k}=${[].concat(v).map(num).join("/")}`);
        return parts.join(":");
      })
      .join(";"),
  );
  if (state.twin) p.set("twin", "1");
  p.set("view", state.view);
  if (state.land3d) p.set("land", "3d");
  if (state.batchSurface) p.set("mb", "1");
  if (!state.lossLog) p.set("log", "0");
  if (!state.diagnosis) p.set("diag", "0");
  if (state.focus) p.set("focus", String(state.focus));
  if (state.axes) p.set("axes", state.axes.join(","));
  return p.toString();
}

const numbers = (text) => (text || "").split(",").filter((s) => s !== "").map(Number);

/** State from a link, every value checked and clamped as the page's own controls would. */
export function decodeRegState(search, base, catalog, limits) {
  const p = new URLSearchParams(search);
  const state = { ...base, data: JSON.parse(JSON.stringify(base.data)), starts: JSON.parse(JSON.stringify(base.starts)) };
  if (PROBLEMS.includes(p.get("p"))) state.problem = p.get("p");
  if (state.problem === "csv" && CSV_MODELS.includes(p.get("m"))) state.csvModel = p.get("m");
  const cols = numbers(p.get("c"));
  if (state.problem === "csv" && cols.length === 3 && cols.every((c) => Number.isInteger(c) && c >= 0 && c < 64)) state.csvColumns = cols;
  if (state.problem !== "csv" && p.get("d")) {
    const d = { ...state.data[state.problem] };
    for (const kv of p.get("d").split(",")) {
      const [k, v] = kv.split(":");
      const field = (DATA_FIELDS[d.generator] || []).find((f) => f[0] === k);
      if (!field || v === undefined) continue;
      const [, , min, max, step] = field;
      if (min === "bool") d[k] = v === "1";
      else if (Number.isFinite(Number(v)) && v !== "") {
        const x = step === 1 ? Math.round(Number(v)) : Number(v);
        d[k] = Math.min(k === "n" ? limits.max_dataset_rows || max : max, Math.max(min, x));
      }
    }
    state.data[state.problem] = d;
    if (state.problem.startsWith("logistic")) {
      state.data.logistic = d;
      state.data.logistic_mse = d;
    }
  }
  const start = numbers(p.get("start"));
  if (start.length >= 2 && start.length <= 64 && start.every((v) => Number.isFinite(v) && Math.abs(v) <= 1e6)) {
    const key = state.problem === "csv" ? `csv_${state.csvModel || "linear"}` : state.problem;
    const dims = state.problem === "softmax" ? 3 * state.data.softmax.classes : null;
    if (dims === null ? start.length === 2 || state.problem === "csv" : start.length === dims) state.starts[key] = start;
  }
  const steps = Number(p.get("steps"));
  if (Number.isInteger(steps) && steps >= 1) state.steps = Math.min(steps, limits.max_steps);
  const sps = Number(p.get("sps"));
  if (Number.isFinite(sps) && sps > 0) state.speed = Math.min(sps, limits.max_steps_per_second);
  if (p.get("r")) {
    const racers = [];
    for (const part of p.get("r").split(";").slice(0, limits.max_optimizers)) {
      const [name, ...kvs] = part.split(":");
      const spec = catalog.find((o) => o.id === name);
      if (!spec) continue;
      const hp = {};
      let variant = "batch";
      let k = 8;
      for (const kv of kvs) {
        const [key, v] = kv.split("=");
        if (v === undefined) continue;
        if (key === "@v" && VARIANTS.includes(v)) variant = v;
        else if (key === "@k" && Number.isInteger(Number(v)) && Number(v) >= 1) k = Math.min(Number(v), limits.max_dataset_rows || 5000);
        const h = spec.hyperparameters.find((x) => x.name === key);
        if (!h) continue;
        if (h.type === "bool") hp[key] = v === "true";
        else if (h.type === "pair") hp[key] = clampHyper(h, v.split("/"));
        else hp[key] = clampHyper(h, v);
      }
      racers.push(makeDescentRacer(variant, name, hp, k));
    }
    if (racers.length) state.racers = racers;
  }
  state.twin = p.get("twin") === "1";
  if (["data", "landscape"].includes(p.get("view"))) state.view = p.get("view");
  state.land3d = p.get("land") === "3d";
  state.batchSurface = p.get("mb") === "1";
  if (p.get("log") === "0") state.lossLog = false;
  if (p.get("diag") === "0") state.diagnosis = false;
  const focus = Number(p.get("focus"));
  if (Number.isInteger(focus) && focus >= 0 && focus < 16) state.focus = focus;
  const axes = numbers(p.get("axes"));
  if (axes.length === 2 && axes.every((a) => Number.isInteger(a) && a >= 0 && a < 64) && axes[0] !== axes[1]) state.axes = axes;
  return state;
}
