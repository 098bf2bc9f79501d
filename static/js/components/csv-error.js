// The heading and text of a refused CSV file, shared by the regression and network labs.

import { h } from "./emit.js";

/** Nodes for a CSV refusal: "Refused (row 7):" then the message; most messages open with their
 * row ("row 7, column ..."), and then the heading need not say it too. */
export function csvErrorNodes(err, t) {
  const row = err.body && Number.isInteger(err.body.row) ? err.body.row : null;
  const named = row !== null && Number((err.message.match(/\d+/) || [])[0]) === row;
  return [h("strong", { text: row && !named ? t("reg.csv_bad_row", { row }) : t("reg.csv_bad") }), " ", err.message];
}
