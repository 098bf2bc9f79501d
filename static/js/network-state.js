// Pure state logic for the network lab: defaults (and each dataset's own), URL <-> state, and
// the run's start message. Frames fold into a record in network-record.js. No DOM access here.

import { clampHyper, formatNumber, fullHyperparameters, makeRacer, optimizerPayload } from "./state.js";

export const DATASETS = ["circle", "xor", "gaussians", "spiral", "moons", "blobs3", "spiral3", "plane", "sine", "csv"];
export const FEATURES = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sin_x1", "sin_x2"];
export const FEATURE_LABELS = { x1: "x₁", x2: "x₂", x1sq: "x₁²", x2sq: "x₂²", x1x2: "x₁·x₂", sin_x1: "sin x₁", sin_x2: "sin x₂" };
export const ACTIVATIONS = ["tanh", "relu", "sigmoid", "leaky_relu", "linear"];
export const LOSSES = ["mse", "bce", "ce"];
export const VARIANTS = ["batch", "stochastic", "minibatch"];
export const DIRECTIONS = ["random", "pca"];
// What the loss follows when left on "auto" (the server says the same in `loss_default`).
export const TASK_OF = { blobs3: "multiclass", spiral3: "multiclass", plane: "regression", sine: "regression" };
const LOSS_OF_TASK = { binary: "bce", multiclass: "ce", regression: "mse" };

// Limits the page offers; the server enforces its own (Settings) and names any refusal.
export const UI_LIMITS = { layers: 6, width: 16, rows: 5000 };

export function defaultState(config) {
  return {
    dataset: "circle",
    n: 500,
    noise: 0.1,
    testFraction: 0.3,
    seed: 1,
    csv: null, // {name, columns, rows, table, kept, x: [i, j], y: k}: never in the URL
    features: ["x1", "x2"],
    hidden: [8, 8],
    activation: "tanh",
    loss: null, // null: follows the task
    l1: 0,
    l2: 0,
    racer: { ...makeRacer("adam", { lr: 0.03 }), variant: "minibatch", batchSize: 32 },
    heatmapEvery: 10,
    steps: Math.min(1000, config.limits.max_steps),
    speed: 50,
    directions: "random",
    lossLog: true,
    norms: "grad",
  };
}

/** The state with a dataset's own defaults from GET /api/network/datasets (the settings the
 * server's tests check reach its target); the seed, the test share and the view stay. */
export function applyDatasetDefaults(state, entry) {
  if (!entry || !entry.defaults) return state;
  const d = entry.defaults;
  const net = d.network || {};
  const out = { ...state, dataset: entry.id };
  for (const [key, from] of [["features", "features"], ["hidden", "hidden"], ["activation", "activation"], ["loss", "loss"],
    ["l1", "l1"], ["l2", "l2"], ["noise", "noise"], ["n", "n"], ["heatmapEvery", "heatmap_every"]]) {
    if (net[from] !== undefined) out[key] = Array.isArray(net[from]) ? [...net[from]] : net[from];
  }
  if (Number.isInteger(d.steps)) out.steps = d.steps;
  const opt = (d.optimizers || [])[0];
  if (opt) {
    const { name, batch_size: k, variant, ...hp } = opt;
    const racer = { ...makeRacer(name, hp), variant: "batch", batchSize: state.racer.batchSize };
    if (k === 1) racer.variant = "stochastic";
    else if (Number.isInteger(k)) Object.assign(racer, { variant: "minibatch", batchSize: k });
    out.racer = racer;
  }
  return out;
}

export const taskOf = (state) => (state.dataset === "csv" ? (state.csv && state.csv.task) || "regression" : TASK_OF[state.dataset] || "binary");
export const defaultLoss = (state) => LOSS_OF_TASK[taskOf(state)];

/** Training rows: the server splits n points into train and test by test_fraction. */
export function trainRows(state) {
  const n = state.dataset === "csv" ? (state.csv ? state.csv.table.length : 0) : state.n;
  return Math.max(1, Math.floor(n * (1 - state.testFraction)));
}

export function batchSizeOf(state) {
  const r = state.racer;
  if (r.variant === "stochastic") return 1;
  if (r.variant === "minibatch") return Math.max(1, Math.min(r.batchSize, trainRows(state)));
  return null; // full batch: the contract's "absent"
}

