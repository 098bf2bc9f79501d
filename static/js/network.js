// Entry for the network lab: a small neural network trained on toy data (or the user's CSV)
// over the shared /ws/runs stream; the boundary, the curves, the diagram and the landscape.

import * as api from "./api.js";
import { applyTranslations, loadLanguage, preferredLanguage, t } from "./i18n.js";
import { plotlyReady } from "./plots.js";
import { onScreen } from "./plots-common.js";
import { NetworkPlots } from "./plots-network.js";
import {
  applyDatasetDefaults, configOf, decodeState, defaultState, encodeState, racerLabel, startMessage, taskOfColumn, thinRows, trainRows,
  URL_KEYS,
} from "./network-state.js";
import { classKey, curveKeys, lossNoteText } from "./network-keys.js";
import { mountNetworkDiagnosis } from "./network-diagnosis.js";
import { mountLabSweep } from "./lab-sweep.js";
import { mountNetworkExport } from "./network-export.js";
import { wirePlotControls } from "./network-plot-controls.js";
import { formatNumber } from "./state.js";
import { RaceStream } from "./stream.js";
import { descentFields } from "./components/descent-fields.js";
import { mountOptimizerList } from "./components/optimizer-list.js";
import { mountRunControls } from "./components/run-controls.js";
import { mountNetworkControls } from "./components/network-controls.js";
import { mountNetworkDiagram } from "./components/network-diagram.js";
import { mountNetworkLandscape } from "./components/network-landscape.js";
import { wireNetworkRace } from "./components/network-race.js";
import {
  followPlotSizes, mountControlsToggle, mountLanguageToggle, mountProjectorToggle, mountViewToggle, wireFrameToggles,
} from "./components/topbar.js";
import { h } from "./components/emit.js";
import { showMessage } from "./components/page-message.js";

const $ = (sel) => document.querySelector(sel);
const config = JSON.parse($("#config").textContent);
// The CSV travels inside the start message: keep it under the socket's message limit.
const MESSAGE_BUDGET = (config.limits.max_ws_message_bytes || 16_384) - 4_096;

const hook = { config, state: null, race: null, problem: null, plotsReady: false, loaded: null, step: 0, heatmaps: 0, landscapes: 0, landscapeBusy: false, errors: [] };
window.__lereng = hook;

