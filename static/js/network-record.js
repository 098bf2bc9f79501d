// The network lab's record of one training run: streamed frames folded into curves, norms,
// the latest heatmap and a thinned parameter trajectory; the landscape requests built from it;
// weight matrices read out of the flat parameter vector. Pure logic, no DOM access.

import { networkSpec } from "./network-state.js";
import { decodeTyped } from "./plots.js";

export const TRAJECTORY_KEEP = 600; // thinned history of parameters, for the landscape's path
export const TRAJECTORY_SEND = 300; // the contract's most trajectory points per request
export const HEAT_KEEP = 120; // heatmaps kept for the animated export (thinned as a run grows)

export function newRecord(problem) {
  const layers = problem ? layerCount(problem) : 0;
  return {
    step: 0, done: false, status: "running", reason: null, stoppedAt: null,
    steps: [], loss: [], trainLoss: [], testLoss: [], trainAcc: [], testAcc: [],
    batchSteps: [], batchLoss: [],
    wNorms: Array.from({ length: layers }, () => []), gNorms: Array.from({ length: layers }, () => []),
    point: null, heatmap: null, heatmaps: 0, heatHistory: [], epoch: 0, iteration: 0, skipped: 0,
    trajectory: { steps: [], points: [], stride: 1 },
  };
}

export function layerCount(problem) {
  return problem.layers.reduce((m, l) => Math.max(m, l.layer), 0);
}

const finiteOrNull = (v) => (Number.isFinite(v) ? v : null);

function keepTrajectory(tr, step, point) {
  if (step % tr.stride !== 0) return;
  tr.steps.push(step);
  tr.points.push(point);
  if (tr.points.length > TRAJECTORY_KEEP) {
    // Halve the history (every other point) and accept half as many new ones from now on.
    tr.stride *= 2;
    const keep = (_, k) => tr.steps[k] % tr.stride === 0;
    tr.points = tr.points.filter(keep);
    tr.steps = tr.steps.filter((s) => s % tr.stride === 0);
  }
}

/** Keep a heatmap for the export; past HEAT_KEEP, every other one goes (first and last stay). */
function keepHeatmap(history, heat) {
  history.push(heat);
  if (history.length > HEAT_KEEP) {
    const last = history.length - 1;
    const kept = history.filter((_, k) => k % 2 === 0 || k === last);
    history.splice(0, history.length, ...kept);
  }
}

/** Fold frames into the record in place; returns true when a new heatmap arrived. */
export function foldFrames(record, frames) {
  let heat = false;
  for (const frame of frames) {
    record.step = Math.max(record.step, frame.step);
    const e = frame.racers && frame.racers[0];
    if (!e) continue;
    const finite = Array.isArray(e.point) && e.point.every(Number.isFinite);
    if (finite) {
      record.point = e.point;
      keepTrajectory(record.trajectory, frame.step, e.point);
    }
    record.steps.push(frame.step);
    record.loss.push(finiteOrNull(e.loss));
    record.trainLoss.push(finiteOrNull(e.train_loss));
    record.testLoss.push(finiteOrNull(e.test_loss));
    record.trainAcc.push(finiteOrNull(e.train_acc));
    record.testAcc.push(finiteOrNull(e.test_acc));
    if (Number.isFinite(e.batch_loss)) {
      record.batchSteps.push(frame.step);
      record.batchLoss.push(e.batch_loss);
    }
    // One entry per step in every layer (null when a frame has none, as after divergence),
    // so norms line up with record.steps for the curves and the CSV.
    const { weight = [], grad = [] } = e.layer_norms || {};
    record.wNorms.forEach((ys, l) => ys.push(finiteOrNull(weight[l])));
    record.gNorms.forEach((ys, l) => ys.push(finiteOrNull(grad[l])));
    if (e.heatmap) {
      const z = decodeTyped(e.heatmap);
      const shape = e.heatmap.shape || [Math.sqrt(z.length), Math.sqrt(z.length)];
      record.heatmap = { z, shape, step: frame.step };
      record.heatmaps += 1;
      keepHeatmap(record.heatHistory, record.heatmap);
      heat = true;
    }
    if (Number.isInteger(e.epoch)) record.epoch = e.epoch;
    if (Number.isInteger(e.iteration)) record.iteration = e.iteration;
    if (e.status && e.status !== record.status) {
      record.status = e.status;
      record.reason = e.reason || null;
      record.stoppedAt = e.status === "running" ? null : frame.step;
    }
  }
  return heat;
}

export function applyDone(record, msg) {
  record.done = true;
  const s = (msg.runs || [])[0];
  if (s) {
    record.status = s.status;
    record.reason = s.reason;
    record.stoppedAt = s.stopped_at;
  }
}

// Request bodies are capped by the server (about 1 MB): a wide network sends fewer points.
export const LANDSCAPE_BODY_BUDGET = 800_000;
const CHARS_PER_NUMBER = 11; // six significant digits, a sign, an exponent now and then, a comma

/** Evenly spaced trajectory points, always ending at the current point: at most `limit`, and
 * few enough that the request fits the body budget. Path points travel with six significant
 * digits (plenty for a drawing); the centre keeps full precision. */
export function trajectoryForRequest(record, limit = TRAJECTORY_SEND) {
  const pts = record.trajectory.points.slice();
  const last = record.point;
  if (last && pts[pts.length - 1] !== last) pts.push(last);
  const dim = last ? last.length : 1;
  const cap = Math.max(2, Math.min(limit, Math.floor(LANDSCAPE_BODY_BUDGET / (dim * CHARS_PER_NUMBER)) - 1));
  let out = pts;
  if (pts.length > cap) {
    out = [];
    for (let i = 0; i < cap - 1; i += 1) out.push(pts[Math.floor((i * (pts.length - 1)) / (cap - 1))]);
    out.push(pts[pts.length - 1]);
  }
  return out.map((p) => p.map((v) => Number(v.toPrecision(6))));
}

/** Row bands [start, stop) that split an n-row landscape grid into `parts` requests. */
export function landscapeBands(n, parts = 5) {
  const out = [];
  for (let k = 0; k < parts; k += 1) {
    const a = Math.round((k * n) / parts);
    const b = Math.round(((k + 1) * n) / parts);
    if (b > a) out.push([a, b]);
  }
  return out;
}

export function landscapeBody(state, record, { n = 51, span = 1.0, rows = null } = {}) {
  return {
    network: networkSpec(state),
    center: record.point,
    trajectory: trajectoryForRequest(record),
    directions: state.directions,
    n, span, rows, direction_seed: 0,
  };
}

/** Weight matrix of layer l (1-based) from the flat parameters: rows = inputs, cols = units. */
export function weightsOf(problem, point, l) {
  const spec = problem.layers.find((x) => x.kind === "weight" && x.layer === l);
  if (!spec || !point) return null;
  const [rows, cols] = spec.shape;
  const out = [];
  for (let i = 0; i < rows; i += 1) out.push(point.slice(spec.offset + i * cols, spec.offset + (i + 1) * cols));
  return out;
}

export function biasesOf(problem, point, l) {
  const spec = problem.layers.find((x) => x.kind === "bias" && x.layer === l);
  if (!spec || !point) return null;
  return point.slice(spec.offset, spec.offset + spec.shape[0]);
}