const round = (v, digits = 6) => Number(Number(v).toPrecision(digits));

/** What the file's last chosen column looks like: classes 0/1, 0/1/2, or numbers. */
export function taskOfColumn(values) {
  // Words are class labels (the server numbers them); two of them make a binary task.
  if (values.some((v) => typeof v === "string")) return new Set(values).size === 2 ? "binary" : "multiclass";
  const ints = values.every((v) => Number.isInteger(v));
  const most = Math.max(...values);
  if (ints && Math.min(...values) >= 0 && most <= 1) return "binary";
  if (ints && Math.min(...values) >= 0 && most <= 2) return "multiclass";
  return "regression";
}

/** Evenly spaced rows, at most maxRows, so a start message fits the socket's limit. */
export function thinRows(table, maxRows) {
  if (table.length <= maxRows) return { table, kept: table.length };
  const out = [];
  for (let i = 0; i < maxRows; i += 1) out.push(table[Math.floor((i * table.length) / maxRows)]);
  return { table: out, kept: out.length };
}

/** The CSV as the server takes it: the kept rows as text, with the chosen columns. */
export function csvSpec(csv) {
  const lines = [csv.columns.join(",")];
  // Text labels go back quoted when they hold a comma or a quote (RFC 4180).
  const cell = (v) => (typeof v === "string" && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  for (const row of csv.table) lines.push(row.map(cell).join(","));
  return { text: lines.join("\n"), x: csv.x.map((i) => csv.columns[i]), y: csv.columns[csv.y] };
}

/** The `network` part of every request (run and landscape). */
export function networkSpec(state) {
  return {
    dataset: state.dataset,
    n: state.n,
    noise: state.noise,
    test_fraction: state.testFraction,
    seed: state.seed,
    csv: state.dataset === "csv" && state.csv ? csvSpec(state.csv) : null,
    features: [...state.features],
    hidden: [...state.hidden],
    activation: state.activation,
    loss: state.loss,
    l1: state.l1,
    l2: state.l2,
    heatmap_every: state.heatmapEvery,
  };
}

export function optimizerBody(state, catalog) {
  const [body] = optimizerPayload([state.racer], catalog);
  const k = batchSizeOf(state);
  if (k !== null) body.batch_size = k;
  return body;
}

export function startMessage(state, catalog) {
  return {
    type: "start",
    network: networkSpec(state),
    steps: state.steps,
    optimizers: [optimizerBody(state, catalog)],
    start: null,
    steps_per_second: state.speed,
  };
}

export function variantLabel(state, t) {
  const r = state.racer;
  if (r.variant === "minibatch") return t("reg.variant_minibatch_k", { k: batchSizeOf(state) });
  return t(`reg.variant_${r.variant}`);
}

export function racerLabel(state, catalog, t) {
  const spec = catalog.find((o) => o.id === state.racer.name);
  const hp = fullHyperparameters(state.racer, catalog);
  return `${variantLabel(state, t)} · ${spec ? spec.name : state.racer.name}, lr ${formatNumber(hp.lr)}`;
}

// ---------------------------------------------------------------------------------------------
// URL <-> state: the whole configuration (not the CSV's rows), so a set-up can be shared.

/** The query keys this lab owns; any other (the shell's ?present=1) is left in the URL. */
export const URL_KEYS = ["ds", "n", "noise", "test", "seed", "f", "h", "act", "loss", "l1", "l2", "opt", "bs", "hm", "steps", "sps", "dirs"];

export function encodeState(state) {
  const p = new URLSearchParams();
  p.set("ds", state.dataset);
  p.set("n", String(state.n));
  p.set("noise", String(round(state.noise)));
  p.set("test", String(round(state.testFraction)));
  p.set("seed", String(state.seed));
  p.set("f", state.features.join(","));
  p.set("h", state.hidden.join(","));
  p.set("act", state.activation);
  if (state.loss) p.set("loss", state.loss);
  p.set("l1", String(round(state.l1)));
  p.set("l2", String(round(state.l2)));
  const r = state.racer;
  p.set("opt", [r.name, ...Object.entries(r.hp).map(([k, v]) => `${k}=${[].concat(v).join("/")}`)].join(":"));
  p.set("bs", r.variant === "minibatch" ? String(r.batchSize) : r.variant);
  p.set("hm", String(state.heatmapEvery));
  p.set("steps", String(state.steps));
  p.set("sps", String(state.speed));
  p.set("dirs", state.directions);
  return p.toString();
}

function num(p, key, lo, hi, fallback, integer = false) {
  if (!p.has(key)) return fallback;
  const v = Number(p.get(key));
  if (!Number.isFinite(v) || p.get(key).trim() === "") return fallback;
  const x = Math.min(hi, Math.max(lo, integer ? Math.round(v) : v));
  return x;
}

/** A state from a query string over the defaults: unknown values are ignored, numbers are
 * clamped to the ranges the controls offer (the server checks its own limits again). */
export function decodeState(search, base, catalog, limits) {
  const p = new URLSearchParams(search);
  const s = { ...base, racer: { ...base.racer, hp: { ...base.racer.hp } } };
  const maxLayers = limits.max_hidden_layers || UI_LIMITS.layers;
  const maxWidth = limits.max_layer_width || UI_LIMITS.width;
  if (DATASETS.includes(p.get("ds"))) s.dataset = p.get("ds");
  s.n = num(p, "n", 10, limits.max_dataset_rows || UI_LIMITS.rows, s.n, true);
  s.noise = num(p, "noise", 0, 0.5, s.noise);
  s.testFraction = num(p, "test", 0.1, 0.9, s.testFraction);
  s.seed = num(p, "seed", 0, 2 ** 31 - 1, s.seed, true);
  if (p.has("f")) {
    const f = FEATURES.filter((x) => p.get("f").split(",").includes(x));
    if (f.length) s.features = f;
  }
  if (p.has("h")) {
    const raw = p.get("h").trim();
    const h = raw === "" ? [] : raw.split(",").map(Number);
    if (h.length <= maxLayers && h.every((w) => Number.isInteger(w) && w >= 1 && w <= maxWidth)) s.hidden = h;
  }
  if (ACTIVATIONS.includes(p.get("act"))) s.activation = p.get("act");
  s.loss = LOSSES.includes(p.get("loss")) ? p.get("loss") : p.has("loss") || p.has("ds") ? null : s.loss;
  // A regression target takes mse only (the server refuses the others): such a link follows
  // the task instead, so its Play is not refused.
  if (TASK_OF[s.dataset] === "regression" && s.loss && s.loss !== "mse") s.loss = null;
  s.l1 = num(p, "l1", 0, 1, s.l1);
  s.l2 = num(p, "l2", 0, 1, s.l2);
  if (p.get("opt")) {
    const [name, ...kvs] = p.get("opt").split(":");
    const spec = catalog.find((o) => o.id === name);
    if (spec) {
      const hp = {};
      for (const kv of kvs) {
        const [k, v] = kv.split("=");
        const h = spec.hyperparameters.find((x) => x.name === k);
        if (!h || v === undefined) continue;
        if (h.type === "bool") hp[k] = v === "true";
        else if (h.type === "pair") hp[k] = clampHyper(h, v.split("/"));
        else hp[k] = clampHyper(h, v);
      }
      s.racer = { ...makeRacer(name, hp), variant: s.racer.variant, batchSize: s.racer.batchSize };
    }
  }
  const bs = p.get("bs");
  if (bs === "batch" || bs === "stochastic") s.racer.variant = bs;
  else if (bs && Number.isInteger(Number(bs)) && Number(bs) >= 1) {
    s.racer.variant = "minibatch";
    s.racer.batchSize = Math.min(Number(bs), limits.max_dataset_rows || UI_LIMITS.rows);
  }
  s.heatmapEvery = num(p, "hm", 1, 1000, s.heatmapEvery, true);
  s.steps = num(p, "steps", 1, limits.max_steps, s.steps, true);
  s.speed = num(p, "sps", 0.5, limits.max_steps_per_second, s.speed);
  if (DIRECTIONS.includes(p.get("dirs"))) s.directions = p.get("dirs");
  return s;
}

/** The part of a state that the URL carries, for comparing two states. */
export function configOf(state) {
  const { key, ...racer } = state.racer;
  const { csv, projector, lossLog, norms, ...rest } = state;
  return { ...rest, racer };
}