async function boot() {
  const lang = await loadLanguage(preferredLanguage(), config.version);
  applyTranslations();
  if (!plotlyReady()) return showMessage(t("error.no_plotly"));
  showMessage(t("page.loading"));
  let catalog;
  let netCatalog;
  try {
    [catalog, netCatalog] = await Promise.all([
      api.getOptimizers(),
      // Per-dataset defaults and the network limits; without them the page keeps its own.
      api.getNetworkDatasets().catch(() => ({ datasets: [], limits: {} })),
    ]);
  } catch (err) {
    hook.errors.push(err.message);
    return showMessage(t("error.server", { message: err.message }));
  }
  const limits = { ...config.limits, ...(netCatalog.limits || {}) };
  const datasets = netCatalog.datasets || [];
  const entryOf = (id) => datasets.find((d) => d.id === id) || null;
  const baseFor = (search) => {
    const id = new URLSearchParams(search).get("ds") || defaultState(config).dataset;
    const base = applyDatasetDefaults(defaultState(config), entryOf(id));
    base.steps = Math.min(base.steps, limits.max_steps);
    return decodeState(search, base, catalog, limits);
  };
  const state = baseFor(location.search);
  state.projector = localStorage.getItem("lereng.projector") === "1";
  hook.state = state;
  hook.encode = () => encodeState(state);
  hook.decode = (search) => configOf(baseFor(search));
  hook.config = () => configOf(state);

  const languageToggle = mountLanguageToggle($("#language-toggle"));
  const projectorToggle = mountProjectorToggle($("#projector-toggle"));
  const controlsToggle = mountControlsToggle($("#controls-toggle"));
  const viewToggle = mountViewToggle($("#view-toggle"));
  const controls = mountNetworkControls($("#controls"), { t, limits });
  const optimizers = mountOptimizerList($("#optimizer-list"), {
    catalog, limits: { ...limits, max_optimizers: 1 }, t,
    extraRows: descentFields(t, () => trainRows(state)),
  });
  const run = mountRunControls($("#run-controls"), { limits, t });
  const diagram = mountNetworkDiagram($("#net-diagram"), { t });
  const plots = new NetworkPlots({
    data: $("#data-plot"), loss: $("#loss-plot"), acc: $("#acc-plot"), norms: $("#norms-plot"), land: $("#land-plot"), land3d: $("#land-3d"),
  }, { t });
  const landscape = mountNetworkLandscape($("#panel-landscape"), { plots, t, hook });
  hook.plots = plots;
  plots.projector = state.projector;
  // A page opened in projector mode draws its diagram at projector size from the start.
  diagram.setProjector(state.projector);
  plots.lossLog = state.lossLog;
  document.body.classList.toggle("projector", state.projector);
  languageToggle.show(lang);
  projectorToggle.show(state.projector);
  // Narrow screens show one plot at a time: the data first.
  const firstView = window.matchMedia("(max-width: 1100px)").matches ? "data" : "network";
  viewToggle.show(firstView);
  $(".net-row").dataset.view = firstView;
  controls.show(state);
  optimizers.show([state.racer]);
  run.showSpeed(state.speed);
  run.showSteps(state.steps);
  $("#loss-log").checked = state.lossLog;
  $("#land-directions").value = state.directions;

  const syncUrl = () => {
    const q = new URLSearchParams(encodeState(state));
    for (const [k, v] of new URLSearchParams(location.search)) if (!URL_KEYS.includes(k)) q.append(k, v);
    history.replaceState(null, "", `?${q}`);
  };

  const showClassKey = (problem) => classKey(problem, t);
  const lossNote = (problem) => lossNoteText(problem, t);
  const showCurveKeys = (problem) => curveKeys(problem, t);

  function showSummary(record, problem) {
    const el = $("#net-summary");
    if (!record || !problem || !record.steps.length) return el.replaceChildren();
    const k = record.steps.length - 1;
    const item = (label, value) => h("span", { class: "sum-item" }, `${label} `, h("strong", { text: value }));
    const items = [
      h("span", { class: "sum-item sum-who", text: racerLabel(state, catalog, t) }),
      // Full-batch frames carry no epoch: there every step is one.
      item(t("net.sum_epoch"), String(record.epoch || (state.racer.variant === "batch" ? record.step : 0))),
      item(t("net.sum_train_loss"), formatNumber(record.trainLoss[k])),
      item(t("net.sum_test_loss"), formatNumber(record.testLoss[k])),
    ];
    if (problem.task !== "regression" && record.testAcc[k] !== null) {
      items.push(item(t("net.sum_test_acc"), `${(100 * record.testAcc[k]).toFixed(1)}%`));
    }
    if (record.status === "diverged") items.push(h("span", { class: "sum-item sum-diverged", text: t("net.diverged", { step: record.stoppedAt }) }));
    el.replaceChildren(...items);
  }

  const ui = {
    state, plots, run, hook, diagram, syncUrl, showSummary,
    canRun: () => state.dataset !== "csv" || state.csv !== null,
    showProblem(problem, record) {
      showMessage("");
      $("#data-title").textContent = t(problem.task === "regression" ? "net.surface" : "net.boundary");
      $("#panel-acc").classList.toggle("is-muted", problem.task === "regression");
      controls.showLossNote(lossNote(problem));
      showClassKey(problem);
      showCurveKeys(problem);
      const pretty = { x1: "x₁", x2: "x₂" };
      plots.names = (problem.x_names || ["x1", "x2"]).map((n) => pretty[n] || n);
      plots.setProblem(problem, record);
      diagram.show(problem, null);
      landscape.reset();
      showSummary(null, null);
      race.schedule();
      plots.flush(Infinity).then(() => {
        hook.plotsReady = true;
        hook.loaded = state.dataset;
      });
    },
    refused(message) {
      showMessage(t("net.refused", { message }));
      if (state.dataset === "csv") controls.showCsvError(new api.ApiError(message, 422));
    },
    runFinished(record) {
      // A diverged network sits far off any landscape worth drawing: say so instead.
      if (record.status === "diverged") landscape.explain(t("net.land_diverged", { step: record.stoppedAt }));
      else landscape.compute(state, record);
    },
  };

  ui.diagnosis = mountNetworkDiagnosis($("#diagnosis"), { t, hook, name: () => racerLabel(state, catalog, t) });
  const race = wireNetworkRace(ui, { stream: new RaceStream(), startMessage: () => startMessage(state, catalog) });
  hook.raceControl = race;
  const exporter = mountNetworkExport({
    t, plots, hook,
    race: () => race.race,
    request: () => {
      const { type, steps_per_second: sps, ...body } = startMessage(state, catalog);
      void type;
      void sps;
      return body;
    },
    label: () => racerLabel(state, catalog, t),
    message: showMessage,
  });

  const sweep = mountLabSweep(
    {
      t, state, hook,
      labels: () => [racerLabel(state, catalog, t)],
      canRun: () => !(state.dataset === "csv" && !state.csv),
      stem: () => state.dataset,
    },
    () => startMessage(state, catalog),
  );

  function configure(patch) {
    Object.assign(state, patch);
    controls.show(state);
    optimizers.show([state.racer]);
    syncUrl();
    if (state.dataset === "csv" && !state.csv) {
      showMessage(t("reg.csv_choose"));
      hook.loaded = "csv-empty";
      return;
    }
    race.restart();
  }

  // ---- events ----------------------------------------------------------------------------------
  const on = (name, fn) => document.addEventListener(name, (event) => fn(event.detail || {}, event));
  on("change-network", ({ patch }) => {
    if (patch.dataset && patch.dataset !== state.dataset && entryOf(patch.dataset)) {
      const next = applyDatasetDefaults(state, entryOf(patch.dataset));
      next.steps = Math.min(next.steps, limits.max_steps);
      run.showSteps(next.steps);
      return configure(next);
    }
    configure(patch);
  });
  on("change-racers", ({ racers }) => configure({ racer: racers[0] }));
  on("upload-csv", async ({ file }) => {
    try {
      const resp = await api.uploadCsv(file);
      if (resp.columns.length < 3) throw new api.ApiError(t("net.csv_three_columns"), 422);
      const perRow = JSON.stringify(resp.table.slice(0, 50)).length / Math.min(50, resp.table.length);
      const { table, kept } = thinRows(resp.table, Math.max(10, Math.floor(MESSAGE_BUDGET / perRow)));
      const y = resp.columns.length - 1;
      controls.showCsvError(null);
      configure({ csv: { columns: resp.columns, rows: resp.rows, table, kept, x: [0, 1], y, task: taskOfColumn(table.map((r) => r[y])) } });
    } catch (err) {
      controls.showCsvError(err);
    }
  });
  on("choose-csv", ({ x, y }) => {
    const csv = state.csv;
    configure({ csv: { ...csv, x, y, task: taskOfColumn(csv.table.map((r) => r[y])) } });
  });
  on("select-language", async ({ lang: next }) => {
    await loadLanguage(next, config.version);
    applyTranslations();
    languageToggle.show(next);
    controls.translate();
    optimizers.translate();
    run.translate();
    landscape.translate();
    exporter.translate();
    sweep.translate();
    ui.diagnosis.translate();
    const r = race.race;
    if (r && r.problem) {
      $("#data-title").textContent = t(r.problem.task === "regression" ? "net.surface" : "net.boundary");
      showClassKey(r.problem);
      showCurveKeys(r.problem);
      controls.showLossNote(lossNote(r.problem));
      showSummary(r.record, r.problem);
      diagram.translate(r.record && r.record.point);
    }
    await plots.render();
  });
  wireFrameToggles(on, { state, plots, projectorToggle, controlsToggle, viewToggle });
  on("toggle-projector", ({ on: value }) => {
    const r = race.race;
    diagram.setProjector(value, r && r.record && r.record.point);
  });
  // A paused run on the landscape view gets its landscape around the current weights without
  // a click: it used to wait for the run's end or Recompute, an empty panel before a class.
  const landscapeIfPaused = () => {
    const r = race.race;
    if (!r || !r.record || r.playing || r.record.step === 0 || r.record.status === "diverged") return;
    if (hook.landscapeBusy || landscape.step === r.record.step) return;
    if (!onScreen($("#panel-landscape"))) return;
    landscape.compute(state, r.record);
  };
  on("select-view", ({ view }) => {
    if (view !== "data") $(".net-row").dataset.right = view;
    requestAnimationFrame(() => {
      plots.resize();
      if (view === "landscape") landscapeIfPaused();
    });
  });
  // Frames already on their way when Pause was pressed still land: wait for them.
  on("pause", () => setTimeout(landscapeIfPaused, 400));
  wirePlotControls({ state, plots, race, landscape, syncUrl });

  followPlotSizes(plots);
  syncUrl();
  configure({});
}

boot().catch((err) => {
  hook.errors.push(String(err && err.stack ? err.stack : err));
  showMessage(`${err.message || err}`);
  throw err;
});
