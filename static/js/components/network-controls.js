// The network lab's control column above the run controls: data (dataset, noise, points, test
// share, seed, CSV file and columns), input features, hidden layers (+/- buttons), activation,
// Loss Function (auto follows the task; the server's note on a mismatch), L1/L2, heatmap cadence.
// Emits change-network {patch}, upload-csv {file}, choose-csv {x: [i, j], y}.

import { defaultLoss, FEATURE_LABELS, FEATURES, taskOf, UI_LIMITS } from "../network-state.js";
import { csvErrorNodes } from "./csv-error.js";
import { emit, h } from "./emit.js";
import { mountFilePick } from "./file-pick.js";

export function mountNetworkControls(root, { t, limits }) {
  const $ = (sel) => root.querySelector(sel);
  const maxLayers = limits.max_hidden_layers || UI_LIMITS.layers;
  const maxWidth = limits.max_layer_width || UI_LIMITS.width;
  const change = (patch) => emit(root, "change-network", { patch });
  let state = null;

  $("#net-dataset").addEventListener("change", (e) => change({ dataset: e.target.value }));
  $("#net-activation").addEventListener("change", (e) => change({ activation: e.target.value }));
  $("#net-loss").addEventListener("change", (e) => change({ loss: e.target.value || null }));

  // Number boxes: clamped to their min/max, rounded when their step is whole.
  const numbers = [["#net-noise", "noise"], ["#net-n", "n"], ["#net-test", "testFraction"], ["#net-seed", "seed"],
    ["#net-l1", "l1"], ["#net-l2", "l2"], ["#net-every", "heatmapEvery"]];
  for (const [sel, key] of numbers) {
    const input = $(sel);
    if (key === "n") input.max = String(limits.max_dataset_rows || UI_LIMITS.rows);
    input.addEventListener("change", () => {
      let v = Number(input.value);
      if (!Number.isFinite(v) || input.value.trim() === "") v = state[key];
      v = Math.min(Number(input.max), Math.max(Number(input.min), v));
      if (Number(input.step) === 1 || key === "n") v = Math.round(v);
      input.value = String(v);
      if (v !== state[key]) change({ [key]: v });
    });
  }

  const file = $("#csv-input");
  file.addEventListener("change", () => {
    if (file.files && file.files[0]) emit(root, "upload-csv", { file: file.files[0] });
  });
  mountFilePick(file);
  const csvSelects = [$("#csv-x1"), $("#csv-x2"), $("#csv-y")];
  for (const s of csvSelects) {
    s.addEventListener("change", () => {
      const [a, b, y] = csvSelects.map((x) => Number(x.value));
      emit(root, "choose-csv", { x: [a, b], y });
    });
  }

  const chips = $("#feature-chips");
  chips.addEventListener("change", () => {
    const on = FEATURES.filter((f) => chips.querySelector(`input[value="${f}"]`).checked);
    if (!on.length) {
      // At least one input: the last box stays ticked.
      renderFeatures();
      return;
    }
    change({ features: on });
  });

  $("#layers-minus").addEventListener("click", () => change({ hidden: state.hidden.slice(0, -1) }));
  $("#layers-plus").addEventListener("click", () => {
    const last = state.hidden.length ? state.hidden[state.hidden.length - 1] : 4;
    change({ hidden: [...state.hidden, last] });
  });
  const layerList = $("#layer-list");
  layerList.addEventListener("click", (event) => {
    const b = event.target.closest("button[data-layer]");
    if (!b) return;
    const l = Number(b.dataset.layer);
    const hidden = [...state.hidden];
    hidden[l] = Math.min(maxWidth, Math.max(1, hidden[l] + Number(b.dataset.delta)));
    if (hidden[l] !== state.hidden[l]) change({ hidden });
  });

  function renderFeatures() {
    chips.replaceChildren(...FEATURES.map((f) => h("label", { class: "chip" },
      h("input", { type: "checkbox", value: f, checked: state.features.includes(f), id: `feat-${f}` }),
      h("span", { text: FEATURE_LABELS[f] }))));
  }

  function renderLayers() {
    $("#layers-count").textContent = String(state.hidden.length);
    $("#layers-minus").disabled = state.hidden.length === 0;
    $("#layers-plus").disabled = state.hidden.length >= maxLayers;
    layerList.replaceChildren(...state.hidden.map((w, l) => h("li", { class: "layer-row" },
      h("span", { class: "layer-name", text: t("net.layer_n", { n: l + 1 }) }),
      h("button", { type: "button", class: "button small step-btn", dataset: { layer: String(l), delta: "-1" }, disabled: w <= 1, "aria-label": t("net.unit_remove", { n: l + 1 }), text: "−" }),
      h("strong", { class: "layer-value", text: String(w) }),
      h("button", { type: "button", class: "button small step-btn", dataset: { layer: String(l), delta: "1" }, disabled: w >= maxWidth, "aria-label": t("net.unit_add", { n: l + 1 }), text: "+" }),
      h("span", { class: "layer-unit", text: t("net.neurons") }))));
  }

  const api = {
    show(next) {
      state = next;
      const csv = state.dataset === "csv";
      $("#net-dataset").value = state.dataset;
      $("#net-gen-fields").hidden = csv;
      $("#csv-box").hidden = !csv;
      $("#net-noise").value = String(state.noise);
      $("#net-n").value = String(state.n);
      $("#net-test").value = String(state.testFraction);
      $("#net-seed").value = String(state.seed);
      $("#net-activation").value = state.activation;
      $("#net-loss").value = state.loss || "";
      // Cross-entropy needs class labels: not offered for a regression target.
      for (const o of $("#net-loss").options) o.disabled = taskOf(state) === "regression" && (o.value === "bce" || o.value === "ce");
      $("#net-loss-auto").textContent = t("net.loss_auto", { loss: t(`net.loss_short_${defaultLoss(state)}`) });
      $("#net-l1").value = String(state.l1);
      $("#net-l2").value = String(state.l2);
      $("#net-every").value = String(state.heatmapEvery);
      renderFeatures();
      renderLayers();
      api.showCsv(state.csv);
    },
    showCsv(csv) {
      $("#csv-columns").hidden = !csv;
      if (!csv) return;
      const opts = (sel) => csv.columns.map((c, i) => h("option", { value: String(i), text: c, selected: i === sel }));
      csvSelects[0].replaceChildren(...opts(csv.x[0]));
      csvSelects[1].replaceChildren(...opts(csv.x[1]));
      csvSelects[2].replaceChildren(...opts(csv.y));
      $("#csv-summary").textContent = t(csv.kept < csv.rows ? "reg.csv_summary_thinned" : "reg.csv_summary", {
        rows: csv.rows, columns: csv.columns.length, kept: csv.kept,
      }) + ` · ${t(`net.task_${csv.task}`)}`;
    },
    /** The server's word on a loss that does not match the task (null hides it). */
    showLossNote(note) {
      $("#loss-note").hidden = !note;
      $("#loss-note").textContent = note || "";
    },
    showCsvError(err) {
      const box = $("#csv-error");
      box.hidden = !err;
      file.toggleAttribute("aria-invalid", Boolean(err));
      box.replaceChildren();
      if (!err) return;
      box.append(...csvErrorNodes(err, t));
    },
    translate() {
      for (const g of root.querySelectorAll("[data-i18n-label]")) g.label = t(g.dataset.i18nLabel);
      if (state) api.show(state);
    },
  };
  return api;
}
