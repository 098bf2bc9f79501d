// The regression lab's Export menu: the link, a PNG of each plot, the run as CSV (one row per
// racer-step) and JSON (what the server was sent + every racer's trajectory), and the run as
// one self-contained interactive HTML file. Rows come from the race record as the page holds it.

import { download, downloadPng, fileStem, interactiveHtml, mountExportMenu, plotlySource, shareLink, toCsv, toJson } from "./export.js";
import { language } from "./i18n.js";
import { regressionFigure } from "./regression-animation.js";
import { LOSS_OF_MODEL } from "./regression-state.js";
import { fullHyperparameters } from "./state.js";

/** The model's parameter names in the server's order: (w, b), or softmax's w_jc then b_c. */
export function paramNames(model, dim) {
  if (model !== "softmax") return ["w", "b"];
  const k = Math.round(dim / 3);
  const names = [];
  for (let j = 1; j <= 2; j += 1) for (let c = 1; c <= k; c += 1) names.push(`w${j}${c}`);
  for (let c = 1; c <= k; c += 1) names.push(`b${c}`);
  return names;
}

const FIXED = ["step", "racer", "variant", "batch_size", "optimizer", "lr", "loss_function", "loss"];
const TAIL = ["batch_loss", "epoch", "iteration", "status"];

/** run: {record, labels, sent} (sent: the start message the server ran). {columns, rows}. */
export function regressionCsv({ record, labels, sent }) {
  const dim = (sent.start && sent.start.length) || Math.max(2, ...record.racers.flatMap((r) => r.log.map((e) => (Array.isArray(e.point) ? e.point.length : 0))));
  const names = paramNames(sent.model, dim);
  const rows = [];
  for (const [i, r] of record.racers.entries()) {
    const opt = sent.optimizers[i] || {};
    const lossFn = opt.loss || LOSS_OF_MODEL[sent.model];
    for (const e of r.log) {
      const point = Array.isArray(e.point) ? e.point : [];
      rows.push([
        e.step, labels[i] || r.label, opt.variant, opt.batch_size ?? null, opt.name, opt.lr ?? null, lossFn, e.loss,
        ...names.map((_, k) => (k < point.length ? point[k] : null)),
        e.batchLoss, e.epoch, e.iteration, e.status, i,
      ]);
    }
  }
  const order = FIXED.length + names.length + TAIL.length;
  rows.sort((p, q) => p[0] - q[0] || p[order] - q[order]);
  return { columns: [...FIXED, ...names, ...TAIL], rows: rows.map((row) => row.slice(0, order)) };
}

/** Config plus trajectories: what a notebook needs to redraw or check the run. */
export function regressionJson({ record, labels, sent }, { catalog, link }) {
  const { type, steps_per_second: speed, ...request } = sent;
  void type;
  const dim = (sent.start && sent.start.length) || (record.racers[0] && record.racers[0].log[0] ? record.racers[0].log[0].point.length : 2);
  return {
    app: "lereng",
    kind: "regression-run",
    config: { ...request, steps_per_second: speed, link },
    param_names: paramNames(sent.model, dim),
    racers: record.racers.map((r, i) => {
      const { variant, batch_size: k, loss, name, ...hp } = sent.optimizers[i] || {};
      return {
        label: labels[i] || r.label,
        variant,
        batch_size: k ?? null,
        loss_function: loss || LOSS_OF_MODEL[sent.model],
        optimizer: { name, ...fullHyperparameters({ name, hp }, catalog) },
        status: r.status,
        reason: r.reason,
        stopped_at: r.stoppedAt,
        steps: r.log.map((e) => e.step),
        points: r.log.map((e) => e.point),
        losses: r.log.map((e) => e.loss),
        batch_losses: r.log.map((e) => e.batchLoss),
        epochs: r.log.map((e) => e.epoch),
        iterations: r.log.map((e) => e.iteration),
      };
    }),
  };
}

/**
 * deps: {t, plots, hook, catalog, race() (the page's race: {record, labels}), sent() (the
 * start message of that race), problem() (a name for files), message(text)}.
 */
export function mountRegressionExport(el, statusEl, deps) {
  const { t, plots, hook } = deps;
  const needRun = () => {
    const race = deps.race();
    if (!race || !race.record.racers.some((r) => r.log.length)) throw new Error(t("export.no_run"));
    return { record: race.record, labels: race.labels, sent: deps.sent() };
  };
  const stem = (...parts) => fileStem(deps.problem(), ...parts);
  const landDivs = (view) => (plots.view3d ? [view.divs.d3] : [view.divs.base, view.divs.batch, view.divs.overlay]);
  async function html() {
    const run = needRun();
    const land = plots.main.land;
    if (!land) throw new Error(t("export.no_run"));
    const title = `Lereng · ${t("lab.regression")}`;
    const figure = regressionFigure({
      land, record: run.record, labels: run.labels, style: (i) => plots.style(i), onLand: (i) => plots.main.own(i),
      start: plots.start, lossLog: plots.lossLog, t, title: `${t(`reg.problem_${run.sent.model}`)} · ${t("reg.view_landscape")}`,
      twin: plots.twin && plots.twinView.land ? { land: plots.twinView.land, onLand: (i) => plots.twinView.own(i) } : null,
    });
    const steps = run.record.step;
    const page = interactiveHtml({ title, heading: title, note: t("export.html_note", { steps }), figure, plotly: await plotlySource(), lang: language() });
    download(`${stem("run")}.html`, page, "text/html");
  }
  const items = () => [
    { id: "share", label: t("export.share"), run: async () => { hook.shared = await shareLink(statusEl, t); } },
    { id: "png-data", label: t("export.png_data"), run: () => downloadPng(plots.divs.data, `${stem("data")}.png`) },
    { id: "png-landscape", label: t("export.png_landscape"), run: () => downloadPng(landDivs(plots.main), `${stem("landscape")}.png`) },
    ...(plots.twin ? [{ id: "png-landscape-twin", label: t("export.png_landscape_twin"), run: () => downloadPng(landDivs(plots.twinView), `${stem("landscape-mse")}.png`) }] : []),
    { id: "png-loss", label: t("export.png_loss"), run: () => downloadPng(plots.divs.loss, `${stem("loss")}.png`) },
    {
      id: "csv", label: t("export.csv"),
      run: () => {
        const { columns, rows } = regressionCsv(needRun());
        download(`${stem("run")}.csv`, toCsv(columns, rows), "text/csv");
      },
    },
    { id: "json", label: t("export.json"), run: () => download(`${stem("run")}.json`, toJson(regressionJson(needRun(), { catalog: deps.catalog, link: location.href })), "application/json") },
    { id: "html", label: t("export.html"), run: html },
  ];
  const menu = mountExportMenu(el, {
    items: items(),
    hook,
    message: deps.message,
  });
  // The twin's landscape comes and goes with twin mode: the list follows when it opens.
  el.addEventListener("toggle", () => {
    if (el.open) menu.translate(items());
  });
  return { translate: () => menu.translate(items()) };
}
