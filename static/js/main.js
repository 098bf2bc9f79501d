// Entry for the surface lab: reads the page config, fetches the catalogs, mounts the
// components and wires their events to the stream and the plots.

import * as api from "./api.js";
import { applyTranslations, language, loadLanguage, preferredLanguage, t } from "./i18n.js";
import { plotlyReady, SurfacePlots } from "./plots.js";
import { defaultState, fullHyperparameters, racerLabel, startMessage } from "./state.js";
import { decodeState, encodeState, shareable } from "./surface-url.js";
import { createRaceSession } from "./race-session.js";
import { surfaceRaceLab } from "./surface-race.js";
import { RaceStream } from "./stream.js";
import { mountSurfaceTools } from "./surface-tools.js";
import { mountOptimizerList } from "./components/optimizer-list.js";
import { mountProblemPanel } from "./components/problem-panel.js";
import { mountRaceLegend } from "./components/race-legend.js";
import { mountRunControls } from "./components/run-controls.js";
import {
  followPlotSizes,
  keepPresent,
  wireFrameToggles,
  mountControlsToggle,
  mountLanguageToggle,
  mountProjectorToggle,
  mountViewToggle,
} from "./components/topbar.js";
import { showMessage } from "./components/page-message.js";

const $ = (sel) => document.querySelector(sel);
const config = JSON.parse($("#config").textContent);

// Test and debugging hook: read-only views of the page's model.
const hook = {
  config,
  state: null,
  race: null,
  plotsReady: false,
  framesDrawn: 0,
  step: 0,
  errors: [],
  plots: null,
};
window.__lereng = hook;

