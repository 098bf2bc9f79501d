// The regression lab's teaching tools: the learning-rate sweep (the racers on the lab's data,
// model, start and step budget, each distinct set-up — variant, optimizer, loss — one curve of
// final full-data loss against the learning rate, from one vectorised run on POST /api/sweep),
// and the mounting of the diagnosis labels and "predict the next step" beside it.

import * as api from "./api.js";
import { mountSweepPanel } from "./components/sweep-panel.js";
import { downloadPng, fileStem } from "./export.js";
import { mountRegressionDiagnosis, regressionContext } from "./regression-diagnosis.js";
import { mountRegressionPredict } from "./regression-predict.js";
import { modelOf } from "./regression-state.js";

const $ = (sel) => document.querySelector(sel);

/** ui: the lab (t, state, hook, labels() per racer of the start message, canRun());
 * message(): the lab's start message. */
export function mountRegressionSweep({ t, state, hook, labels, canRun }, message) {
  const sweep = mountSweepPanel($("#sweep-dialog"), {
    t,
    postSweep: api.postSweep,
    projector: () => Boolean(state.projector),
    savePng: (div) => downloadPng(div, `${fileStem(state.problem, "lr-sweep")}.png`),
  });
  hook.sweep = sweep;
  $("#sweep-button").addEventListener("click", () => {
    if (!canRun()) return;
    const { data, model, start, steps, optimizers } = message();
    const names = labels();
    // One curve per distinct set-up; its own lr is what the sweep varies.
    const seen = new Map();
    optimizers.forEach((o, i) => {
      const opt = { ...o };
      delete opt.lr;
      const key = JSON.stringify(opt);
      // "Mini-batch k=8 · SGD, lr 0.05" -> "Mini-batch k=8 · SGD": the lr is the x axis now.
      if (!seen.has(key)) seen.set(key, { opt, label: names[i].replace(/, lr [^,]+/, "") });
    });
    const list = [...seen.values()];
    const request = { data, model, steps, optimizers: list.map((x) => x.opt) };
    if (start) request.start = start;
    sweep.open({ request, labels: list.map((x) => x.label) });
  });
  return { translate: () => sweep.translate() };
}

/** Sets ui.diagnosis, ui.predict and ui.onLandscape; returns the sweep. dataset(): the lab's
 * data or null; message(): the lab's start message. */
export function mountRegressionTools(ui, { catalog, dataset, message }) {
  const { t, state, hook, labels } = ui;
  ui.diagnosis = mountRegressionDiagnosis($("#diagnosis"), {
    t, hook, count: ui.mainCount, names: () => labels().slice(0, ui.mainCount()), enabled: () => state.diagnosis,
  });
  ui.predict = mountRegressionPredict(ui, { catalog });
  ui.onLandscape = (land, ranges) => ui.diagnosis.setContext(regressionContext(land, ranges, modelOf(state), dataset()));
  return mountRegressionSweep(ui, message);
}
