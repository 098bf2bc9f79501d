// The learning-rate sweep of the surface, regression and network labs: the lab's racers on its
// problem, start and step budget, each distinct set-up (variant, optimizer, loss) one curve of
// final loss against the learning rate, from one vectorised run on POST /api/sweep.

import * as api from "./api.js";
import { mountSweepPanel } from "./components/sweep-panel.js";
import { downloadPng, fileStem } from "./export.js";
import { makeRacer } from "./state.js";

const $ = (sel) => document.querySelector(sel);

/** ui: the lab (t, state, hook, labels() per racer of the start message, canRun(), stem()
 * naming the saved PNG, and replaceRacers(racers) in labs that race several); message(): the
 * lab's run (surface, data and model, or network), its pacing fields, if any, left out. */
export function mountLabSweep({ t, state, hook, labels, canRun, stem, replaceRacers = null }, message) {
  let firstRacer = []; // per curve: the index of the first of state.racers with its set-up
  // One curve's set-up at each rate, each a racer of its own (with its own key).
  const onRace = (curve, lrs) => {
    const base = state.racers[firstRacer[curve]];
    if (base) replaceRacers(lrs.map((lr) => ({ ...base, ...makeRacer(base.name, { ...base.hp, lr }) })));
  };
  const sweep = mountSweepPanel($("#sweep-dialog"), {
    t,
    postSweep: api.postSweep,
    projector: () => Boolean(state.projector),
    savePng: (div) => downloadPng(div, `${fileStem(stem(), "lr-sweep")}.png`),
    onRace: replaceRacers ? onRace : null,
    canRace: (curve) => firstRacer[curve] >= 0,
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
      if (!seen.has(key)) seen.set(key, { opt, label: names[i].replace(/, lr [^,]+/, ""), index: i });
    });
    const list = [...seen.values()];
    // The start message lists the page's racers first (an MSE twin comes after them).
    const racers = replaceRacers ? state.racers : [];
    firstRacer = list.map((x) => (x.index < racers.length ? x.index : -1));
    const request = { ...rest, optimizers: list.map((x) => x.opt) };
    if (request.start === null || request.start === undefined) delete request.start;
    sweep.open({ request, labels: list.map((x) => x.label) });
  });
  return { translate: () => sweep.translate() };
}
