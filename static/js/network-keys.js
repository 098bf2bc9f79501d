// The network lab's keys and notes in words: the class key over the data view, the line keys
// over the loss, accuracy and norm charts, and the note on a loss that does not fit the task.

import { h } from "./components/emit.js";
import { CLASS_COLOURS, CLASS_GLYPHS } from "./components/network-figures.js";
import { DASHES, LAYER_COLOURS } from "./plots-network.js";

const $ = (sel) => document.querySelector(sel);

const className = (problem, c, t) => (problem.class_names && problem.class_names[c]) || `${t("reg.class")} ${c}`;

export function classKey(problem, t) {
  const key = $("#class-key");
  if (!problem) return key.replaceChildren();
  const parts = [];
  if (problem.task === "regression") parts.push(h("span", { text: `${t("net.key_regression")} ` }));
  else {
    for (let c = 0; c < (problem.classes || 2); c += 1) {
      parts.push(h("span", { class: "class-item", style: `color: ${CLASS_COLOURS[c % 3]}`, text: `${CLASS_GLYPHS[c % 3]} ` }),
        h("span", { text: `${className(problem, c, t)}  ` }));
    }
  }
  parts.push(h("span", { class: "key-test", text: `· ${t("net.key_test")}` }));
  key.replaceChildren(...parts);
}

/** The server's note on a loss that does not fit the task, in the page's language. */
export function lossNoteText(problem, t) {
  if (!problem.loss_note) return null;
  const key = { mse: "net.note_mse", ce: "net.note_ce_binary", bce: "net.note_bce_multi" }[problem.loss];
  return key ? t(key, { classes: problem.classes }) : problem.loss_note;
}

const DASH_GLYPH = { solid: "━", dash: "╍", dot: "┈", dashdot: "━·", longdash: "━ ━", longdashdot: "━ ·" };
/** Line keys over the curves: train / test (and the objective with L1/L2), one per layer. */
export function curveKeys(problem, t) {
  const key = (colour, dash, text) => h("span", { class: "key-item", style: `color: ${colour}` }, `${DASH_GLYPH[dash]} `, h("span", { class: "key-text", text }));
  const tt = [key("#0072B2", "solid", t("net.train")), key("#D55E00", "dash", t("net.test"))];
  $("#loss-key").replaceChildren(...tt, ...(problem && (problem.l1 || problem.l2) ? [key("#5b6478", "dot", t("net.objective"))] : []));
  $("#acc-key").replaceChildren(...tt.map((x) => x.cloneNode(true)));
  const weights = problem ? problem.layers.filter((x) => x.kind === "weight").length : 0;
  $("#norms-key").replaceChildren(...Array.from({ length: weights }, (_, l) => {
    const out = l === weights - 1;
    return key(LAYER_COLOURS[out ? 6 : l % 6], DASHES[out ? 6 : l % 6], out ? t("net.layer_out") : `${t("net.layer_short")}${l + 1}`);
  }));
}
