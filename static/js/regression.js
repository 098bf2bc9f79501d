// Entry for the regression lab: the data, the racers (Gradient Descent variants), the race
// over the shared /ws/runs stream, and the Data, Landscape and Loss views.

import * as api from "./api.js";
import { applyTranslations, loadLanguage, preferredLanguage, t } from "./i18n.js";
import { plotlyReady } from "./plots.js";
import { RegressionPlots } from "./plots-regression.js";
import {
  current, dataSpec, defaultState, lossAt, descentLabel, fitRows, LOSS_OF_MODEL, makeDescentRacer, modelOf, solve2,
  startMessage, startOf, viewRanges,
} from "./regression-state.js";
import { RaceStream } from "./stream.js";
import { mountDataPanel } from "./components/data-panel.js";
import { descentFields } from "./components/descent-fields.js";
import { mountFormulaView } from "./components/formula-view.js";
import { mountOptimizerList } from "./components/optimizer-list.js";
import { mountRaceLegend } from "./components/race-legend.js";
import { mountRunControls } from "./components/run-controls.js";
import {
  mountControlsToggle,
  mountLanguageToggle,
  mountProjectorToggle,
  mountViewToggle,
  followPlotSizes,
  wireFrameToggles,
} from "./components/topbar.js";
import { wireRace } from "./regression-race.js";

const $ = (sel) => document.querySelector(sel);
const config = JSON.parse($("#config").textContent);
// A start message must fit the socket's message limit (the server's max_ws_message_bytes,
// 256 KB by default, room for 5,000 rows): rows beyond this budget are thinned evenly (and the
// page says so), so a server configured with a small limit still runs.
const MESSAGE_BUDGET = (config.limits.max_ws_message_bytes || 16_384) - 2_048;

const hook = { config, state: null, race: null, plotsReady: false, step: 0, errors: [], plots: null, landscapes: 0 };
window.__lereng = hook;

function showMessage(text) {
  const el = $("#page-message");
  el.textContent = text || "";
  el.hidden = !text;
}

