// The regression lab's teaching tools, mounted together: the diagnosis labels, "predict the
// next step" and the learning-rate sweep (lab-sweep.js).

import { mountLabSweep } from "./lab-sweep.js";
import { mountRegressionDiagnosis, regressionContext } from "./regression-diagnosis.js";
import { mountRegressionPredict } from "./regression-predict.js";
import { modelOf } from "./regression-state.js";

const $ = (sel) => document.querySelector(sel);

/** Sets ui.diagnosis, ui.predict and ui.onLandscape; returns the sweep. dataset(): the lab's
 * data or null; message(): the lab's start message. */
export function mountRegressionTools(ui, { catalog, dataset, message }) {
  const { t, state, hook, labels } = ui;
  ui.diagnosis = mountRegressionDiagnosis($("#diagnosis"), {
    t, hook, count: ui.mainCount, names: () => labels().slice(0, ui.mainCount()), racers: () => state.racers, enabled: () => state.diagnosis,
  });
  ui.predict = mountRegressionPredict(ui, { catalog });
  ui.onLandscape = (land, ranges) => ui.diagnosis.setContext(regressionContext(land, ranges, modelOf(state), dataset()));
  return mountLabSweep({ ...ui, stem: () => state.problem }, message);
}
