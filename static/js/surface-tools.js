// The surface lab's teaching and sharing tools, wired in one place so main.js stays the race:
// share link, exports (PNG, CSV, JSON, interactive HTML), the learning-rate sweep dialog,
// predict-the-next-step, and the live diagnosis labels.

import { Diagnoser, heavyBall, landscapeContext } from "./components/diagnosis-rules.js";
import { mountDiagnosisPanel } from "./components/diagnosis-panel.js";
import { mountPredictPanel } from "./components/predict-panel.js";
import { download, downloadPng, fileStem, interactiveHtml, mountExportMenu, plotlySource, shareLink, toCsv, toJson } from "./export.js";
import { language } from "./i18n.js";
import { mountLabSweep } from "./lab-sweep.js";
import { animatedFigure } from "./plots-animation.js";
import { CSV_COLUMNS, RunLog } from "./run-log.js";

const $ = (sel) => document.querySelector(sel);

export function mountSurfaceTools(deps) {
  const { t, state, plots, hook } = deps;
  let log = null;
  let diagnosers = [];
  let context = null;

  // ---- diagnosis -------------------------------------------------------------------------------
  const diagnosis = mountDiagnosisPanel($("#diagnosis"), { t });
  const names = () => deps.racers().map((r) => r.label);
  function showDiagnosis() {
    const labels = state.diagnosis ? diagnosers.map((d) => d.label()) : [];
    hook.diagnosis = labels.map((l) => (l ? l.key : null));
    diagnosis.show(labels, names());
  }

  // ---- predict ---------------------------------------------------------------------------------
  const predictButton = $("#predict-button");
  const entry = (i) => {
    const race = deps.race();
    const r = race && race.record.racers[i];
    return r && r.last ? { step: r.last.step, point: r.last.point, status: r.status } : null;
  };
  const predict = mountPredictPanel($("#predict-panel"), {
    t,
    labels: names,
    entry,
    step: () => deps.stepOnce(),
    mark: (marks) => plots.setMarks(marks),
  });
  Object.defineProperty(hook, "predict", { get: () => predict.state, configurable: true });
  function stopPredict() {
    predict.stop();
    predictButton.setAttribute("aria-pressed", "false");
  }
  predictButton.addEventListener("click", () => {
    if (predict.active) {
      stopPredict();
      return;
    }
    deps.ensurePaused();
    predictButton.setAttribute("aria-pressed", "true");
    predict.start();
  });
  $("#predict-panel .predict-done").addEventListener("click", () => {
    stopPredict();
    predictButton.focus();
  });

  // ---- share: the page's own link holds the whole set-up (surface-url.js) ---------------
  const share = async () => {
    hook.shared = await shareLink($("#share-status"), t);
  };

  // ---- exports ---------------------------------------------------------------------------------
  const surfaceName = () => state.surface.function || "formula";
  const needRun = () => {
    if (!log || !log.racers.some((r) => r.entries.length)) throw new Error(t("export.no_run"));
    return log;
  };
  const config = () => ({ ...deps.request(), view: deps.shareable(), link: location.href });
  const exportItems = () => [
    { id: "share", label: t("export.share"), run: share },
    { id: "png-contour", label: t("export.png_contour"), run: () => downloadPng([plots.divs.base, plots.divs.overlay], `${fileStem(surfaceName(), "contour")}.png`) },
    { id: "png-surface", label: t("export.png_surface"), run: () => downloadPng(plots.divs.surface, `${fileStem(surfaceName(), "3d")}.png`) },
    { id: "png-loss", label: t("export.png_loss"), run: () => downloadPng(plots.divs.loss, `${fileStem(surfaceName(), "loss")}.png`) },
    { id: "csv", label: t("export.csv"), run: () => download(`${fileStem(surfaceName(), "run")}.csv`, toCsv(CSV_COLUMNS, needRun().csvRows()), "text/csv") },
    { id: "json", label: t("export.json"), run: () => download(`${fileStem(surfaceName(), "run")}.json`, toJson(needRun().json(config())), "application/json") },
    { id: "html", label: t("export.html"), run: exportHtml },
  ];
  async function exportHtml() {
    const run = needRun();
    const title = `Lereng · ${plots.land.info.name}`;
    const figure = animatedFigure(plots.land, run, { t });
    const html = interactiveHtml({
      title,
      heading: `${title}: f(x, y) = ${plots.land.info.formula}`,
      note: t("export.html_note", { steps: run.steps }),
      figure,
      plotly: await plotlySource(),
      lang: language(),
    });
    download(`${fileStem(surfaceName(), "run")}.html`, html, "text/html");
  }
  const exportMenu = mountExportMenu($("#export-menu"), {
    items: exportItems(),
    hook,
    message: deps.message,
  });

  // ---- sweep (lab-sweep.js: one curve per distinct optimizer set-up) --------------------------
  const sweep = mountLabSweep(
    { t, state, hook, labels: names, canRun: () => true, stem: surfaceName, replaceRacers: deps.replaceRacers },
    deps.request,
  );

  return {
    predict,
    stopPredict,
    showDiagnosis,
    setLandscape(landscape) {
      context = landscapeContext(landscape.surface ? { ...landscape, info: landscape.surface } : landscape);
    },
    newRun() {
      log = new RunLog(deps.racers());
      hook.runLog = log;
      const ctx = context || { range: 1, slope: 1, curvature: 1, minValue: null };
      diagnosers = log.racers.map((r) => new Diagnoser({ ...ctx, momentum: heavyBall(r) }));
      showDiagnosis();
    },
    frames(frames) {
      if (!log) return;
      log.add(frames);
      for (const frame of frames) {
        for (const e of frame.racers) if (diagnosers[e.i]) diagnosers[e.i].push(e);
      }
    },
    afterFrames() {
      showDiagnosis();
      predict.update();
    },
    done(msg) {
      if (log) log.finish(msg.runs);
      for (const s of msg.runs || []) if (diagnosers[s.i]) diagnosers[s.i].status = s.status;
      showDiagnosis();
      predict.stopped();
    },
    translate() {
      exportMenu.translate(exportItems());
      diagnosis.translate();
      predict.translate();
      sweep.translate();
    },
  };
}
