import {
  clampHyper,
  formatNumber,
  fullHyperparameters,
  lrToSlider,
  makeRacer,
  racerStyle,
  sliderToLr,
} from "../state.js";
import { emit, h } from "./emit.js";
import { conceptHint } from "./help.js";
import { localText } from "../i18n.js";

const LR_MIN = 1e-5;
// Hyperparameters with a "?" explanation (catalog hint.<name>).
const HINTED = new Set(["momentum", "betas", "eps", "weight_decay"]);

/**
 * #optimizer-list: one card per racer (kind, Learning Rate on a log slider plus a number box,
 * the other hyperparameters from /api/optimizers with their bounds, booleans as checkboxes).
 * Emits change-racers {racers} with a new array whenever anything changes.
 * Optional hooks for other labs: newRacer(racers) makes the racer that "Add" appends, and
 * extraRows(racer, index, changed) returns elements shown under the card's head (the
 * regression lab's descent variant and batch size); racers keep any extra fields they carry.
 */
export function mountOptimizerList(el, { catalog, limits, t, newRacer = null, extraRows = null }) {
  const list = el.querySelector(".racer-cards");
  const add = el.querySelector("#add-racer");
  let racers = [];

  const changed = () => emit(el, "change-racers", { racers: racers.map((r) => ({ ...r, hp: { ...r.hp } })) });

  add.addEventListener("click", () => {
    if (racers.length >= limits.max_optimizers) return;
    const used = new Set(racers.map((r) => r.name));
    const next = catalog.find((o) => !used.has(o.id)) || catalog[0];
    racers = [...racers, newRacer ? newRacer(racers) : makeRacer(next.id)];
    render();
    changed();
    const last = list.lastElementChild && list.lastElementChild.querySelector("select");
    if (last) last.focus();
  });

  /** The server's English description, or the catalog's (hpdesc.<optimizer>.<name>, hpdesc.<name>). */
  const describe = (spec, hp) => localText(hp.description, `hpdesc.${spec.id}.${hp.name}`, `hpdesc.${hp.name}`);

  function bounds(hp) {
    const lo = hp.min === null || hp.min === undefined ? "" : `${hp.min_open ? ">" : "≥"} ${formatNumber(hp.min)}`;
    const hi = hp.max === null || hp.max === undefined ? "" : `${hp.max_open ? "<" : "≤"} ${formatNumber(hp.max)}`;
    return [lo, hi].filter(Boolean).join(", ");
  }

  function numberInput(hp, value, onValue, label) {
    const input = h("input", {
      type: "number",
      step: "any",
      min: hp.min ?? null,
      max: hp.max ?? null,
      value: String(value),
      "aria-label": label,
      inputmode: "decimal",
    });
    // An emptied box gets back the value it had before the edit (Number("") would be 0,
    // clamped to the minimum); the slider may have set that value meanwhile.
    let before = String(value);
    input.addEventListener("focus", () => {
      before = input.value;
    });
    input.addEventListener("change", () => {
      if (input.value.trim() === "") {
        input.value = before;
        return;
      }
      const v = clampHyper(hp, input.value);
      input.value = String(v);
      onValue(v);
    });
    return input;
  }

  function card(racer, index) {
    const style = racerStyle(index);
    const spec = catalog.find((o) => o.id === racer.name) || catalog[0];
    const values = fullHyperparameters(racer, catalog);
    // SGD's nesterov needs momentum > 0 and dampening = 0: said in the card as soon as the
    // combination is set, not only when the server refuses the run.
    const nesterovNote = h("p", { class: "hp-note", role: "status", text: t("err.hp_nesterov") });
    const checkNesterov = () => {
      const v = fullHyperparameters(racer, catalog);
      nesterovNote.hidden = !(v.nesterov && (!(v.momentum > 0) || v.dampening !== 0));
    };
    checkNesterov();
    const set = (name, v) => {
      racer.hp[name] = v;
      checkNesterov();
      changed();
    };
    const kind = h(
      "select",
      { class: "racer-kind", "aria-label": t("optimizers.kind", { n: index + 1 }) },
      ...catalog.map((o) => h("option", { value: o.id, text: o.name, selected: o.id === racer.name })),
    );
    kind.addEventListener("change", () => {
      racer.name = kind.value;
      racer.hp = {};
      render();
      changed();
    });
    const remove = h("button", {
      type: "button",
      class: "icon-button remove-racer",
      "aria-label": t("optimizers.remove", { n: index + 1 }),
      title: t("optimizers.remove", { n: index + 1 }),
      disabled: racers.length <= 1,
      text: "✕",
    });
    remove.addEventListener("click", () => {
      racers = racers.filter((r) => r !== racer);
      render();
      changed();
    });

    const rows = [];
    const lrSpec = spec.hyperparameters.find((x) => x.name === "lr");
    if (lrSpec) {
      const hi = lrSpec.max ?? 10;
      const slider = h("input", {
        type: "range",
        min: "0",
        max: "1000",
        step: "1",
        value: String(lrToSlider(values.lr, LR_MIN, hi)),
        class: "lr-slider",
        // Named with its racer, as the optimizer menu is: eight boxes all called "Learning
        // Rate" could not be told apart by a screen reader.
        "aria-label": `${t("optimizers.lr")} (log), ${t("optimizers.kind", { n: index + 1 })}`,
      });
      const box = numberInput(lrSpec, values.lr, (v) => {
        slider.value = String(lrToSlider(v, LR_MIN, hi));
        set("lr", v);
      }, `${t("optimizers.lr")}, ${t("optimizers.kind", { n: index + 1 })}`);
      box.classList.add("lr-box");
      slider.addEventListener("input", () => {
        box.value = String(sliderToLr(Number(slider.value), LR_MIN, hi));
      });
      slider.addEventListener("change", () => set("lr", sliderToLr(Number(slider.value), LR_MIN, hi)));
      const hint = conceptHint("lr", t);
      rows.push(
        h("div", { class: "lr-row" },
          h("span", { class: "hp-name-row" },
            h("span", { class: "hp-name", title: describe(spec, lrSpec), text: t("optimizers.lr") }),
            hint.button),
          slider,
          box),
        hint.text,
      );
    }
    const others = spec.hyperparameters.filter((x) => x.name !== "lr");
    const fields = others.flatMap((hp) => {
      const title = `${describe(spec, hp)}${bounds(hp) ? ` (${bounds(hp)})` : ""}`;
      if (!HINTED.has(hp.name)) return [field(hp, title)];
      const hint = conceptHint(hp.name, t);
      const el = field(hp, title, hint.button);
      return [el, hint.text];
    });
    function field(hp, title, hintButton = null) {
      const name = h("span", { class: "hp-name", text: hp.name });
      const head = hintButton ? h("span", { class: "hp-name-row" }, name, hintButton) : name;
      if (hp.type === "bool") {
        const box = h("input", { type: "checkbox", checked: Boolean(values[hp.name]) });
        box.addEventListener("change", () => set(hp.name, box.checked));
        return h("label", { class: "hp hp-bool", title }, box, name);
      }
      if (hp.type === "pair") {
        const pair = [...values[hp.name]];
        // Each box holds one number of the pair, checked as one.
        const inputs = [0, 1].map((j) => numberInput(
          { ...hp, type: "float", default: hp.default[j] },
          pair[j],
          (v) => {
            pair[j] = v;
            set(hp.name, [...pair]);
          },
          `${hp.name} ${j + 1}`,
        ));
        return h("div", { class: "hp hp-pair", title }, head, ...inputs);
      }
      // With a "?" button inside, the box is a div (a button inside a <label> would join the
      // input's name); the input keeps its own aria-label.
      return h(hintButton ? "div" : "label", { class: "hp", title },
        head,
        numberInput(hp, values[hp.name], (v) => set(hp.name, v), hp.name));
    }
    const changedCount = others.filter((hp) => hp.name in racer.hp).length;
    const more = h(
      "details",
      { class: "more-hp" },
      h("summary", { text: t("optimizers.more", { n: others.length }) + (changedCount ? " •" : "") }),
      h("div", { class: "hp-grid" }, ...fields),
      "nesterov" in values ? nesterovNote : null,
    );
    return h(
      "li",
      { class: "racer-card", style: `--racer: ${style.color}`, dataset: { key: String(racer.key) } },
      h("div", { class: "racer-head" },
        h("span", { class: "racer-glyph", "aria-hidden": "true", text: style.glyph }),
        kind,
        remove),
      ...(extraRows ? extraRows(racer, index, changed) : []),
      ...rows,
      others.length ? more : null,
    );
  }

  function render() {
    // Keep open <details> open across re-renders.
    const open = new Set(
      [...list.querySelectorAll(".racer-card")].filter((c) => c.querySelector("details[open]")).map((c) => c.dataset.key),
    );
    list.replaceChildren(...racers.map((r, i) => card(r, i)));
    for (const c of list.querySelectorAll(".racer-card")) {
      if (open.has(c.dataset.key)) c.querySelector("details").open = true;
    }
    add.disabled = racers.length >= limits.max_optimizers;
    add.title = add.disabled ? t("optimizers.max", { n: limits.max_optimizers }) : "";
  }

  return {
    show(next) {
      racers = next.map((r) => ({ ...r, hp: { ...r.hp } }));
      render();
    },
    /** Shows `next` and says so, as if the user had made the change. */
    replace(next) {
      racers = next.slice(0, limits.max_optimizers).map((r) => ({ ...r, hp: { ...r.hp } }));
      render();
      changed();
    },
    translate() {
      render();
    },
  };
}
