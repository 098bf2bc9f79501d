// The surface lab's plots as a run streams in: each batch of frames appended to the plot
// model (ingestFrames), then drawn with one extendTraces per plot at each plot's own pace
// (flushPlots). Plotly's extendTraces recalculates its whole plot, so the heavy contour lives
// on a plot of its own and the 3D scene and loss chart are drawn less often than the map.

import { BASE_CONFIG, onScreen } from "./plots-common.js";
import { rangeOf, retickLoss } from "./plots-loss.js";
import { arrowEnds, inDomain, TERMINAL } from "./state.js";

const Plotly = () => window.Plotly;

// Trace layout of the overlay and the 3D scene (plots.js draws them in this order).
export const PER_RACER_2D = 5; // path, head, gradient arrow, update arrow, divergence marker
export const FIXED_2D = 2; // minima, start
export const PER_RACER_3D = 2; // path, head
export const FIXED_3D = 3; // surface, minima, start

/** Append each racer's new points (from foldFrames) to the plot model. */
export function ingestFrames(view, add, race) {
  if (!view.land) return;
  const domain = view.land.domain;
  add.forEach((a, i) => {
    const r = view.racers[i];
    if (!r) return;
    const rr = race.racers[i];
    if (rr.status !== r.status) view.statusChanged = true;
    r.status = rr.status;
    r.reason = rr.reason;
    r.stoppedAt = rr.stoppedAt;
    r.lastInView = rr.lastInView;
    for (let k = 0; k < a.points.length; k += 1) {
      const p = a.points[k];
      const g = a.grads[k] || [null, null];
      r.xs.push(p[0]);
      r.ys.push(p[1]);
      if (inDomain(p, domain)) r.lastInViewIndex = r.xs.length - 1;
      r.custom.push([a.steps[k], a.losses[k], g[0], g[1]]);
      r.steps.push(a.steps[k]);
      r.losses.push(a.losses[k]);
      const z = view.z3(a.losses[k]);
      if (inDomain(p, domain) && z !== null) {
        r.x3.push(p[0]);
        r.y3.push(p[1]);
        r.z3.push(Math.min(z, view.land.zhi));
        r.out3 = false;
      } else if (!r.out3) {
        // Leaving the box breaks the 3D line instead of stretching the scene.
        r.x3.push(null);
        r.y3.push(null);
        r.z3.push(null);
        r.out3 = true;
      }
    }
    if (a.points.length) {
      const k = a.points.length - 1;
      r.head = {
        step: a.steps[k],
        point: a.points[k],
        loss: a.losses[k],
        grad: a.grads[k],
        update: rr.last ? rr.last.update : null,
      };
    }
  });
}

/**
 * Bring the plots up to the model with one extendTraces per plot. Plotly's extendTraces
 * recalculates its whole plot, so each plot has its own minimum interval: the contour
 * overlay follows every animation frame, the 3D scene and the loss chart a little less
 * often. Returns true while something is still waiting to be drawn.
 */
export function flushPlots(view, now) {
  if (!view.land || !view.ready || view.busy) return true;
  if (view.statusChanged) {
    // Rare (a racer stopped): redraw the light plots from the model, labels and all.
    view.statusChanged = false;
    view.redrawLight();
    view.framesDrawn += 1;
    return false;
  }
  let waiting = false;
  // A race's first flush draws one plot: the contour, or the 3D scene when it is alone on
  // screen. The others follow on the next animation frames: WebGL's first draw of the paths
  // (shaders, then the whole scene) and the loss chart's first full draw held the first
  // visible step back by about 150 ms with software GL.
  const first = view.framesDrawn === 0 ? (onScreen(view.divs.overlay) ? "overlay" : "surface") : null;
  const due = (key) => {
    const behind = view.racers.some((r) => r.drawn[key] < (key === "surface" ? r.x3.length : r.xs.length));
    if (!behind) return false;
    if (first && key !== first) {
      waiting = true;
      return false;
    }
    if (now - (view.lastFlush[key] || 0) < view.interval[key]) {
      waiting = true;
      return false;
    }
    view.lastFlush[key] = now;
    return true;
  };
  const P = Plotly();
  if (due("overlay")) flushOverlay(view, P);
  if (due("surface")) flushSurface(view, P);
  if (due("loss")) flushLoss(view, P);
  view.framesDrawn += 1;
  return waiting;
}

