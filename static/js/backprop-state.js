// Pure state of the backprop lab (no DOM): the step cursor over the forward pass, the backward
// pass and the update; the request body; the URL round trip; number formatting.

export const NETWORKS = ["neuron", "mlp", "softmax"];
export const PARAMS = {
  neuron: ["w1", "w2", "b"],
  mlp: ["w11", "w12", "w21", "w22", "b1", "b2", "v1", "v2", "c"],
  softmax: ["w11", "w12", "w21", "w22", "b1", "b2", "v11", "v12", "v21", "v22", "c1", "c2"],
};
// The server owns the defaults; these mirror app/problems/backprop_net.py for the first request.
export const DEFAULT_PARAMS = {
  neuron: { w1: 0.4, w2: -0.2, b: 0 },
  mlp: { w11: 0.4, w12: -0.3, w21: 0.2, w22: 0.6, b1: 0.1, b2: -0.2, v1: 0.7, v2: -0.5, c: 0.3 },
  softmax: {
    w11: 0.4, w12: -0.3, w21: 0.2, w22: 0.6, b1: 0.1, b2: -0.2,
    v11: 0.7, v12: -0.4, v21: -0.5, v22: 0.3, c1: 0.1, c2: -0.1,
  },
};
export const DEFAULT_AXES = { neuron: ["w1", "w2"], mlp: ["v1", "v2"], softmax: ["v11", "v12"] };
const BOUND = 100;
export const MAX_BATCH = 3; // the server's limit (app/web/backprop_schemas.py)

export function defaultState(network = "mlp") {
  return {
    network,
    activation: "sigmoid",
    loss: "mse",
    examples: [[0.5, 1.0, 1]], // (x1, x2, y) rows; y is the class, 0 or 1, for softmax
    params: { ...DEFAULT_PARAMS[network] },
    lr: 0.5,
    axes: [...DEFAULT_AXES[network]],
    cursor: 0,
    trainSteps: 20,
    quiz: false, // a mentor's link can open the lab with the quiz on
  };
}

/** The JSON body of /api/backprop/graph for this state. */
export function requestBody(state) {
  return {
    network: state.network,
    activation: state.activation,
    loss: state.loss,
    examples: state.examples,
    params: state.params,
    lr: state.lr,
  };
}

/** The step list of one pass: start, every op node forward (the loss last), every node that
 * takes a gradient in backward()'s own order (the loss first), then the update. */
export function stepsOf(graph) {
  if (!graph) return [{ phase: "start" }];
  return [
    { phase: "start" },
    ...graph.forward.map((node) => ({ phase: "forward", node })),
    ...graph.backward.map((node) => ({ phase: "backward", node })),
    { phase: "update" },
  ];
}

export function clampCursor(graph, cursor) {
  const last = stepsOf(graph).length - 1;
  return Math.max(0, Math.min(last, Math.round(Number(cursor) || 0)));
}

/** What the graph shows at a cursor: which nodes have a value, which a gradient, the current
 * node, and whether the update has been applied to the weights. */
export function visibleAt(graph, cursor) {
  const steps = stepsOf(graph);
  const here = steps[clampCursor(graph, cursor)];
  const values = new Set();
  const grads = new Set();
  for (const n of graph.nodes) if (!graph.forward.includes(n.id)) values.add(n.id);
  for (const [i, s] of steps.entries()) {
    if (i > cursor) break;
    if (s.phase === "forward") values.add(s.node);
    if (s.phase === "backward") grads.add(s.node);
  }
  return { values, grads, current: here.node || null, phase: here.phase, updated: here.phase === "update" };
}

/** 3 significant digits, no trailing zeros beyond them, a true minus sign; "—" if not finite.
 * A list is one number per example; a list of rows (the stacked outputs) separates rows by ";". */
export function fmt(v, digits = 3) {
  if (Array.isArray(v) && v.some(Array.isArray)) return `[${v.map((r) => r.map((x) => fmt(x, digits)).join(", ")).join("; ")}]`;
  if (Array.isArray(v)) return `[${v.map((x) => fmt(x, digits)).join(", ")}]`;
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  let s;
  if (a >= 1e4 || a < 1e-3) s = v.toExponential(digits - 1).replace(/\.?0+e/, "e");
  else s = String(Number(v.toPrecision(digits)));
  return s.replace("-", "−");
}

