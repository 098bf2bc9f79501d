import { emit, h } from "./emit.js";

// Data settings per generator: [key, i18n key, min, max, step]; "bool" fields are checkboxes.
const FIELDS = {
  linear: [
    ["slope", "reg.slope", -10, 10, 0.5],
    ["intercept", "reg.intercept", -10, 10, 0.5],
    ["noise", "reg.noise", 0, 10, 0.1],
    ["n", "reg.n", 2, 5000, 1],
    ["seed", "reg.seed", 0, 9999, 1],
    ["outliers", "reg.outliers", "bool"],
  ],
  two_class: [
    ["separation", "reg.separation", 0, 10, 0.5],
    ["noise", "reg.noise", 0, 10, 0.1],
    ["n", "reg.n", 2, 5000, 1],
    ["seed", "reg.seed", 0, 9999, 1],
  ],
  blobs: [
    ["classes", "reg.classes", 3, 5, 1],
    ["spread", "reg.spread", 0.1, 10, 0.1],
    ["n", "reg.n", 3, 5000, 1],
    ["seed", "reg.seed", 0, 9999, 1],
  ],
};

/**
 * #data-panel: the problem picker, the generator's settings, and the CSV box (file, columns,
 * model; a refusal shown inline with its row). Emits select-problem {problem},
 * change-data {values}, upload-csv {file}, choose-csv {xcol, ycol, model}.
 */
export function mountDataPanel(el, { t, maxRows }) {
  const select = el.querySelector("#problem-select");
  const note = el.querySelector("#problem-note");
  const fields = el.querySelector("#data-fields");
  const csvBox = el.querySelector("#csv-box");
  const file = el.querySelector("#csv-input");
  const error = el.querySelector("#csv-error");
  const columns = el.querySelector("#csv-columns");
  const xSel = el.querySelector("#csv-x");
  const ySel = el.querySelector("#csv-y");
  const model = el.querySelector("#csv-model");
  const summary = el.querySelector("#csv-summary");
  let shown = null; // {problem, values, csv}

  select.addEventListener("change", () => emit(el, "select-problem", { problem: select.value }));
  file.addEventListener("change", () => {
    if (file.files && file.files[0]) emit(el, "upload-csv", { file: file.files[0] });
  });
  const choose = () => emit(el, "choose-csv", { xcol: Number(xSel.value), ycol: Number(ySel.value), model: model.value });
  for (const s of [xSel, ySel, model]) s.addEventListener("change", choose);

  function renderFields() {
    const { problem, values } = shown;
    if (problem === "csv" || !values) {
      fields.replaceChildren();
      return;
    }
    const spec = FIELDS[values.generator];
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
          let v = Number(input.value);
          if (!Number.isFinite(v)) v = values[key];
          v = Math.min(Number(input.max), Math.max(min, step === 1 ? Math.round(v) : v));
          input.value = String(v);
          emit(el, "change-data", { values: { ...values, [key]: v } });
        });
        return h("label", { class: "data-field" }, h("span", { text: t(label) }), input);
      }),
    );
  }

  const api = {
    show(problem, values, csv) {
      shown = { problem, values, csv };
      select.value = problem;
      note.textContent = t(`reg.note_${problem}`);
      csvBox.hidden = problem !== "csv";
      renderFields();
      api.showCsv(csv);
    },
    showCsv(csv) {
      columns.hidden = !csv;
      if (!csv) return;
      const opts = (selected) => csv.columns.map((c, i) => h("option", { value: String(i), text: c, selected: i === selected }));
      xSel.replaceChildren(...opts(csv.xcol));
      ySel.replaceChildren(...opts(csv.ycol));
      model.value = csv.model;
      summary.textContent = t(csv.kept < csv.rows ? "reg.csv_summary_thinned" : "reg.csv_summary", {
        rows: csv.rows, columns: csv.columns.length, kept: csv.kept,
      });
    },
    /** A refused file: the server's message (naming the row) in red under the input. */
    showCsvError(err) {
      error.hidden = !err;
      file.toggleAttribute("aria-invalid", Boolean(err));
      error.replaceChildren();
      if (!err) return;
      const row = err.body && Number.isInteger(err.body.row) ? err.body.row : null;
      error.append(h("strong", { text: row ? t("reg.csv_bad_row", { row }) : t("reg.csv_bad") }), " ", err.message);
    },
    translate() {
      if (shown) api.show(shown.problem, shown.values, shown.csv);
    },
  };
  return api;
}
