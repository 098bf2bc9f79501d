// The regression lab's live diagnosis labels: the surface lab's rules (diagnosis-rules.js) fed
// with each racer's full-data loss and gradient over (w, b), or over a softmax model's weights,
// relative to the landscape on screen. Stochastic and mini-batch racers get "noisy" where a
// batch racer would be "oscillating".

import { Diagnoser, heavyBall } from "./components/diagnosis-rules.js";
import { mountDiagnosisPanel } from "./components/diagnosis-panel.js";
import { lossAt, solve2 } from "./regression-math.js";

const FALLBACK = { range: 1, slope: 1, curvature: 1, minValue: null };

/** The landscape numbers the rules are relative to: its value range over the box's diagonal,
 * and the exact minimum where one exists in closed form (least squares). */
export function regressionContext(land, ranges, model, dataset) {
  if (!land || !ranges || !Number.isFinite(land.zmax - land.zmin)) return FALLBACK;
  const range = land.zmax - land.zmin > 0 ? land.zmax - land.zmin : 1;
  const diag = Math.hypot(ranges[0][1] - ranges[0][0], ranges[1][1] - ranges[1][0]);
  const minValue = model === "linear" && dataset ? lossAt("linear", solve2("linear", dataset.x, dataset.y), dataset) : null;
  // Each model with its own loss is convex (least squares, logistic with BCE, softmax with
  // cross-entropy): where it is flat with a tiny gradient it is at its minimum, known or not.
  // The sigmoid trained with MSE is not, and has real plateaus.
  const convex = model !== "logistic_mse";
  return { range, slope: range / diag, curvature: range / (diag * diag), minValue: Number.isFinite(minValue) ? minValue : null, convex };
}

/** el: the #diagnosis column; count(): how many racers are diagnosed (an MSE twin is not: its
 * landscape is the other one); names(): their labels; racers(): the page's racers ({name, hp}),
 * diagnosed ones first; enabled(): the toggle's state. */
export function mountRegressionDiagnosis(el, { t, hook, count, names, enabled, racers }) {
  const panel = mountDiagnosisPanel(el, { t });
  let context = FALLBACK;
  let diagnosers = [];

  function show() {
    const labels = enabled() ? diagnosers.map((d) => d.label()) : [];
    hook.diagnosis = labels.map((l) => (l ? l.key : null));
    panel.show(labels, names());
  }

  return {
    show,
    setContext(next) {
      context = next;
    },
    newRun() {
      const configs = racers();
      diagnosers = Array.from({ length: count() }, (_, i) => new Diagnoser({ ...context, momentum: heavyBall(configs[i]) }));
      show();
    },
    clear() {
      diagnosers = [];
      show();
    },
    frames(frames) {
      for (const frame of frames) for (const e of frame.racers) if (diagnosers[e.i]) diagnosers[e.i].push(e);
    },
    done(msg) {
      for (const s of msg.runs || []) if (diagnosers[s.i]) diagnosers[s.i].status = s.status;
      show();
    },
    translate: () => panel.translate(),
  };
}