function flushOverlay(view, P) {
  const domain = view.land.domain;
  const upd = { x: [], y: [], customdata: [] };
  const idx = [];
  const max = [];
  const push = (i, x, y, cd, m) => {
    upd.x.push(x);
    upd.y.push(y);
    upd.customdata.push(cd);
    idx.push(i);
    max.push(m);
  };
  view.racers.forEach((r, i) => {
    const from = r.drawn.overlay;
    if (from >= r.xs.length || !r.head) return;
    r.drawn.overlay = r.xs.length;
    const base = FIXED_2D + i * PER_RACER_2D;
    push(base, r.xs.slice(from), r.ys.slice(from), r.custom.slice(from), -1);
    const head = r.status === "diverged" ? r.lastInView : r.head;
    if (head) push(base + 1, [head.point[0]], [head.point[1]], [[head.step, head.loss, ...(head.grad || [null, null])]], 1);
    const arrows = TERMINAL.has(r.status) || !view.showArrows
      ? { grad: null, update: null }
      : arrowEnds(r.head.point, r.head.grad, r.head.update, domain);
    for (const [j, end] of [[2, arrows.grad], [3, arrows.update]]) {
      // An arrow is two points [tail, tip]; extending by two with maxPoints 2 replaces it.
      // A missing arrow collapses onto the head, which draws nothing visible.
      const tip = end || r.head.point;
      push(base + j, [r.head.point[0], tip[0]], [r.head.point[1], tip[1]], [null, null], 2);
    }
  });
  if (idx.length) P.extendTraces(view.divs.overlay, upd, idx, { x: max, y: max, customdata: max });
}

function flushSurface(view, P) {
  const domain = view.land.domain;
  const upd = { x: [], y: [], z: [] };
  const idx = [];
  const max = [];
  view.racers.forEach((r, i) => {
    const from = r.drawn.surface;
    if (from >= r.x3.length) return;
    r.drawn.surface = r.x3.length;
    const b3 = FIXED_3D + i * PER_RACER_3D;
    upd.x.push(r.x3.slice(from));
    upd.y.push(r.y3.slice(from));
    upd.z.push(r.z3.slice(from));
    idx.push(b3);
    max.push(-1);
    const head = r.status === "diverged" ? r.lastInView : r.head;
    const z = head ? view.z3(head.loss) : null;
    if (head && inDomain(head.point, domain) && z !== null) {
      upd.x.push([head.point[0]]);
      upd.y.push([head.point[1]]);
      upd.z.push([Math.min(z, view.land.zhi)]);
      idx.push(b3 + 1);
      max.push(1);
    }
  });
  if (!idx.length) return;
  const t0 = performance.now();
  P.extendTraces(view.divs.surface, upd, idx, { x: max, y: max, z: max });
  // Any update of a WebGL scene re-renders it (about 90 ms with software GL, a few ms on a
  // GPU). Measure until the next animation frame and keep the scene to about a fifth of the
  // main thread, so the contour and the loss chart stay smooth either way.
  requestAnimationFrame(() => {
    const cost = performance.now() - t0;
    view.cost3d = view.cost3d ? 0.7 * view.cost3d + 0.3 * cost : cost;
    view.interval.surface = Math.min(1000, Math.max(60, 4 * view.cost3d));
  });
}

function flushLoss(view, P) {
  if (view.lossEmpty) {
    // The first points replace the "press Play" note: one full draw.
    view.lossEmpty = false;
    for (const r of view.racers) r.drawn.loss = r.xs.length;
    const lf = view.lossFigure();
    view.lossSeen = rangeOf(lf.data);
    P.react(view.divs.loss, lf.data, lf.layout, BASE_CONFIG);
    return;
  }
  const upd = { x: [], y: [], customdata: [] };
  const idx = [];
  view.racers.forEach((r, i) => {
    const from = r.drawn.loss;
    if (from >= r.steps.length) return;
    r.drawn.loss = r.steps.length;
    upd.x.push(r.steps.slice(from));
    upd.y.push(r.losses.slice(from).map((v) => view.lossValue(v)));
    upd.customdata.push(r.losses.slice(from));
    idx.push(i);
  });
  if (idx.length) {
    P.extendTraces(view.divs.loss, upd, idx);
    retickLoss(view, P, upd.y);
  }
}