async function boot() {
  const lang = await loadLanguage(preferredLanguage(), config.version);
  applyTranslations();
  if (!plotlyReady()) return showMessage(t("error.no_plotly"));
  showMessage(t("page.loading"));
  let catalog;
  try {
    catalog = await api.getOptimizers();
  } catch (err) {
    hook.errors.push(err.message);
    return showMessage(t("error.server", { message: err.message }));
  }
  const limits = config.limits;
  const state = defaultState(config);
  state.projector = localStorage.getItem("lereng.projector") === "1";
  hook.state = state;
  let dataset = null; // the server's dataset: {kind, n, x, y, classes, x_names, y_name}

  const languageToggle = mountLanguageToggle($("#language-toggle"));
  const projectorToggle = mountProjectorToggle($("#projector-toggle"));
  const controlsToggle = mountControlsToggle($("#controls-toggle"));
  const viewToggle = mountViewToggle($("#view-toggle"));
  const panel = mountDataPanel($("#data-panel"), { t, maxRows: 5000 });
  const optimizers = mountOptimizerList($("#optimizer-list"), {
    catalog, limits, t,
    newRacer: () => makeDescentRacer("minibatch", "adam", { lr: 0.05 }, 16),
    extraRows: descentFields(t, () => (dataset ? dataset.n : 5000)),
  });
  const run = mountRunControls($("#run-controls"), { limits, t });
  const legend = mountRaceLegend($("#race-legend"), { t });
  const formula = mountFormulaView($("#formula-view"), { t });
  const plots = new RegressionPlots({
    data: $("#data-plot"), landBase: $("#land-base"), landBatch: $("#land-batch"), land: $("#land-plot"),
    land3d: $("#land-3d"), loss: $("#loss-plot"),
  }, { t });
  hook.plots = plots;
  plots.projector = state.projector;
  document.body.classList.toggle("projector", state.projector);
  languageToggle.show(lang);
  projectorToggle.show(state.projector);
  viewToggle.show("data");
  $("#loss-log").checked = state.lossLog;
  optimizers.show(state.racers);
  run.showSpeed(state.speed);
  run.showSteps(state.steps);

  const labels = () => state.racers.map((r) => descentLabel(r, catalog, t));
  const ui = { state, plots, legend, run, formula, labels, hook, catalog, showMessage, t, startOf: () => startOf(state), afterFrames: () => {}, canRun: () => dataset !== null };

  // ---- the landscape ---------------------------------------------------------------------------
  const land = { axes: [0, 1], center: null, ranges: null, heldBy: null };
  const isSoftmax = () => modelOf(state) === "softmax";
  const dim = () => (isSoftmax() ? 3 * dataset.classes : 2);
  const paramNames = () => {
    if (!isSoftmax()) return ["w", "b"];
    const k = dataset.classes;
    const names = [];
    for (let j = 1; j <= 2; j += 1) for (let c = 1; c <= k; c += 1) names.push(`w${j}${c}`);
    for (let c = 1; c <= k; c += 1) names.push(`b${c}`);
    return names;
  };

  function landscapeBody(extra = {}) {
    return { data: dataSpec(state), model: modelOf(state), center: land.center, axes: land.axes, ranges: land.ranges, ...extra };
  }

  /** Frame the landscape: (w, b) around the start and the solution; softmax around held values. */
  async function loadLandscape() {
    if (isSoftmax()) {
      const race = ui.race;
      const focus = plots.focus;
      const r = race && race.record.racers[focus];
      const c = current(r);
      land.center = c ? [...c.point] : new Array(dim()).fill(0);
      land.heldBy = c ? race.labels[focus] : null;
      land.ranges = land.axes.map((a) => [land.center[a] - 3, land.center[a] + 3]);
    } else {
      const start = startOf(state);
      const xs = dataset.x;
      const solution = solve2(modelOf(state), xs, dataset.y);
      land.ranges = viewRanges(start, solution);
      land.center = land.ranges.map(([a, b]) => (a + b) / 2);
    }
    const resp = await api.getDataLandscape(landscapeBody({ n: 101 }));
    plots.setLandscape(resp);
    hook.landscapes += 1;
    showCaption();
    await plots.renderBase();
    plots.markDirty();
    ui.schedule();
  }

  function showCaption() {
    const names = paramNames();
    const [a, b] = land.axes.map((i) => names[i]);
    $("#land-caption").textContent = isSoftmax()
      ? land.heldBy
        ? t("reg.caption_held_racer", { a, b, who: land.heldBy })
        : t("reg.caption_held_zero", { a, b })
      : t("reg.caption_full", { loss: t(`reg.loss_${LOSS_OF_MODEL[modelOf(state)]}`) });
  }

  let batchTimer = 0;
  let batchBusy = false;
  /** The focus racer's current mini-batch surface, at most twice a second. */
  async function refreshBatchSurface() {
    if (!plots.showBatch || batchBusy || !ui.race) return;
    const r = ui.race.record.racers[plots.focus];
    if (!r || !Array.isArray(r.batch)) return;
    const now = performance.now();
    if (now - batchTimer < 500) return;
    batchTimer = now;
    batchBusy = true;
    try {
      plots.setBatchLandscape(await api.getDataLandscape(landscapeBody({ n: 41, batch: r.batch })));
      await plots.renderBatch();
    } catch (err) {
      hook.errors.push(err.message);
    } finally {
      batchBusy = false;
    }
  }
  ui.afterFrames = refreshBatchSurface;

  // ---- problems --------------------------------------------------------------------------------
  async function loadProblem() {
    showMessage(t("page.loading"));
    await ui.clearRace();
    try {
      if (state.problem === "csv") {
        if (!state.csv) {
          dataset = null;
          plots.clear();
          hook.plotsReady = true;
          hook.loaded = "csv-empty";
          showMessage(t("reg.csv_choose"));
          panel.show(state.problem, null, null);
          return;
        }
        const { table, xcol, ycol, model, columns } = state.csv;
        dataset = {
          kind: model === "linear" ? "regression" : "binary", n: table.length, classes: 0,
          x: table.map((row) => row[xcol]), y: table.map((row) => row[ycol]),
          x_names: [columns[xcol]], y_name: columns[ycol],
        };
      } else {
        dataset = await api.getDataset({ data: state.data[state.problem], model: modelOf(state) });
      }
      panel.show(state.problem, state.data[state.problem], state.csv);
      plots.setData(dataset);
      setupAxes();
      await loadLandscape();
      const start = startOf(state);
      ui.setProblemInfo({
        n: dataset.n, k: dataset.classes, model: modelOf(state),
        startLoss: lossAt(modelOf(state), isSoftmax() ? null : start, dataset),
      });
      await ui.clearRace();
      showMessage("");
      hook.plotsReady = true;
      hook.loaded = state.problem;
    } catch (err) {
      hook.errors.push(err.message);
      showMessage(t("error.server", { message: err.message }));
    }
  }

  function setupAxes() {
    const pick = $("#axes-pick");
    pick.hidden = !isSoftmax();
    $("#regions-field").hidden = false;
    if (!isSoftmax()) {
      land.axes = [0, 1];
      return;
    }
    const names = paramNames();
    const k = dataset.classes;
    land.axes = [0, 2 * k];
    for (const [sel, j] of [[$("#axis-a"), 0], [$("#axis-b"), 1]]) {
      sel.replaceChildren(...names.map((n, i) => new Option(n, String(i), false, i === land.axes[j])));
    }
  }

  const race = wireRace(ui, { stream: new RaceStream(), startMessage: () => startMessage(state, catalog, dataset ? dataset.n : 0) });

  // ---- events ----------------------------------------------------------------------------------
  const on = (name, fn) => document.addEventListener(name, (event) => fn(event.detail || {}, event));
  on("select-problem", ({ problem }) => {
    state.problem = problem;
    loadProblem();
  });
  on("change-data", ({ values }) => {
    state.data[state.problem] = values;
    if (state.problem === "logistic" || state.problem === "logistic_mse") {
      state.data.logistic = values;
      state.data.logistic_mse = values;
    }
    loadProblem();
  });
  on("upload-csv", async ({ file }) => {
    try {
      const resp = await api.uploadCsv(file);
      panel.showCsvError(null);
      if (resp.columns.length < 2) throw new api.ApiError(t("reg.csv_two_columns"), 422);
      const perRow = JSON.stringify(resp.table.slice(0, 50).map((r) => [r[0], r[1]])).length / Math.min(50, resp.table.length);
      const { table, kept } = fitRows(resp.table, Math.max(2, Math.floor(MESSAGE_BUDGET / perRow)));
      const ys = resp.table.map((r) => r[resp.columns.length - 1]);
      const binary = ys.every((v) => v === 0 || v === 1);
      state.csv = { columns: resp.columns, rows: resp.rows, table, kept, xcol: 0, ycol: resp.columns.length - 1, model: binary ? "logistic" : "linear" };
      state.starts.csv = [0, 0];
      loadProblem();
    } catch (err) {
      panel.showCsvError(err);
    }
  });
  on("choose-csv", ({ xcol, ycol, model }) => {
    Object.assign(state.csv, { xcol, ycol, model });
    loadProblem();
  });
  on("change-racers", ({ racers }) => race.changeRacers(racers));
  on("select-language", async ({ lang: next }) => {
    await loadLanguage(next, config.version);
    applyTranslations();
    languageToggle.show(next);
    panel.translate();
    optimizers.translate();
    run.translate();
    showCaption();
    race.relabel();
    await plots.render();
  });
  wireFrameToggles(on, { state, plots, projectorToggle, controlsToggle, viewToggle });
  on("paused", () => {
    if (isSoftmax()) loadLandscape();
  });
  $("#land-toggle").addEventListener("click", (event) => {
    const b = event.target.closest("button[data-land]");
    if (!b) return;
    plots.view3d = b.dataset.land === "3d";
    for (const x of $("#land-toggle").querySelectorAll("button")) x.setAttribute("aria-pressed", String(x === b));
    $("#land-stack").hidden = plots.view3d;
    $("#land-3d").hidden = !plots.view3d;
    plots.markDirty();
    ui.schedule();
    requestAnimationFrame(() => plots.resize());
  });
  $("#batch-surface").addEventListener("change", async (event) => {
    plots.showBatch = event.target.checked;
    batchTimer = 0;
    if (plots.showBatch) await refreshBatchSurface();
    else await plots.renderBatch();
  });
  $("#land-refresh").addEventListener("click", () => {
    land.axes = [Number($("#axis-a").value), Number($("#axis-b").value)];
    if (land.axes[0] === land.axes[1]) land.axes[1] = (land.axes[0] + 1) % dim();
    loadLandscape();
  });
  $("#regions-racer").addEventListener("change", (event) => {
    plots.focus = Number(event.target.value);
    race.showFormula();
    plots.markDirty();
    ui.schedule();
  });
  $("#loss-log").addEventListener("change", (event) => {
    plots.lossLog = event.target.checked;
    plots.markDirty();
    ui.schedule();
  });

  followPlotSizes(plots);

  await loadProblem();
}

boot().catch((err) => {
  hook.errors.push(String(err && err.stack ? err.stack : err));
  showMessage(`${err.message || err}`);
  throw err;
});
