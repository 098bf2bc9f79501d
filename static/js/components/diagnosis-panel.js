// #diagnosis: the racers' current diagnosis labels, grouped by label, each with its one-line
// explanation. Text and a racer glyph carry the meaning; colour only repeats it.

import { racerStyle } from "../state.js";

export const DIAGNOSES = ["diverging", "outside_domain", "unbounded", "overfitting", "oscillating", "momentum", "noisy", "saddle", "plateau", "too_small", "converged", "stationary"];

/** labels: one {key} or null per racer; names: racer labels (for screen readers). */
export function mountDiagnosisPanel(el, { t }) {
  const list = el.querySelector("ul");
  let last = { labels: [], names: [] };
  const api = {
    show(labels, names) {
      last = { labels, names };
      const groups = new Map();
      labels.forEach((l, i) => {
        if (!l) return;
        if (!groups.has(l.key)) groups.set(l.key, []);
        groups.get(l.key).push(i);
      });
      const keys = DIAGNOSES.filter((k) => groups.has(k));
      const sig = keys.map((k) => `${k}:${groups.get(k).join(",")}`).join(";");
      el.hidden = keys.length === 0;
      if (sig === list.dataset.sig) return; // nothing changed: leave the DOM (and readers) alone
      list.dataset.sig = sig;
      list.replaceChildren(
        ...keys.map((key) => {
          const li = document.createElement("li");
          li.className = `diag diag-${key}`;
          li.dataset.key = key;
          const who = document.createElement("span");
          who.className = "diag-who";
          for (const i of groups.get(key)) {
            const g = document.createElement("span");
            const s = racerStyle(i);
            g.textContent = s.glyph;
            g.style.color = s.color;
            g.title = names[i] || "";
            who.append(g);
          }
          const sr = document.createElement("span");
          sr.className = "visually-hidden";
          sr.textContent = groups.get(key).map((i) => names[i]).join(", ") + ": ";
          const name = document.createElement("strong");
          name.textContent = t(`diag.${key}`);
          const why = document.createElement("span");
          why.className = "diag-why";
          why.textContent = ` ${t(`diag.${key}_why`)}`;
          li.title = `${name.textContent}: ${why.textContent.trim()}`;
          li.append(who, sr, name, why);
          return li;
        }),
      );
    },
    translate() {
      list.dataset.sig = "";
      api.show(last.labels, last.names);
    },
  };
  return api;
}
