// Pure state logic for the surface lab: defaults, racer styles, and folding streamed frames
// into per-racer path updates (the link's part is in surface-url.js). No DOM access here, so
// it can be reasoned about (and tested) on its own.

import { reasonText } from "./reasons.js";

// Okabe-Ito, in DESIGN.md §7 order: one colour per racer slot.
export const PALETTE = [
  "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
];
// Marker shapes that both 2D scatter and scatter3d support, so a racer looks the same in both.
export const SYMBOLS = [
  "circle", "square", "diamond", "cross", "x", "circle-open", "square-open", "diamond-open",
];
// The same shapes as text, for the racer cards and legends outside Plotly.
export const SYMBOL_GLYPHS = ["●", "■", "◆", "✚", "✖", "○", "□", "◇"];

export const TERMINAL = new Set(["converged", "diverged", "budget", "stopped"]);

export function racerStyle(i) {
  return {
    color: PALETTE[i % PALETTE.length],
    symbol: SYMBOLS[i % SYMBOLS.length],
    glyph: SYMBOL_GLYPHS[i % SYMBOL_GLYPHS.length],
  };
}

let nextKey = 1;
/** A racer config as the page keeps it: a stable key for the DOM, the optimizer id, its
 * hyperparameter values (only the ones the user set; defaults come from the catalog). */
export function makeRacer(name, hp = {}) {
  return { key: nextKey++, name, hp: { ...hp } };
}

export const DEFAULT_RACERS = [
  ["sgd", { lr: 0.001 }],
  ["sgd", { lr: 0.001, momentum: 0.9 }],
  ["rmsprop", { lr: 0.01 }],
  ["adam", { lr: 0.05 }],
];

export function defaultState(config, functions) {
  const first = functions.find((f) => f.id === "rosenbrock") || functions[0];
  return {
    surface: first ? { function: first.id } : { expression: "x**2 + y**2" },
    start: first ? [...first.start] : [-2, 2],
    steps: Math.min(500, config.limits.max_steps),
    speed: 30,
    racers: DEFAULT_RACERS.map(([n, hp]) => makeRacer(n, hp)),
    lossLog: true,
    view: "both",
    arrows: true,
    diagnosis: true,
  };
}

/** Every hyperparameter of a racer: catalog defaults overlaid with the user's values. */
export function fullHyperparameters(racer, catalog) {
  const spec = catalog.find((o) => o.id === racer.name);
  const out = {};
  if (spec) for (const h of spec.hyperparameters) out[h.name] = h.default;
  return { ...out, ...racer.hp };
}

/** The optimizer list as the server wants it: only values that differ from the defaults. */
export function optimizerPayload(racers, catalog) {
  return racers.map((r) => {
    const spec = catalog.find((o) => o.id === r.name);
    const body = { name: r.name };
    for (const [k, v] of Object.entries(r.hp)) {
      const h = spec && spec.hyperparameters.find((x) => x.name === k);
      if (!h) continue;
      if (JSON.stringify(h.default) !== JSON.stringify(v)) body[k] = v;
    }
    if (spec && spec.hyperparameters.some((h) => h.name === "lr")) {
      body.lr = fullHyperparameters(r, catalog).lr;
    }
    return body;
  });
}

export function racerLabel(racer, catalog) {
  const spec = catalog.find((o) => o.id === racer.name);
  const name = spec ? spec.name : racer.name;
  const hp = fullHyperparameters(racer, catalog);
  let label = "lr" in hp ? `${name}, lr ${formatNumber(hp.lr)}` : name;
  if (hp.momentum) label += `, momentum ${formatNumber(hp.momentum)}`;
  if (hp.nesterov) label += ", Nesterov";
  return label;
}

export function startMessage(state, catalog) {
  return {
    type: "start",
    surface: state.surface,
    start: state.start,
    steps: state.steps,
    optimizers: optimizerPayload(state.racers, catalog),
    steps_per_second: state.speed,
  };
}

// ---------------------------------------------------------------------------------------------
// Numbers

export function formatNumber(v, digits = 4) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(Math.max(0, digits - 2)).replace("e+", "e");
  return String(Number(v.toPrecision(digits)));
}