function num(text) {
  const v = Number(text);
  return text !== null && text !== "" && Number.isFinite(v) && Math.abs(v) <= BOUND ? v : null;
}

/** State -> query string (only what differs from a fresh state of the same network). */
export function toQuery(state) {
  const q = new URLSearchParams();
  const base = defaultState(state.network);
  if (state.network !== "mlp") q.set("net", state.network);
  if (state.activation !== base.activation) q.set("act", state.activation);
  if (state.loss !== base.loss) q.set("loss", state.loss);
  if (state.lr !== base.lr) q.set("lr", String(state.lr));
  if (state.examples.map((r) => r.join(",")).join(";") !== base.examples[0].join(",")) {
    q.set("ex", state.examples.map((r) => r.join(",")).join(";"));
  }
  const names = PARAMS[state.network];
  if (names.some((k) => state.params[k] !== base.params[k])) q.set("p", names.map((k) => state.params[k]).join(","));
  if (state.axes.join() !== base.axes.join()) q.set("axes", state.axes.join(","));
  if (state.cursor) q.set("step", String(state.cursor));
  if (state.quiz) q.set("quiz", "1");
  return q.toString();
}

/** Query string -> state; anything malformed falls back to the default for that field. */
export function fromQuery(search) {
  const q = new URLSearchParams(search);
  const net = NETWORKS.includes(q.get("net")) ? q.get("net") : "mlp";
  const state = defaultState(net);
  if (["sigmoid", "tanh"].includes(q.get("act"))) state.activation = q.get("act");
  if (["mse", "bce"].includes(q.get("loss"))) state.loss = q.get("loss");
  const lr = num(q.get("lr"));
  if (lr !== null && lr > 0 && lr <= 10) state.lr = lr;
  const rows = (q.get("ex") || "").split(";").filter(Boolean).map((r) => r.split(",").map(num));
  if (rows.length >= 1 && rows.length <= MAX_BATCH && rows.every((r) => r.length === 3 && r.every((v) => v !== null))) {
    state.examples = rows;
  }
  const names = PARAMS[net];
  const p = (q.get("p") || "").split(",").map(num);
  if (p.length === names.length && p.every((v) => v !== null)) {
    state.params = Object.fromEntries(names.map((k, i) => [k, p[i]]));
  }
  const axes = (q.get("axes") || "").split(",");
  if (axes.length === 2 && axes.every((a) => names.includes(a)) && axes[0] !== axes[1]) state.axes = axes;
  const step = Number(q.get("step"));
  if (Number.isInteger(step) && step > 0) state.cursor = step;
  state.quiz = q.get("quiz") === "1";
  return state;
}

/** A number typed into the lab ("lr", "p:<param>" or "e:<row>:<column>") into the state;
 * false, and the state untouched, when it is not a number the lab takes. */
export function setNumber(state, key, raw) {
  const v = Number(raw);
  const ok = raw !== "" && Number.isFinite(v) && Math.abs(v) <= 100 && (key !== "lr" || (v > 0 && v <= 10));
  if (!ok) return false;
  if (key.startsWith("e:")) {
    const [, i, j] = key.split(":").map(Number);
    state.examples[i][j] = v;
  } else if (key === "lr") state.lr = v;
  else state.params[key.slice(2)] = v;
  return true;
}

/** More or fewer examples in the batch (1 to MAX_BATCH): new rows repeat the last one, slightly
 * moved (with the other class, for a classifier). */
export function resizeExamples(state, count) {
  const rows = state.examples;
  while (rows.length < Math.min(count, MAX_BATCH)) {
    const [a, b, y] = rows[rows.length - 1];
    rows.push([Number((a - 0.7).toFixed(2)), Number((b - 0.4).toFixed(2)), state.network === "softmax" || state.loss === "bce" ? 1 - Math.round(y) : y]);
  }
  rows.length = Math.max(1, Math.min(count, rows.length));
}
