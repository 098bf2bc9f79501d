// The regression lab's landscapes: framing (w, b) around the start and the solution, or two
// chosen softmax parameters with the rest held; the MSE twin's landscape beside the model's
// own in twin mode (same box, so the two read side by side); the focus racer's mini-batch
// surface; the caption saying what is drawn.

import * as api from "./api.js";
import { solve2, viewRanges } from "./regression-math.js";
import { current } from "./regression-record.js";
import { dataSpec, LOSS_OF_MODEL, modelOf, startOf, twinOn } from "./regression-state.js";

const $ = (sel) => document.querySelector(sel);

export function wireLandscape(ui, { dataset }) {
  const { state, plots, hook, t } = ui;
  const land = { axes: [0, 1], center: null, ranges: null, heldBy: null };
  const isSoftmax = () => modelOf(state) === "softmax";
  const dim = () => (isSoftmax() ? 3 * dataset().classes : 2);

  function paramNames() {
    if (!isSoftmax()) return ["w", "b"];
    const k = dataset().classes;
    const names = [];
    for (let j = 1; j <= 2; j += 1) for (let c = 1; c <= k; c += 1) names.push(`w${j}${c}`);
    for (let c = 1; c <= k; c += 1) names.push(`b${c}`);
    return names;
  }

  function body(model, extra = {}) {
    return { data: dataSpec(state), model, center: land.center, axes: land.axes, ranges: land.ranges, ...extra };
  }

  /** Frame and fetch: (w, b) around the start and the solution; softmax around held values. */
  async function load() {
    const twin = twinOn(state);
    const data = dataset();
    if (isSoftmax()) {
      const race = ui.race;
      const c = current(race && race.record.racers[plots.focus]);
      const start = startOf(state);
      land.center = c ? [...c.point] : start ? [...start] : new Array(dim()).fill(0);
      land.heldBy = c ? race.labels[plots.focus] : null;
      land.ranges = land.axes.map((a) => [land.center[a] - 3, land.center[a] + 3]);
    } else {
      const d = dataset();
      land.ranges = viewRanges(startOf(state), solve2(modelOf(state), d.x, d.y));
      land.center = land.ranges.map(([a, b]) => (a + b) / 2);
    }
    const [main, second] = await Promise.all([
      api.getDataLandscape(body(modelOf(state), { n: 101 })),
      twin ? api.getDataLandscape(body("logistic_mse", { n: 101 })) : null,
    ]);
    // A new dataset (or a refused file) arrived while this landscape was on its way.
    if (dataset() !== data) return;
    plots.twin = twin;
    plots.setLandscape(main);
    plots.setTwinLandscape(second);
    ui.onLandscape(main, land.ranges);
    hook.landscapes += 1;
    showLayout();
    await plots.renderBase();
    plots.markDirty();
    ui.schedule();
  }

  /** One landscape, or the model's and its MSE twin's side by side, each with a title. */
  function showLayout() {
    const twin = plots.twin;
    $("#land-cell-twin").hidden = !twin;
    $("#land-title").hidden = !twin;
    $("#land-pair").classList.toggle("is-twin", twin);
    $(".plot-row").classList.toggle("is-twin", twin);
    $("#plots").classList.toggle("is-twin", twin);
    $("#land-stack").hidden = plots.view3d;
    $("#land-3d").hidden = !plots.view3d;
    $("#land-stack-twin").hidden = plots.view3d;
    $("#land-3d-twin").hidden = !plots.view3d;
    showCaption();
    requestAnimationFrame(() => plots.resize());
  }

  function showCaption() {
    const names = paramNames();
    const [a, b] = land.axes.map((i) => names[i]);
    $("#land-title").textContent = t("reg.land_title_bce");
    $("#land-title-twin").textContent = t("reg.land_title_mse");
    let text;
    if (isSoftmax()) {
      text = land.heldBy ? t("reg.caption_held_racer", { a, b, who: land.heldBy }) : t("reg.caption_held_zero", { a, b });
    } else if (plots.twin) {
      text = t("reg.caption_twin");
    } else {
      text = t("reg.caption_full", { loss: t(`reg.loss_${LOSS_OF_MODEL[modelOf(state)]}`) });
    }
    $("#land-caption").textContent = `${text} · ${t("reg.click_start")}`;
  }

  let batchTimer = 0;
  let batchBusy = false;
  /** The batch surface of a racer that steps on all the data is the full landscape: with one
   * followed, the box says which racers have a surface of their own instead of doing nothing. */
  function noteBatch() {
    const racer = state.racers[plots.focus];
    $("#batch-surface-note").hidden = !(plots.showBatch && racer && racer.variant === "batch");
  }

  /** The focus racer's current mini-batch surface, at most twice a second. */
  async function refreshBatch(force = false) {
    if (force) batchTimer = 0;
    if (!plots.showBatch || batchBusy || !ui.race) return;
    const r = ui.race.record.racers[plots.focus];
    if (!r || !Array.isArray(r.batch)) return;
    const now = performance.now();
    if (now - batchTimer < 500) return;
    batchTimer = now;
    batchBusy = true;
    try {
      const model = ui.lossOf(plots.focus) === "mse" && plots.twin ? "logistic_mse" : modelOf(state);
      plots.setBatchLandscape(await api.getDataLandscape(body(model, { n: 41, batch: r.batch })));
      await plots.renderBatch();
    } catch (err) {
      hook.errors.push(err.message);
    } finally {
      batchBusy = false;
    }
  }

  /** Softmax: which two parameters to draw (the link's choice when it names valid ones). */
  function setupAxes() {
    $("#axes-pick").hidden = !isSoftmax();
    $("#regions-field").hidden = false;
    if (!isSoftmax()) {
      land.axes = [0, 1];
      return;
    }
    const names = paramNames();
    const k = dataset().classes;
    const wanted = state.axes;
    land.axes = wanted && wanted.every((a) => a < names.length) ? [...wanted] : [0, 2 * k];
    for (const [sel, j] of [[$("#axis-a"), 0], [$("#axis-b"), 1]]) {
      sel.replaceChildren(...names.map((n, i) => new Option(n, String(i), false, i === land.axes[j])));
    }
  }

  function chooseAxes(a, b) {
    land.axes = [a, a === b ? (a + 1) % dim() : b];
    state.axes = isSoftmax() ? [...land.axes] : null;
    return load();
  }

  /** The start a click on the landscape means: (w, b), or the shown slice's softmax point. */
  function startFromPick(axes, values) {
    if (!isSoftmax()) return values;
    const start = land.center ? [...land.center] : new Array(dim()).fill(0);
    start[axes[0]] = values[0];
    start[axes[1]] = values[1];
    return start;
  }

  return { land, load, showLayout, showCaption, refreshBatch, noteBatch, setupAxes, chooseAxes, startFromPick, paramNames };
}