/** Log slider position (0..1000) <-> learning rate between lo and hi. */
export function lrToSlider(lr, lo = 1e-5, hi = 10) {
  const t = (Math.log10(lr) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
  return Math.round(Math.min(1, Math.max(0, t)) * 1000);
}
export function sliderToLr(pos, lo = 1e-5, hi = 10) {
  const e = Math.log10(lo) + (pos / 1000) * (Math.log10(hi) - Math.log10(lo));
  // Two significant figures: slider values read as 0.0032, not 0.003162277.
  return Number((10 ** e).toPrecision(2));
}

export function clampHyper(h, value) {
  if (h.type === "bool") return Boolean(value);
  const one = (v) => {
    let n = Number(v);
    if (!Number.isFinite(n)) n = Array.isArray(h.default) ? h.default[0] : h.default;
    if (h.type === "int") n = Math.round(n);
    if (h.min !== null && h.min !== undefined && n < h.min) n = h.min;
    if (h.max !== null && h.max !== undefined && n > h.max) n = h.max;
    // Open bounds: nudge inside (lr > 0, momentum < 1).
    if (h.min_open && n === h.min) n = h.min + (h.log ? 1e-8 : 1e-3);
    if (h.max_open && n === h.max) n = h.max - 1e-3;
    return n;
  };
  return h.type === "pair" ? [one(value[0]), one(value[1])] : one(value);
}

// ---------------------------------------------------------------------------------------------
// Frames -> path updates

/** The i18n key of a race's status line: shared by every lab's run controls. */
export function raceStatusKey(race, dirty, connected = true) {
  if (!race) return dirty ? "" : "run.ready";
  // A lab's paused preview of its configuration has not been started by anyone: "paused" there
  // read as if a run had been interrupted.
  if (race.preview && !race.ran && !race.done && !dirty) return "run.ready";
  // A start sent while the server is out of reach waits in the stream's queue: "starting…"
  // with no end would look like a hang.
  if (race.awaiting) return connected ? "run.starting" : "run.waiting_server";
  // A run cut off by a dropped connection never finished, whatever frames were still queued.
  if (race.lost && !dirty) return "run.connection_lost";
  if (race.done) return dirty ? "run.changed" : "run.finished";
  if (dirty) return "run.changed";
  return race.playing ? "run.running" : "run.paused";
}

export function isFinitePoint(p) {
  return Array.isArray(p) && p.length === 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

export function inDomain(p, domain, margin = 0) {
  const [[x0, x1], [y0, y1]] = domain;
  const mx = (x1 - x0) * margin;
  const my = (y1 - y0) * margin;
  return p[0] >= x0 - mx && p[0] <= x1 + mx && p[1] >= y0 - my && p[1] <= y1 + my;
}

/** A fresh race record for n racers. */
export function newRace(labels) {
  return {
    step: 0,
    done: false,
    racers: labels.map((label, i) => ({
      i,
      label,
      status: "running",
      stoppedAt: null,
      reason: null,
      last: null, // the last racer entry with a finite point
      lastInView: null, // the last finite point inside the plotted domain
      losses: 0,
    })),
  };
}

/**
 * Fold a batch of frames into the race record and return what each racer's plots need:
 * per racer {steps, points, losses, grads, entries} of the finite points, plus which racers
 * changed status in this batch. The race record is updated in place (it is the page's model).
 */
export function foldFrames(race, frames, domain) {
  const add = race.racers.map(() => ({ steps: [], points: [], losses: [], grads: [] }));
  const changed = new Set();
  for (const frame of frames) {
    race.step = Math.max(race.step, frame.step);
    for (const e of frame.racers) {
      const r = race.racers[e.i];
      if (!r) continue;
      if (isFinitePoint(e.point) && !(e.status === "diverged" && !Number.isFinite(e.loss))) {
        const a = add[e.i];
        a.steps.push(frame.step);
        a.points.push(e.point);
        a.losses.push(Number.isFinite(e.loss) ? e.loss : null);
        a.grads.push(e.grad || [null, null]);
        r.last = { step: frame.step, ...e };
        if (inDomain(e.point, domain)) r.lastInView = { step: frame.step, point: e.point, loss: e.loss };
      }
      if (e.status && e.status !== r.status) {
        r.status = e.status;
        r.reason = e.reason || null;
        r.stoppedAt = TERMINAL.has(e.status) ? frame.step : null;
        changed.add(e.i);
      }
    }
  }
  return { add, changed };
}

/** Apply a `done` summary (authoritative final statuses). */
export function applyDone(race, msg) {
  race.done = true;
  const changed = new Set();
  for (const s of msg.runs || []) {
    const r = race.racers[s.i];
    if (!r) continue;
    if (r.status !== s.status || r.reason !== s.reason) changed.add(s.i);
    r.status = s.status;
    r.reason = s.reason;
    r.stoppedAt = s.stopped_at;
  }
  return changed;
}

/** Plain-words status of a racer for cards and plot labels; t is the i18n lookup. */
export function statusText(r, t) {
  if (!r) return "";
  if (r.status === "running") return t("status.running");
  const at = r.stoppedAt === null || r.stoppedAt === undefined ? "" : ` ${r.stoppedAt}`;
  const key = `status.${r.status}`;
  // The budget's reason only repeats the number; the others say why in words.
  const reason = r.reason && r.status !== "budget" ? `: ${reasonText(r.reason, t)}` : "";
  return `${t(key)}${at}${reason}`;
}

/** Length-scaled arrow end points for the gradient (−∇f) and the update at a point. */
export function arrowEnds(point, grad, update, domain, fraction = 0.1) {
  const span = Math.hypot(domain[0][1] - domain[0][0], domain[1][1] - domain[1][0]);
  const L = span * fraction;
  const dir = (v, sign) => {
    if (!v || !Number.isFinite(v[0]) || !Number.isFinite(v[1])) return null;
    const n = Math.hypot(v[0], v[1]);
    if (!(n > 0)) return null;
    return [point[0] + (sign * v[0] * L) / n, point[1] + (sign * v[1] * L) / n];
  };
  return { grad: dir(grad, -1), update: dir(update, 1) };
}