async function boot() {
  const lang = await loadLanguage(preferredLanguage(), config.version);
  applyTranslations();
  if (!plotlyReady()) {
    showMessage(t("error.no_plotly"));
    return;
  }
  showMessage(t("page.loading"));
  let functions;
  let catalog;
  try {
    [functions, catalog] = await Promise.all([api.getFunctions(), api.getOptimizers()]);
  } catch (err) {
    showMessage(t("error.server", { message: err.message }));
    hook.errors.push(err.message);
    return;
  }
  const limits = config.limits;
  let state = decodeState(location.search, defaultState(config, functions), functions, catalog, limits);
  state.projector = localStorage.getItem("lereng.projector") === "1";
  hook.state = state;

  // ---- components ----------------------------------------------------------------------------
  const languageToggle = mountLanguageToggle($("#language-toggle"));
  const projectorToggle = mountProjectorToggle($("#projector-toggle"));
  const controlsToggle = mountControlsToggle($("#controls-toggle"));
  const viewToggle = mountViewToggle($("#view-toggle"));
  const problem = mountProblemPanel($("#problem-panel"), { functions, limits, t });
  const optimizers = mountOptimizerList($("#optimizer-list"), { catalog, limits, t });
  const run = mountRunControls($("#run-controls"), { limits, t });
  const legend = mountRaceLegend($("#race-legend"), { t });
  const plots = new SurfacePlots(
    {
      base: $("#contour-base"),
      overlay: $("#contour-plot"),
      surface: $("#surface-plot"),
      loss: $("#loss-plot"),
    },
    {
      t,
      // In predict mode a click on the map is the viewer's guess; otherwise it moves the start.
      onPickStart: (start) => {
        if (tools && tools.predict.active) tools.predict.guess(start);
        else document.dispatchEvent(new CustomEvent("move-start", { detail: { start } }));
      },
    },
  );
  let tools = null;
  hook.plots = plots;
  plots.projector = state.projector;
  plots.lossLog = state.lossLog;
  plots.showArrows = state.arrows;

  languageToggle.show(lang);
  projectorToggle.show(state.projector);
  document.body.classList.toggle("projector", state.projector);
  viewToggle.show(state.view);
  $(".plot-row").dataset.view = state.view;
  $("#loss-log").checked = state.lossLog;
  $("#show-arrows").checked = state.arrows;
  $("#show-diagnosis").checked = state.diagnosis;
  optimizers.show(state.racers);
  run.showSpeed(state.speed);
  run.showSteps(state.steps);
  run.showCount(0, state.steps);

  // ---- the race ------------------------------------------------------------------------------
  const stream = new RaceStream();
  let landscapeInfo = null;

  const labels = () => state.racers.map((r) => racerLabel(r, catalog));
  const syncUrl = () => history.replaceState(null, "", `?${keepPresent(encodeState(state))}`);

  const session = createRaceSession({
    stream,
    run,
    state,
    hook,
    lab: surfaceRaceLab({ state, catalog, hook, plots, legend, labels, syncUrl, tools: () => tools }),
  });

  // Exports, the learning-rate sweep, predict-the-next-step and the diagnosis labels.
  tools = mountSurfaceTools({
    t,
    state,
    plots,
    hook,
    racers: () => state.racers.map((r) => ({ label: racerLabel(r, catalog), name: r.name, hp: fullHyperparameters(r, catalog) })),
    // The run as POST /api/runs takes it (the WebSocket start message minus its pacing).
    request: () => {
      const m = startMessage(state, catalog);
      return { surface: m.surface, start: m.start, steps: m.steps, optimizers: m.optimizers };
    },
    race: () => session.race,
    // "Race: …" from the sweep asks for a new race: the old one is cleared, not kept as "changed".
    replaceRacers: (racers) => {
      optimizers.replace(racers);
      clearRace();
    },
    shareable: () => shareable(state),
    stepOnce: () => document.dispatchEvent(new CustomEvent("step")),
    ensurePaused: () => session.ensurePaused(),
    message: showMessage,
  });
  hook.tools = tools;

  /** Empty state: the surface and the start, no paths. */
  async function clearRace() {
    session.clear();
    hook.race = null;
    legend.show(labels(), null);
    plots.setStart(state.start);
    await plots.clearRace(labels().map((label) => ({ label })));
  }

  // ---- surfaces ------------------------------------------------------------------------------
  async function loadSurface(surface, { keepStart = false } = {}) {
    showMessage(t("page.loading"));
    let landscape;
    try {
      landscape = await api.getLandscape(surface, limits.default_grid);
    } catch (err) {
      showMessage("");
      if (surface.expression !== undefined) {
        problem.showError(err);
        return false;
      }
      // The picker goes back to what the plots still show, and the run keeps that surface.
      if (state.surface) problem.showSurface(state.surface, landscapeInfo);
      showMessage(t("error.server", { message: err.message }), { ms: 8000 });
      return false;
    }
    problem.showError(null);
    state.surface = surface;
    landscapeInfo = landscape.surface;
    if (!keepStart) state.start = [...landscape.surface.start];
    tools.setLandscape(landscape);
    problem.showSurface(surface, landscape.surface);
    problem.showStart(state.start);
    plots.setLandscape(landscape);
    plots.setStart(state.start);
    plots.setRacers(labels().map((label) => ({ label })));
    session.clear();
    await plots.render();
    await clearRace();
    showMessage("");
    syncUrl();
    hook.plotsReady = true;
    return true;
  }

  // ---- events from the components --------------------------------------------------------------
  const on = (name, fn) => document.addEventListener(name, (event) => fn(event.detail || {}, event));

  on("select-surface", ({ id }) => loadSurface({ function: id }));
  on("draw-expression", ({ text }) => loadSurface({ expression: text }));
  on("move-start", ({ start }) => {
    state.start = start;
    problem.showStart(start);
    syncUrl();
    clearRace();
  });
  on("change-racers", ({ racers }) => {
    state.racers = racers;
    syncUrl();
    if (session.race) session.markChanged();
    else {
      legend.show(labels(), null);
      plots.clearRace(labels().map((label) => ({ label })));
    }
  });
  // Play, Pause, Step, Reset, speed and steps: the race session (race-session.js).
  on("select-language", async ({ lang }) => {
    await loadLanguage(lang, config.version);
    applyTranslations();
    languageToggle.show(lang);
    problem.translate();
    optimizers.translate();
    run.translate();
    tools.translate();
    session.showStatus();
    const race = session.race;
    legend.show(race ? race.labels : labels(), race ? race.record : null);
    await plots.render();
  });
  wireFrameToggles(on, { state, plots, projectorToggle, controlsToggle, viewToggle });
  $("#loss-log").addEventListener("change", (event) => {
    state.lossLog = event.target.checked;
    plots.lossLog = state.lossLog;
    syncUrl();
    plots.redrawLight();
  });
  $("#show-arrows").addEventListener("change", (event) => {
    state.arrows = event.target.checked;
    plots.showArrows = state.arrows;
    syncUrl();
    plots.redrawLight();
  });
  $("#show-diagnosis").addEventListener("change", (event) => {
    state.diagnosis = event.target.checked;
    syncUrl();
    tools.showDiagnosis();
  });
  on("select-view", ({ view }) => {
    state.view = view;
    syncUrl();
  });

  followPlotSizes(plots);

  const ok = await loadSurface(state.surface, { keepStart: true });
  if (!ok && state.surface.expression !== undefined) await loadSurface({ function: functions[0].id });
  hook.language = language;
  void landscapeInfo;
}

boot().catch((err) => {
  hook.errors.push(String(err && err.stack ? err.stack : err));
  showMessage(`${err.message || err}`);
  throw err;
});
