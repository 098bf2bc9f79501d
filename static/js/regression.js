// Entry for the regression lab: the data, the racers (Gradient Descent variants, and their
// MSE twins for logistic regression), the race over the shared /ws/runs stream, the Data,
// Landscape and Loss views, and the URL that reproduces the whole set-up.

import * as api from "./api.js";
import { applyTranslations, loadLanguage, preferredLanguage, t } from "./i18n.js";
import { plotlyReady } from "./plots.js";
import { RegressionPlots } from "./plots-regression.js";
import { lossAt } from "./regression-math.js";
import {
  dataSpec, defaultState, descentLabel, makeDescentRacer, modelOf, runRacers, startKey, startMessage, startOf, twinOn,
} from "./regression-state.js";
import { decodeRegState, encodeRegState } from "./regression-url.js";
import { mountRegressionExport } from "./regression-export.js";
import { mountRegressionTools } from "./regression-tools.js";
import { wireLandscape } from "./regression-landscape.js";
import { RaceStream } from "./stream.js";
import { mountDataPanel } from "./components/data-panel.js";
import { descentFields } from "./components/descent-fields.js";
import { mountFormulaView } from "./components/formula-view.js";
import { mountOptimizerList } from "./components/optimizer-list.js";
import { mountRaceLegend } from "./components/race-legend.js";
import { mountRunControls } from "./components/run-controls.js";
import {
  mountControlsToggle, mountLanguageToggle, mountProjectorToggle, mountViewToggle, followPlotSizes, keepPresent,
  wireFrameToggles,
} from "./components/topbar.js";
import { wireRace } from "./regression-race.js";
import { wirePlotControls } from "./regression-controls.js";
import { wireCsv } from "./regression-csv.js";
import { showMessage } from "./components/page-message.js";

const $ = (sel) => document.querySelector(sel);
const config = JSON.parse($("#config").textContent);
// A start message must fit the socket's message limit (the server's max_ws_message_bytes,
// 256 KB by default, room for 5,000 rows): rows beyond this budget are thinned evenly (and the
// page says so), so a server configured with a small limit still runs.
const MESSAGE_BUDGET = (config.limits.max_ws_message_bytes || 16_384) - 2_048;

