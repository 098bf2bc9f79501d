// Pure diagnosis rules for one racer's recent steps (no DOM): is the learning rate too high
// (oscillating or diverging) or too small, does momentum overshoot, is the racer on a plateau, near a saddle
// point, or converged (at a minimum, or at a stationary point of a surface without one)?
//
// Curvature comes from finite differences of the gradient along the update directions: for
// consecutive steps with d = x_k - x_{k-1}, (g_k - g_{k-1}) . d / |d|^2 is the second
// derivative along d (exact on a quadratic, whatever the optimizer). Curvatures of both signs
// within the window mean the Hessian there is indefinite. (A least-squares fit of the whole
// 2x2 Hessian from the same pairs was tried and dropped: when the steps all point nearly the
// same way, as along a valley, it invents large negative curvature.)

import { reasonCode } from "../reasons.js";

export const WINDOW = 24;

// Thresholds, relative so that they mean the same on every surface. `slope` is a typical
// slope of the landscape (its value range over its diagonal).
const TINY = 1e-4; // gradient / slope: converged
const SMALL = 0.05; // gradient / slope: plateau
const SADDLE_DROP = 0.25; // gradient / the largest gradient seen: slowed down next to a saddle
const FLAT = 0.01; // loss change over the window / value range: flat
// A step's length over the 1-D Newton step along it (see stepRatio): under SHORT for a whole
// window, and never BOLD in the run, is a learning rate too small. On x² + y² plain descent's
// ratio is lr·2, so SHORT flags lr < 0.025 where 0.5 reaches the bottom in one step.
const SHORT = 0.05;
const BOLD = 0.5;

// Vectors of any length: a surface's (x, y), a regression's (w, b), a softmax model's weights.
const norm = (v) => (Array.isArray(v) && v.length > 0 && v.every(Number.isFinite) ? Math.hypot(...v) : NaN);
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
const minus = (a, b) => a.map((x, i) => x - b[i]);

/**
 * A tracker per racer: push(entry) each step ({point, loss, grad, update, status, batch}),
 * then label() -> {key, values} or null. ctx: {slope, curvature, range, minValue} of the
 * landscape. An entry with a batch (a list of example indices: stochastic or mini-batch
 * descent) marks the racer as batched, whose up-and-down is first of all batch noise.
 */
export class Diagnoser {
  constructor(ctx) {
    this.ctx = ctx;
    this.hist = [];
    this.gMax = 0;
    this.status = "running";
    this.reason = null;
    this.batched = false;
    this.rMax = 0; // the boldest step of the run, as stepRatio
  }

  push(e) {
    if (e.status) this.status = e.status;
    if (e.reason) this.reason = e.reason;
    if (Array.isArray(e.batch)) this.batched = true;
    const g = norm(e.grad);
    if (Number.isFinite(g)) this.gMax = Math.max(this.gMax, g);
    const r = this.hist.length ? stepRatio(this.hist[this.hist.length - 1], e) : NaN;
    if (Number.isFinite(r)) this.rMax = Math.max(this.rMax, r);
    this.hist.push({ point: e.point, loss: e.loss, grad: e.grad, update: e.update, g });
    if (this.hist.length > WINDOW + 1) this.hist.shift();
  }

  label() {
    const { gMax, status, reason, batched, rMax } = this;
    return diagnose(this.hist, { ...this.ctx, gMax, status, reason, batched, rMax });
  }
}

/** Second derivatives along the last steps: finite differences of the gradient along each
 * update direction, c = (g_k - g_{k-1}) . d / |d|^2 with d = x_k - x_{k-1}. */
export function curvatures(hist) {
  const out = [];
  for (let k = 1; k < hist.length; k += 1) {
    const a = hist[k - 1];
    const b = hist[k];
    if (!a.point || !b.point || !a.grad || !b.grad) continue;
    const d = minus(b.point, a.point);
    const dd = dot(d, d);
    if (!(dd > 0) || !Number.isFinite(dd)) continue;
    const c = dot(minus(b.grad, a.grad), d) / dd;
    if (Number.isFinite(c)) out.push(c);
  }
  return out;
}

