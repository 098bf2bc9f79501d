// The learning-rate sweep of the surface, regression and network labs: the lab's racers on its
// problem, start and step budget, each distinct set-up (variant, optimizer, loss) one curve of
// final loss against the learning rate, from one vectorised run on POST /api/sweep.

import * as api from "./api.js";
import { mountSweepPanel } from "./components/sweep-panel.js";
import { downloadPng, fileStem } from "./export.js";

const $ = (sel) => document.querySelector(sel);

/** ui: the lab (t, state, hook, labels() per racer of the start message, canRun(), stem()
 * naming the saved PNG); message(): the lab's run (surface, data and model, or network), its
 * pacing fields, if any, left out. */
export function mountLabSweep({ t, state, hook, labels, canRun, stem }, message) {
  const sweep = mountSweepPanel($("#sweep-dialog"), {
    t,
    postSweep: api.postSweep,
    projector: () => Boolean(state.projector),
    savePng: (div) => downloadPng(div, `${fileStem(stem(), "lr-sweep")}.png`),
  });
  hook.sweep = sweep;
  $("#sweep-button").addEventListener("click", () => {
    if (!canRun()) return;
    // The start message without its pacing: the problem, the start and the step budget.
    const { type, steps_per_second: sps, paused, optimizers, ...rest } = message();
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
    const request = { ...rest, optimizers: list.map((x) => x.opt) };
    if (request.start === null || request.start === undefined) delete request.start;
    sweep.open({ request, labels: list.map((x) => x.label) });
  });
  return { translate: () => sweep.translate() };
}
