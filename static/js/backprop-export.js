// The backprop lab's Export menu: the link, the computational graph and the landscape as PNG,
// and the current pass as CSV (one row per node: value and gradient; the update; every trained
// step's weights and loss) and JSON (the settings, the graph's numbers, the training history,
// the quiz's score and answers), and the pass step by step as one self-contained HTML file
// (backprop-html.js).

import { download, downloadPng, fileStem, mountExportMenu, shareLink, toCsv, toJson } from "./export.js";
import { layersPng } from "./export-png.js";
import { passFrames, passHtml, inlineSvg } from "./backprop-html.js";
import { requestBody } from "./backprop-state.js";
import { language } from "./i18n.js";

export const CSV_COLUMNS = ["section", "step", "node", "label", "kind", "op", "value", "grad"];

// A batch gives a node one number per example: such a cell holds the list as JSON.
const cell = (v) => (v === null || v === undefined || typeof v === "number" ? v ?? null : JSON.stringify(v));

/** history: {losses: [], params: {name: []}} or null. */
export function backpropCsvRows(graph, history) {
  // One step count for the whole file: history step k holds the numbers after k updates, so
  // the pass on screen (after every update so far) is step k = last, and its update k + 1.
  const now = history ? history.losses.length - 1 : 0;
  const kindOf = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const kind = (name) => kindOf.get(name) || "weight"; // a bias is said as one
  const rows = graph.nodes.map((n) => ["node", now, n.id, n.label, n.kind, n.op, cell(n.value), cell(n.grad)]);
  for (const u of graph.update) rows.push(["update", now + 1, u.param, u.param, kind(u.param), null, u.after, u.grad]);
  if (history) {
    const names = Object.keys(history.params);
    history.losses.forEach((loss, k) => {
      for (const name of names) rows.push(["history", k, name, name, kind(name), null, history.params[name][k], null]);
      rows.push(["history", k, "L", "L", "loss", null, loss, null]);
    });
  }
  return rows;
}

/** quiz: the quiz's results (score and scored answers) or null before the first answer. */
export function backpropJson(state, graph, history, link, quiz = null) {
  return {
    app: "lereng",
    kind: "backprop-pass",
    config: { ...requestBody(state), axes: state.axes, cursor: state.cursor, link },
    loss: graph.loss,
    loss_after: graph.loss_after,
    nodes: graph.nodes.map(({ id, label, kind, op, shape, value, grad }) => ({ id, label, kind, op, shape, value, grad })),
    edges: graph.edges,
    forward: graph.forward,
    backward: graph.backward,
    update: graph.update,
    history: history ? { steps: history.losses.map((_, k) => k), losses: history.losses, params: history.params } : null,
    quiz,
  };
}

/** The graph's SVG as a PNG Blob (at `scale`, on white), its CSS inlined. */
export async function svgPng(svg, { scale = 2 } = {}) {
  const box = svg.getBoundingClientRect();
  const w = Math.max(1, Math.round(box.width));
  const h = Math.max(1, Math.round(box.height));
  const markup = inlineSvg(svg, w, h);
  return layersPng([`data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`], w, h, { scale });
}

/** deps: {t, hook, state, graph(), history(), quiz(), svg, landscape (div), message(text)}. */
export function mountBackpropExport(el, statusEl, deps) {
  const { t, hook, state } = deps;
  const stem = (part) => fileStem("backprop", state.network, part);
  const need = () => {
    const graph = deps.graph();
    if (!graph) throw new Error(t("export.no_run"));
    return graph;
  };
  const items = () => [
    { id: "share", label: t("export.share"), run: async () => { hook.shared = await shareLink(statusEl, t); } },
    { id: "png-graph", label: t("export.png_graph"), run: async () => download(`${stem("graph")}.png`, await svgPng(deps.svg)) },
    { id: "png-landscape", label: t("export.png_landscape"), run: () => downloadPng(deps.landscape, `${stem("landscape")}.png`) },
    { id: "csv", label: t("export.bp_csv"), run: () => download(`${stem("pass")}.csv`, toCsv(CSV_COLUMNS, backpropCsvRows(need(), deps.history())), "text/csv") },
    { id: "json", label: t("export.bp_json"), run: () => download(`${stem("pass")}.json`, toJson(backpropJson(state, need(), deps.history(), location.href, deps.quiz())), "application/json") },
    { id: "html", label: t("export.html"), run: html },
  ];
  function html() {
    const { frames, css } = passFrames(need(), deps.svg, t);
    const page = passHtml({
      title: `Lereng · Backprop · ${t(`bp.net_${state.network}`)}`,
      note: t("export.bp_html_note"),
      frames,
      css,
      lang: language(),
      stepLabel: t("hover.step"),
    });
    download(`${stem("pass")}.html`, page, "text/html");
  }
  const menu = mountExportMenu(el, {
    items: items(),
    hook,
    message: deps.message,
  });
  return { translate: () => menu.translate(items()) };
}