/** How far one step went, as a fraction of the way to the bottom along its own direction:
 * with d = x_k - x_{k-1} and c its curvature as in curvatures(), the 1-D Newton step from
 * x_{k-1} is |g_{k-1} . d| / (c |d|), so the ratio is c |d|² / |g_{k-1} . d|. 1 lands on the
 * bottom (of a quadratic), 2 on the far side at the same height. 0 or less where the line
 * curves down (or not at all) along the step: no bottom lies ahead, so any step was short of
 * what a larger one would gain. NaN where the step is no step or not downhill. */
export function stepRatio(a, b) {
  if (!a.point || !b.point || !a.grad || !b.grad) return NaN;
  const d = minus(b.point, a.point);
  const dd = dot(d, d);
  const slope = dot(a.grad, d);
  if (!(dd > 0) || !(slope < 0)) return NaN;
  const c = dot(minus(b.grad, a.grad), d) / dd;
  const r = (c * dd) / -slope;
  return Number.isFinite(r) ? r : NaN;
}

/** The rule table. hist: recent entries, oldest first; ctx: landscapeContext() plus the
 * largest gradient norm so far (gMax), the racer's status, why it stopped (the server's reason)
 * and whether it descends on batches; ctx.convex says the loss is convex (no plateau but
 * its minimum). */
export function diagnose(hist, ctx) {
  const { status } = ctx;
  const losses = hist.map((h) => h.loss).filter(Number.isFinite);
  if (status === "diverged") {
    // f has no value there (log or sqrt of a negative number): no step size is to blame.
    const why = reasonCode(ctx.reason)?.code;
    if (why === "start_undefined" || why === "left_domain") return { key: "outside_domain" };
    const n = losses.length;
    // Falling without bound is the surface's doing (no minimum that way), not the step size's.
    if (n >= 2 && losses[n - 1] < losses[0]) return { key: "unbounded" };
    return { key: "diverging" };
  }
  if (hist.length < 4 || losses.length < 4) return status === "converged" ? { key: "converged" } : null;
  const last = hist[hist.length - 1];
  const range = ctx.range > 0 ? ctx.range : 1;
  const slope = ctx.slope > 0 ? ctx.slope : 1;
  const gRel = last.g / slope;
  const n = losses.length;
  const rises = countPairs(losses, (a, b) => b > a);
  const falls = countPairs(losses, (a, b) => b < a);

  // Diverging: the loss grows most steps and by a lot.
  const base = Number.isFinite(ctx.minValue) ? ctx.minValue : Math.min(...losses);
  const gap0 = losses[0] - base;
  const gapN = losses[n - 1] - base;
  if (rises >= 0.6 * (n - 1) && gapN > 4 * Math.max(gap0, 1e-300) && gapN > FLAT * range) return { key: "diverging" };

  const known = Number.isFinite(ctx.minValue);
  const nearMin = known && losses[n - 1] - ctx.minValue <= 1e-6 * range;
  if (status === "converged" || gRel < TINY || (nearMin && gRel < SMALL)) {
    // A vanished gradient proves a stationary point, not a minimum: on a surface with no
    // known minimum (the saddle x² − y², a typed formula) the label must not claim one.
    const key = ctx.minimaKnown === false ? "stationary" : "converged";
    return { key, values: { gap: known ? losses[n - 1] - ctx.minValue : null } };
  }

  // Oscillating: the step keeps flipping direction, or the loss goes up and down.
  const ups = hist.slice(1).map((h) => h.update).filter((u) => Number.isFinite(norm(u)) && norm(u) > 0);
  let flips = 0;
  for (let k = 1; k < ups.length; k += 1) if (dot(ups[k], ups[k - 1]) < 0) flips += 1;
  const upDown = rises >= 0.25 * (n - 1) && falls >= 0.25 * (n - 1);
  if ((ups.length >= 4 && flips >= 0.5 * (ups.length - 1)) || upDown) {
    // A stochastic or mini-batch racer zig-zags at any learning rate: each step follows its
    // own batch's gradient. Saying "learning rate too high" there would teach the wrong cause.
    // Heavy-ball momentum swings past the bottom and back at learning rates far below the
    // one plain descent would oscillate at: there the momentum is the cause to name.
    const key = ctx.batched ? "noisy" : ctx.momentum ? "momentum" : "oscillating";
    return { key, values: { flips, steps: ups.length - 1 } };
  }

  // Saddle: slowed right down, and curved upwards along some step directions and downwards
  // along others.
  // Saddle: slowed right down, curved upwards along earlier steps, and now curving downwards
  // along the latest ones (the path is being pushed off the ridge it came along).
  const cs = curvatures(hist);
  const cMax = Math.max(0, ...cs.map(Math.abs));
  const recent = cs.slice(-5);
  // Negative against both this window and the landscape's own scale of curvature, so a
  // valley floor's faint negative curvature (Rosenbrock just above its parabola) is no saddle.
  const cFloor = Math.max(0.05 * cMax, 0.02 * (ctx.curvature || 0));
  const bending = recent.length >= 3 && recent.filter((c) => c < -cFloor).length >= 3;
  const cupped = cs.some((c) => c > 0.05 * cMax);
  // Rolling off a saddle, every step goes downhill faster than the one before.
  const tail = losses.slice(-4);
  const d = tail.slice(1).map((v, k) => v - tail[k]);
  const speeding = d.every((v, k) => v < 0 && (k === 0 || v < d[k - 1]));
  if (ctx.gMax > 0 && last.g <= SADDLE_DROP * ctx.gMax && bending && cupped && speeding) return { key: "saddle" };

  // Plateau: gradient small, loss flat, yet far from the known minimum (or no minimum known).
  const maxG = Math.max(...hist.map((h) => h.g).filter(Number.isFinite));
  const flat = Math.abs(losses[0] - losses[n - 1]) <= FLAT * range;
  // "Far" is generous (a thousandth of the range): on surfaces coloured by log, the valley
  // floor is a tiny fraction of the range and still nowhere near the minimum.
  const far = !known || losses[n - 1] - ctx.minValue > 1e-3 * range;
  if (maxG / slope < SMALL && flat) {
    // A convex loss has no plateau away from its minimum: flat there means arrived, even
    // when the minimum's value is not known in closed form (logistic, softmax).
    if (ctx.convex) return { key: "converged", values: { gap: known ? losses[n - 1] - ctx.minValue : null } };
    if (far) return { key: "plateau" };
  }

  // Too small: a whole window of steps downhill, each a small fraction of the way to the
  // bottom along its direction, in a run that never stepped boldly. The run-long guard keeps
  // an ill-conditioned valley out: there the steep direction caps the learning rate, and the
  // short steps along the floor are not the rate's fault. Batched racers' steps follow their
  // batch, not this curvature.
  if (!ctx.batched && hist.length > WINDOW && falls === n - 1) {
    const rs = hist.slice(1).map((h, k) => stepRatio(hist[k], h));
    if (shortSteps(rs, ctx.rMax)) return { key: "too_small" };
  }
  return null;
}