const hook = { config, state: null, race: null, plotsReady: false, step: 0, errors: [], plots: null, landscapes: 0 };
window.__lereng = hook;

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
  const state = decodeRegState(location.search, defaultState(config), catalog, limits);
  state.projector = localStorage.getItem("lereng.projector") === "1";
  hook.state = state;
  let dataset = null; // the server's dataset: {kind, n, x, y, classes, class_names, x_names, y_name}
  const syncUrl = () => history.replaceState(null, "", `?${keepPresent(encodeRegState(state))}`);

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
  const landDivs = (suffix) => ({
    base: $(`#land-base${suffix}`), batch: $(`#land-batch${suffix}`), overlay: $(`#land-plot${suffix}`), d3: $(`#land-3d${suffix}`),
  });
  const plots = new RegressionPlots(
    { data: $("#data-plot"), loss: $("#loss-plot"), main: landDivs(""), twin: landDivs("-twin") },
    { t, onPickStart: (axes, values) => document.dispatchEvent(new CustomEvent("move-start", { detail: { axes, values } })) },
  );
  hook.plots = plots;
  plots.projector = state.projector;
  plots.lossLog = state.lossLog;
  plots.lossEpochs = state.lossEpochs;
  plots.view3d = state.land3d;
  plots.showBatch = state.batchSurface;
  plots.focus = state.focus;
  document.body.classList.toggle("projector", state.projector);
  languageToggle.show(lang);
  projectorToggle.show(state.projector);
  viewToggle.show(state.view);
  $(".plot-row").dataset.view = state.view;
  $("#loss-log").checked = state.lossLog;
  $("#loss-epochs").checked = state.lossEpochs;
  $("#show-diagnosis").checked = state.diagnosis;
  $("#batch-surface").checked = state.batchSurface;
  for (const x of $("#land-toggle").querySelectorAll("button")) x.setAttribute("aria-pressed", String((x.dataset.land === "3d") === state.land3d));
  optimizers.show(state.racers);
  run.showSpeed(state.speed);
  run.showSteps(state.steps);

  const entries = () => runRacers(state, limits.max_optimizers);
  const labels = () => entries().map((e) => descentLabel(e.racer, catalog, t, twinOn(state) ? e.loss : null));
  const ui = {
    state, plots, legend, run, formula, labels, hook, catalog, showMessage, t,
    startOf: () => startOf(state),
    losses: () => (twinOn(state) ? entries().map((e) => e.loss) : null),
    lossOf: (i) => (twinOn(state) ? (entries()[i] || {}).loss : null),
    afterFrames: () => {},
    canRun: () => dataset !== null,
    sampleCount: () => (dataset ? dataset.n : 0),
    // "Race: …" from the sweep asks for a new race: the old one is cleared, not kept as "changed".
    replaceRacers: (racers) => {
      optimizers.replace(racers);
      ui.clearRace();
    },
  };
  // Diagnosis and predict leave an MSE twin out: its loss is the other landscape.
  ui.mainCount = () => (twinOn(state) ? entries().filter((e) => e.loss !== "mse").length : entries().length);
  const sweep = mountRegressionTools(ui, {
    catalog,
    dataset: () => dataset,
    message: () => startMessage(state, catalog, dataset ? dataset.n : 0, limits.max_optimizers),
  });
  const scape = wireLandscape(ui, { dataset: () => dataset });
  scape.noteBatch();
  ui.afterFrames = () => {
    ui.diagnosis.show();
    ui.predict.update();
    scape.refreshBatch();
  };

  function startLoss() {
    return lossAt(modelOf(state), startOf(state), dataset);
  }

  // ---- problems --------------------------------------------------------------------------------
  // Each load counts itself: a slow answer for a problem the user has already left must not
  // overwrite the one chosen since (a slow network, two quick changes of the picker).
  let loads = 0;

  async function loadProblem() {
    const load = ++loads;
    const stale = () => load !== loads;
    showMessage(t("page.loading"));
    await ui.clearRace();
    if (stale()) return;
    const twin = { twinAvailable: modelOf(state) === "logistic", twinOn: state.twin };
    try {
      if (state.problem === "csv") {
        panel.show(state.problem, null, state.csv, twin);
        // No data (no file yet, or a refused one): the formula strip drops the last problem's
        // numbers, which no longer describe anything on the page.
        const noData = () => ui.setProblemInfo({ n: null, k: null, model: modelOf(state), startLoss: null });
        if (!state.csv) {
          dataset = null;
          plots.clear();
          noData();
          hook.plotsReady = true;
          hook.loaded = "csv-empty";
          showMessage(t("reg.csv_choose"));
          return;
        }
        try {
          const got = await api.getDataset({ data: dataSpec(state), model: modelOf(state) });
          if (stale()) return;
          dataset = got;
        } catch (err) {
          if (stale()) return;
          // The server refuses these columns (a class column with too many classes, a text
          // target for regression...): say why beside the file, naming the row.
          dataset = null;
          plots.clear();
          noData();
          panel.showCsvError(err);
          showMessage("");
          syncUrl(); // the link names the columns shown beside the refusal
          hook.loaded = "csv-refused";
          return;
        }
        panel.showCsvError(null);
        dataset.x_names = modelOf(state) === "softmax" ? [state.csv.columns[state.csv.xcol], state.csv.columns[state.csv.x2col]] : [state.csv.columns[state.csv.xcol]];
        dataset.y_name = state.csv.columns[state.csv.ycol];
      } else {
        const got = await api.getDataset({ data: state.data[state.problem], model: modelOf(state) });
        if (stale()) return;
        dataset = got;
        panel.show(state.problem, state.data[state.problem], state.csv, twin);
      }
      plots.setData(dataset);
      scape.setupAxes();
      await scape.load();
      if (stale()) return;
      ui.setProblemInfo({ n: dataset.n, k: dataset.classes, model: modelOf(state), startLoss: startLoss() });
      await ui.clearRace();
      if (stale()) return;
      showMessage("");
      ui.predict.showButton();
      hook.plotsReady = true;
      hook.loaded = state.problem;
      syncUrl();
    } catch (err) {
      if (stale()) return;
      hook.errors.push(err.message);
      showMessage(t("error.server", { message: err.message }), { ms: 8000 });
    }
  }

  const race = wireRace(ui, {
    stream: new RaceStream(),
    startMessage: () => startMessage(state, catalog, dataset ? dataset.n : 0, limits.max_optimizers),
  });


  const exports = mountRegressionExport($("#export-menu"), $("#share-status"), {
    t, plots, hook, catalog,
    race: () => ui.race,
    sent: () => hook.lastStart,
    problem: () => (state.problem === "csv" ? "csv" : state.problem),
    message: showMessage,
  });

  // ---- events ----------------------------------------------------------------------------------
  const on = (name, fn) => document.addEventListener(name, (event) => fn(event.detail || {}, event));
  on("select-problem", ({ problem }) => {
    state.problem = problem;
    loadProblem();
  });
  on("toggle-twin", ({ on: value }) => {
    state.twin = value;
    state.focus = 0;
    plots.focus = 0;
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
  wireCsv(on, { state, panel, loadProblem, budget: MESSAGE_BUDGET });
  on("move-start", ({ axes, values }) => {
    if (!dataset) return;
    // In predict mode a click on the landscape is the viewer's guess.
    if (ui.predict.active) return void ui.predict.guess(values);
    const start = scape.startFromPick(axes, values);
    if (JSON.stringify(start) === JSON.stringify(state.starts[startKey(state)])) return;
    state.starts[startKey(state)] = start;
    syncUrl();
    ui.setProblemInfo({ n: dataset.n, k: dataset.classes, model: modelOf(state), startLoss: startLoss() });
    ui.clearRace();
  });
  on("change-racers", ({ racers }) => {
    ui.predict.stop(); // the question was about racers that are no longer the race
    race.changeRacers(racers);
    syncUrl();
  });
  on("change-speed", () => syncUrl());
  on("change-steps", () => syncUrl());
  on("select-view", ({ view }) => {
    state.view = view;
    syncUrl();
  });
  on("select-language", async ({ lang: next }) => {
    await loadLanguage(next, config.version);
    applyTranslations();
    languageToggle.show(next);
    panel.translate();
    optimizers.translate();
    run.translate();
    scape.showCaption();
    race.relabel();
    exports.translate();
    ui.diagnosis.translate();
    ui.predict.translate();
    sweep.translate();
    await plots.render();
  });
  wireFrameToggles(on, { state, plots, projectorToggle, controlsToggle, viewToggle });
  on("paused", () => {
    if (modelOf(state) === "softmax" && dataset) scape.load();
  });
  wirePlotControls({ state, plots, ui, scape, race, syncUrl });

  followPlotSizes(plots);

  await loadProblem();
}

boot().catch((err) => {
  hook.errors.push(String(err && err.stack ? err.stack : err));
  showMessage(`${err.message || err}`);
  throw err;
});
