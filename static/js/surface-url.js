// The surface lab's whole set-up <-> a URL query, so a mentor can share a set-up as a link and
// opening it reproduces the run bit for bit. Pure: no DOM access.

import { clampHyper, makeRacer } from "./state.js";

// Numbers travel as String(v), the shortest text that parses back to the same double, so a
// shared link reproduces the run bit for bit.
const num = (v) => String(v);
const VIEWS = ["contour", "surface", "both"];

export function encodeState(state) {
  const p = new URLSearchParams();
  if (state.surface.function) p.set("f", state.surface.function);
  else p.set("expr", state.surface.expression);
  p.set("start", state.start.map(num).join(","));
  p.set("steps", String(state.steps));
  p.set("sps", num(state.speed));
  p.set(
    "opt",
    state.racers
      .map((r) => [r.name, ...Object.entries(r.hp).map(([k, v]) => `${k}=${[].concat(v).map(num).join("/")}`)].join(":"))
      .join(";"),
  );
  p.set("view", state.view || "both");
  p.set("log", state.lossLog ? "1" : "0");
  p.set("arrows", state.arrows === false ? "0" : "1");
  p.set("diag", state.diagnosis === false ? "0" : "1");
  // Readable links: these characters mean nothing special inside a query value (only & and +
  // do, and they stay escaped), so "opt=sgd:lr=0.01" survives any copy and paste.
  return p.toString().replace(/%(3A|2C|2F|3B|3D)/g, (m) => decodeURIComponent(m));
}

/** The part of a state that a link carries, comparable with JSON.stringify (no DOM keys). */
export function shareable(state) {
  return {
    surface: state.surface,
    start: state.start,
    steps: state.steps,
    speed: state.speed,
    racers: state.racers.map((r) => ({ name: r.name, hp: r.hp })),
    view: state.view || "both",
    lossLog: Boolean(state.lossLog),
    arrows: state.arrows !== false,
    diagnosis: state.diagnosis !== false,
  };
}

export function decodeState(search, base, functions, catalog, limits) {
  const p = new URLSearchParams(search);
  const state = { view: "both", arrows: true, diagnosis: true, ...base, racers: base.racers };
  if (p.has("f") && functions.some((f) => f.id === p.get("f"))) {
    const f = functions.find((x) => x.id === p.get("f"));
    state.surface = { function: f.id };
    state.start = [...f.start];
  } else if (p.get("expr")) {
    state.surface = { expression: p.get("expr").slice(0, limits.max_expression_chars) };
    state.start = [-2, 2];
  }
  const start = (p.get("start") || "").split(",").map(Number);
  // Within the server's bound (±1e6), or every Play of the link would be refused.
  if (start.length === 2 && start.every((v) => Number.isFinite(v) && Math.abs(v) <= 1e6)) state.start = start;
  const steps = Number(p.get("steps"));
  if (Number.isInteger(steps) && steps >= 1) state.steps = Math.min(steps, limits.max_steps);
  const sps = Number(p.get("sps"));
  if (Number.isFinite(sps) && sps > 0) state.speed = Math.min(sps, limits.max_steps_per_second);
  if (VIEWS.includes(p.get("view"))) state.view = p.get("view");
  const flag = (key, field) => {
    if (p.get(key) === "1" || p.get(key) === "0") state[field] = p.get(key) === "1";
  };
  flag("log", "lossLog");
  flag("arrows", "arrows");
  flag("diag", "diagnosis");
  if (p.get("opt")) {
    const racers = [];
    for (const part of p.get("opt").split(";").slice(0, limits.max_optimizers)) {
      const [name, ...kvs] = part.split(":");
      const spec = catalog.find((o) => o.id === name);
      if (!spec) continue;
      const hp = {};
      for (const kv of kvs) {
        const [k, v] = kv.split("=");
        const h = spec.hyperparameters.find((x) => x.name === k);
        if (!h || v === undefined) continue;
        if (h.type === "bool") hp[k] = v === "true";
        else if (h.type === "pair") hp[k] = clampHyper(h, v.split("/"));
        else hp[k] = clampHyper(h, v);
      }
      racers.push(makeRacer(name, hp));
    }
    if (racers.length) state.racers = racers;
  }
  return state;
}
