// The regression lab's CSV file: an upload checked and thinned to fit a start message, the
// columns and model a shared link asked for (when they fit this file), and the model and
// columns chosen beside it afterwards. Each change loads the problem again.

import * as api from "./api.js";
import { t } from "./i18n.js";
import { fitRows } from "./regression-math.js";
import { csvDefaults } from "./regression-state.js";

/** budget: the bytes of rows a start message may carry (the socket's message limit). */
export function wireCsv(on, { state, panel, loadProblem, budget }) {
  on("upload-csv", async ({ file }) => {
    try {
      const resp = await api.uploadCsv(file);
      panel.showCsvError(null);
      if (resp.columns.length < 2) throw new api.ApiError(t("reg.csv_two_columns"), 422);
      // Every model here needs two number columns: x and y, or x1 and x2 beside the classes.
      if (resp.columns.length - new Set(resp.labels || []).size < 2) throw new api.ApiError(t("reg.csv_numbers"), 422);
      const perRow = JSON.stringify(resp.table.slice(0, 50)).length / Math.min(50, resp.table.length);
      const { table, kept } = fitRows(resp.table, Math.max(2, Math.floor(budget / perRow)));
      state.csv = { columns: resp.columns, rows: resp.rows, table, kept, labels: resp.labels || [], ...csvDefaults(resp, state.csvModel) };
      // A shared link's column choices apply to the file it was made with (when they fit: the
      // boxes offer no text column as an input, nor as y for linear or logistic).
      const cols = state.csvColumns;
      const linkModel = state.csvModel || state.csv.model;
      const numeric = (c) => !state.csv.labels.includes(c);
      const fits = cols && cols.every((c) => c < resp.columns.length) && numeric(cols[0]) && numeric(cols[1])
        && (linkModel === "softmax" || numeric(cols[2]));
      if (fits) Object.assign(state.csv, { model: linkModel, xcol: cols[0], x2col: cols[1], ycol: cols[2] });
      state.csvColumns = null;
      state.csvModel = null;
      loadProblem();
    } catch (err) {
      panel.showCsvError(err);
    }
  });
  on("choose-csv", ({ model, xcol, x2col, ycol }) => {
    // A new model takes the columns that model can learn (its own y, never a text column for
    // linear or logistic), not the boxes' leftovers from the last one.
    if (model !== state.csv.model) Object.assign(state.csv, csvDefaults(state.csv, model));
    else Object.assign(state.csv, { xcol, x2col, ycol });
    loadProblem();
  });
}
