// The network lab's Export menu: the link to this set-up, a PNG of each plot and of the network
// diagram, the run as CSV (one row per recorded step) and JSON (settings, curves, final
// parameters with their layer layout, the data), and one self-contained animated HTML file.

import {
  download, downloadPng, fileStem, interactiveHtml, mountExportMenu, plotlySource, shareLink, toCsv, toJson,
} from "./export.js";
import { language } from "./i18n.js";
import { animatedNetworkFigure } from "./network-animation.js";

const $ = (sel) => document.querySelector(sel);

/** CSV header for a network with `layers` weight matrices. */
export function csvColumns(layers) {
  const per = (name) => Array.from({ length: layers }, (_, l) => `${name}_${l + 1}`);
  return ["step", "train_loss", "test_loss", "train_acc", "test_acc", "objective", ...per("weight_norm"), ...per("grad_norm")];
}

/** One row per recorded step, the numbers exactly as the page received them. */
export function csvRows(record) {
  return record.steps.map((step, k) => [
    step, record.trainLoss[k], record.testLoss[k], record.trainAcc[k], record.testAcc[k], record.loss[k],
    ...record.wNorms.map((ys) => ys[k] ?? null), ...record.gNorms.map((ys) => ys[k] ?? null),
  ]);
}

/** The final parameters, flat and as each layer's matrix (rows = inputs, columns = units). */
export function parametersOf(problem, point) {
  const layers = problem.layers.map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const flat = point.slice(spec.offset, spec.offset + size);
    const [rows, cols] = spec.shape;
    const values = spec.shape.length === 2 ? Array.from({ length: rows }, (_, i) => flat.slice(i * cols, (i + 1) * cols)) : flat;
    return { ...spec, values };
  });
  return { flat: point, layers };
}

/** Settings, curves, final parameters and the data: what a notebook needs to redo the run. */
export function runJson(problem, record, config) {
  const pick = (...keys) => Object.fromEntries(keys.map((k) => [k, problem[k] ?? null]));
  return {
    app: "lereng",
    kind: "network-run",
    config,
    problem: pick("dataset", "task", "classes", "class_names", "loss", "features", "hidden", "activation", "l1", "l2", "dim", "x_names", "domain"),
    status: record.status,
    reason: record.reason,
    stopped_at: record.stoppedAt,
    skipped_frames: record.skipped,
    curves: {
      steps: record.steps,
      train_loss: record.trainLoss,
      test_loss: record.testLoss,
      train_acc: record.trainAcc,
      test_acc: record.testAcc,
      objective: record.loss,
      weight_norms: record.wNorms,
      grad_norms: record.gNorms,
    },
    parameters: { step: record.step, ...parametersOf(problem, record.point) },
    data: { train: problem.train, test: problem.test },
  };
}

/** The diagram's SVG as a standalone file: page styles inlined, on white. */
function standaloneSvg(svg) {
  const box = svg.getBoundingClientRect();
  const [, , vw, vh] = (svg.getAttribute("viewBox") || "0 0 600 400").split(" ").map(Number);
  const w = Math.round(box.width || vw);
  const h = Math.round(box.height || vh);
  const copy = svg.cloneNode(true);
  const style = getComputedStyle(svg);
  copy.setAttribute("width", w);
  copy.setAttribute("height", h);
  copy.setAttribute("font-family", style.fontFamily);
  copy.setAttribute("fill", style.fill);
  const heads = svg.querySelectorAll(".net-head");
  copy.querySelectorAll(".net-head").forEach((node, k) => {
    const s = getComputedStyle(heads[k]);
    node.setAttribute("fill", s.fill);
    node.setAttribute("font-weight", s.fontWeight);
  });
  const paper = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  for (const [k, v] of Object.entries({ x: 0, y: 0, width: "100%", height: "100%", fill: "#ffffff" })) paper.setAttribute(k, v);
  copy.prepend(paper);
  return { text: new XMLSerializer().serializeToString(copy), w, h };
}

/** PNG of the diagram: its SVG (units' pictures are data: images) drawn on a canvas at `scale`. */
async function diagramPng(svg, scale = 2) {
  const { text, w, h } = standaloneSvg(svg);
  const img = new Image();
  await new Promise((resolve, reject) => {
    img.onload = resolve;
    img.onerror = () => reject(new Error("could not draw the network diagram"));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  });
  const canvas = document.createElement("canvas");
  canvas.width = w * scale;
  canvas.height = h * scale;
  canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

/**
 * deps: {t, plots, hook, race: () => the race ({record, problem}), request: () => the run's
 * settings, label: () => the optimizer's label, message(text)}.
 */
export function mountNetworkExport(deps) {
  const { t, plots, hook } = deps;
  const share = async () => {
    hook.shared = await shareLink($("#share-status"), t);
  };

  const stem = (...parts) => {
    const r = deps.race();
    return fileStem(r && r.problem ? r.problem.dataset : "network", ...parts);
  };
  const needRun = () => {
    const r = deps.race();
    if (!r || !r.record || !r.problem || r.record.step < 1) throw new Error(t("export.net_no_run"));
    return r;
  };
  const png = (div, name) => () => downloadPng(div, `${stem(name)}.png`);
  const landscapePng = () => {
    if (!plots.land) throw new Error(t("export.net_no_landscape"));
    return downloadPng(plots.view3d ? plots.divs.land3d : plots.divs.land, `${stem("landscape")}.png`);
  };
  const config = () => ({ ...deps.request(), link: location.href });

  async function exportHtml() {
    const { problem, record } = needRun();
    const figure = animatedNetworkFigure(problem, record, { t, names: plots.names, logLoss: plots.lossLog });
    const title = `Lereng · ${t("net.html_title", { dataset: $("#net-dataset").selectedOptions[0]?.textContent || problem.dataset })}`;
    const layers = problem.hidden.length ? problem.hidden.join(" × ") : "0";
    const html = interactiveHtml({
      title,
      heading: title,
      note: t("export.net_html_note", { steps: record.step, layers, activation: problem.activation, optimizer: deps.label() }),
      figure,
      plotly: await plotlySource(),
      lang: language(),
    });
    download(`${stem("run")}.html`, html, "text/html");
  }

  const items = () => [
    { id: "share", label: t("export.share"), run: share },
    { id: "png-boundary", label: t("export.net_png_boundary"), run: png(plots.divs.data, "boundary") },
    { id: "png-diagram", label: t("export.net_png_diagram"), run: async () => download(`${stem("diagram")}.png`, await diagramPng($("#net-diagram svg"))) },
    { id: "png-landscape", label: t("export.net_png_landscape"), run: landscapePng },
    { id: "png-loss", label: t("export.png_loss"), run: png(plots.divs.loss, "loss") },
    { id: "png-acc", label: t("export.net_png_acc"), run: png(plots.divs.acc, "accuracy") },
    { id: "png-norms", label: t("export.net_png_norms"), run: png(plots.divs.norms, `${plots.norms}-norms`) },
    {
      id: "csv", label: t("export.net_csv"),
      run: () => {
        const { record } = needRun();
        download(`${stem("run")}.csv`, toCsv(csvColumns(record.wNorms.length), csvRows(record)), "text/csv");
      },
    },
    {
      id: "json", label: t("export.net_json"),
      run: () => {
        const { problem, record } = needRun();
        download(`${stem("run")}.json`, toJson(runJson(problem, record, config())), "application/json");
      },
    },
    { id: "html", label: t("export.html"), run: exportHtml },
  ];

  const menu = mountExportMenu($("#export-menu"), {
    items: items(),
    hook,
    message: deps.message,
  });
  return { translate: () => menu.translate(items()) };
}
