// URL <-> state for the regression lab, so a mentor can share the whole set-up (numbers in
// full: the same link gives the same run, bit for bit). A CSV file's contents stay out of the
// link; its model and column choices go in, and apply when the same file is loaded again.
// Pure logic, no DOM access.

import { clampHyper } from "./state.js";
import { CSV_MODELS, DATA_FIELDS, makeDescentRacer, PROBLEMS, startKey, VARIANTS } from "./regression-state.js";

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
  if (state.lossEpochs) p.set("ep", "1");
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
  if (p.get("ep") === "1") state.lossEpochs = true;
  if (p.get("diag") === "0") state.diagnosis = false;
  const focus = Number(p.get("focus"));
  if (Number.isInteger(focus) && focus >= 0 && focus < 16) state.focus = focus;
  const axes = numbers(p.get("axes"));
  if (axes.length === 2 && axes.every((a) => Number.isInteger(a) && a >= 0 && a < 64) && axes[0] !== axes[1]) state.axes = axes;
  return state;
}
