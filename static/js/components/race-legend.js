import { racerStyle, statusText } from "../state.js";
import { h } from "./emit.js";

/** "lr 0.05" and "momentum 0.9" never split over two lines: on a projector the legend's
 * narrow column left "lr" at the end of one line and "0.05" alone on the next. */
const keepValuesWhole = (label) => label.replace(/(\S) (?=[−-]?\d)/g, "$1\u00a0");

/** #race-legend: one entry per racer (colour, shape, label) with its status in words, and
 * optionally a short extra text per racer (the regression lab's epochs and iterations). */
export function mountRaceLegend(el, { t }) {
  return {
    show(labels, race, extras = null) {
      el.replaceChildren(
        ...labels.map((label, i) => {
          const style = racerStyle(i);
          const r = race ? race.racers[i] : null;
          const status = r && r.status !== "running" ? statusText(r, t) : "";
          return h(
            "li",
            { class: `legend-item status-${r ? r.status : "idle"}`, style: `--racer: ${style.color}`, dataset: { racer: String(i) } },
            h("span", { class: "legend-glyph", "aria-hidden": "true", text: style.glyph }),
            h("span", { class: "legend-label", text: keepValuesWhole(label) }),
            extras && extras[i] ? h("span", { class: "legend-extra", text: extras[i], title: extras[i] }) : null,
            status ? h("span", { class: "legend-status", text: status, title: status }) : null,
          );
        }),
      );
    },
  };
}
