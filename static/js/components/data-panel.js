import { DATA_FIELDS } from "../regression-state.js";
import { csvErrorNodes } from "./csv-error.js";
import { emit, h } from "./emit.js";
import { mountFilePick } from "./file-pick.js";

/**
 * #data-panel: the problem picker, the MSE-twin switch (logistic regression), the generator's
 * settings, and the CSV box (file, model, columns; a refusal shown inline with its row).
 * Emits select-problem {problem}, toggle-twin {on}, change-data {values}, upload-csv {file},
 * choose-csv {model, xcol, x2col, ycol}.
 */
export function mountDataPanel(el, { t, maxRows }) {
  const select = el.querySelector("#problem-select");
  const note = el.querySelector("#problem-note");
  const twinField = el.querySelector("#twin-field");
  const twin = el.querySelector("#twin-toggle");
  const fields = el.querySelector("#data-fields");
  const csvBox = el.querySelector("#csv-box");
  const file = el.querySelector("#csv-input");
  const error = el.querySelector("#csv-error");
  const columns = el.querySelector("#csv-columns");
  const xSel = el.querySelector("#csv-x");
  const x2Sel = el.querySelector("#csv-x2");
  const x2Field = el.querySelector("#csv-x2-field");
  const ySel = el.querySelector("#csv-y");
  const model = el.querySelector("#csv-model");
  const summary = el.querySelector("#csv-summary");
  let shown = null; // {problem, values, csv, twin}

  // Each menu's face (a .wrap-select) shows its pick whole, at once, before the lab has
  // loaded the new problem.
  const faces = [select, model].map((s) => [s, s.parentElement.querySelector(".wrap-select-face")]);
  const showFaces = () => {
    for (const [s, face] of faces) face.textContent = s.selectedOptions[0]?.textContent ?? "";
  };
  for (const [s] of faces) s.addEventListener("change", showFaces);
  select.addEventListener("change", () => emit(el, "select-problem", { problem: select.value }));
  twin.addEventListener("change", () => emit(el, "toggle-twin", { on: twin.checked }));
  file.addEventListener("change", () => {
    if (file.files && file.files[0]) emit(el, "upload-csv", { file: file.files[0] });
  });
  mountFilePick(file);
  const choose = () =>
    emit(el, "choose-csv", { model: model.value, xcol: Number(xSel.value), x2col: Number(x2Sel.value), ycol: Number(ySel.value) });
  for (const s of [xSel, x2Sel, ySel, model]) s.addEventListener("change", choose);

  function renderFields() {
    const { problem, values } = shown;
    if (problem === "csv" || !values) {
      fields.replaceChildren();
      return;
    }
    const spec = DATA_FIELDS[values.generator];
    fields.replaceChildren(
      ...spec.map(([key, label, min, max, step]) => {
        if (min === "bool") {
          const box = h("input", { type: "checkbox", id: `data-${key}`, checked: Boolean(values[key]) });
          box.addEventListener("change", () => emit(el, "change-data", { values: { ...values, [key]: box.checked } }));
          return h("label", { class: "data-field data-bool" }, box, h("span", { text: t(label) }));
        }
        const input = h("input", {
          type: "number", id: `data-${key}`, min: String(min), max: String(key === "n" ? maxRows : max),
          step: String(step), value: String(values[key]), inputmode: "decimal",
        });
        input.addEventListener("change", () => {
          // An empty box, letters or an overflow (the browser reports all as "") is no number:
          // the box goes back to the value in use and the data stays as it was.
          let v = Number(input.value);
          if (!Number.isFinite(v) || input.value.trim() === "") v = values[key];
          v = Math.min(Number(input.max), Math.max(min, step === 1 ? Math.round(v) : v));
          input.value = String(v);
          if (v !== values[key]) emit(el, "change-data", { values: { ...values, [key]: v } });
        });
        return h("label", { class: "data-field" }, h("span", { text: t(label) }), input);
      }),
    );
  }

  const api = {
    show(problem, values, csv, { twinAvailable = false, twinOn = false } = {}) {
      shown = { problem, values, csv, twin: { twinAvailable, twinOn } };
      select.value = problem;
      showFaces();
      note.textContent = t(`reg.note_${problem}`);
      twinField.hidden = !twinAvailable;
      twin.checked = twinOn;
      csvBox.hidden = problem !== "csv";
      renderFields();
      api.showCsv(csv);
    },
    showCsv(csv) {
      columns.hidden = !csv;
      if (!csv) return;
      const text = new Set(csv.labels || []);
      // Inputs must be numbers; the class (softmax) may be numbers or words.
      const opts = (selected, numericOnly) =>
        csv.columns
          .map((c, i) => (numericOnly && text.has(i) ? null : h("option", { value: String(i), text: c, selected: i === selected })))
          .filter(Boolean);
      const soft = csv.model === "softmax";
      model.value = csv.model;
      showFaces();
      xSel.replaceChildren(...opts(csv.xcol, true));
      x2Sel.replaceChildren(...opts(csv.x2col, true));
      ySel.replaceChildren(...opts(csv.ycol, !soft));
      x2Field.hidden = !soft;
      el.querySelector("#csv-x-name").textContent = soft ? "x₁" : "x";
      el.querySelector("#csv-y-name").textContent = soft ? t("reg.class") : "y";
      summary.textContent = t(csv.kept < csv.rows ? "reg.csv_summary_thinned" : "reg.csv_summary", {
        rows: csv.rows, columns: csv.columns.length, kept: csv.kept,
      });
    },
    /** A refused file or column choice: the server's message (naming the row) in red. */
    showCsvError(err) {
      error.hidden = !err;
      file.toggleAttribute("aria-invalid", Boolean(err));
      error.replaceChildren();
      if (!err) return;
      error.append(...csvErrorNodes(err, t));
    },
    translate() {
      if (shown) api.show(shown.problem, shown.values, shown.csv, shown.twin);
    },
  };
  return api;
}