/** The heart of "too small", shared with the network lab (whose server sends each step's
 * ratio): every step of the window (ratios, as stepRatio) went under SHORT of the way to the
 * bottom along its direction, and the run's boldest step (rMax) stayed under BOLD. A step
 * without a ratio (null or NaN: no step, or not downhill) is not a short one. */
export function shortSteps(ratios, rMax) {
  return rMax < BOLD && ratios.every((r) => Number.isFinite(r) && r < SHORT);
}

function countPairs(xs, pred) {
  let c = 0;
  for (let k = 1; k < xs.length; k += 1) if (pred(xs[k - 1], xs[k])) c += 1;
  return c;
}

/** Whether a racer descends with heavy-ball momentum (SGD with momentum > 0, Nesterov or
 * not); racer: {name, hp}. */
export function heavyBall(racer) {
  return Boolean(racer) && racer.name === "sgd" && Number(racer.hp && racer.hp.momentum) > 0;
}

/** The landscape numbers the rules are relative to, from a /api/landscape response. */
export function landscapeContext(land) {
  const [[x0, x1], [y0, y1]] = land.domain;
  const range = Number.isFinite(land.zmax - land.zmin) ? land.zmax - land.zmin : 1;
  const diag = Math.hypot(x1 - x0, y1 - y0);
  return {
    range,
    slope: range / diag,
    curvature: range / (diag * diag),
    minValue: Number.isFinite(land.info.min_value) ? land.info.min_value : null,
    minimaKnown: Array.isArray(land.info.minima) && land.info.minima.length > 0,
  };
}
