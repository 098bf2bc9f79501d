import { localText } from "../i18n.js";
import { emit, h } from "./emit.js";

const CUSTOM = "__custom__";

/**
 * #problem-panel: surface picker with its formula, the custom formula box (with the server's
 * refusal shown under it, caret at the column), and the start point.
 * Emits select-surface {id}, draw-expression {text}, move-start {start}.
 */
export function mountProblemPanel(el, { functions, limits, t }) {
  const select = el.querySelector("#surface-select");
  const formula = el.querySelector("#surface-formula");
  const note = el.querySelector("#surface-note");
  const form = el.querySelector("#expression-form");
  const input = el.querySelector("#expression-input");
  const error = el.querySelector("#expression-error");
  const startX = el.querySelector("#start-x");
  const startY = el.querySelector("#start-y");
  input.maxLength = limits.max_expression_chars;
  let shownInfo = null;

  /** The surface's note in the page's language (catalog note.<id>), else the server's English. */
  function showNote() {
    const info = shownInfo;
    const text = info && info.note ? localText(info.note, info.note_key) : "";
    note.textContent = text;
    note.hidden = !text;
  }

  const options = () => [
    // Descriptive names have a catalog entry (surface.name.<id>); people's names stay as they are.
    ...functions.map((f) => h("option", { value: f.id, text: localText(f.name, `surface.name.${f.id}`) })),
    h("option", { value: CUSTOM, text: t("problem.custom_option") }),
  ];
  select.replaceChildren(...options());

  select.addEventListener("change", () => {
    if (select.value === CUSTOM) {
      input.focus();
      if (input.value.trim()) emit(el, "draw-expression", { text: input.value.trim() });
      return;
    }
    emit(el, "select-surface", { id: select.value });
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text) emit(el, "draw-expression", { text });
  });
  input.addEventListener("input", () => {
    if (!error.hidden) api.showError(null);
  });
  const onStart = () => {
    const x = Number(startX.value);
    const y = Number(startY.value);
    if (Number.isFinite(x) && Number.isFinite(y) && startX.value !== "" && startY.value !== "") {
      emit(el, "move-start", { start: [x, y] });
    }
  };
  startX.addEventListener("change", onStart);
  startY.addEventListener("change", onStart);

  const api = {
    /** Show the surface being drawn: a catalog entry, or the user's formula. */
    showSurface(surface, info) {
      if (surface.function) {
        select.value = surface.function;
      } else {
        select.value = CUSTOM;
        input.value = surface.expression;
      }
      formula.textContent = info ? `f(x, y) = ${info.formula}` : "";
      shownInfo = info;
      showNote();
    },
    showStart(start) {
      // The start as the run uses it: rounding it here would show a point the race does not
      // start from (99999 read as 100000). Clicked starts are already tidy.
      const shown = (v) => String(Number(v.toPrecision(12)));
      startX.value = shown(start[0]);
      startY.value = shown(start[1]);
    },
    /** A refused formula: the message in red under the box, a caret under the column. */
    showError(err) {
      if (!err) {
        error.hidden = true;
        input.removeAttribute("aria-invalid");
        return;
      }
      const text = input.value;
      error.querySelector(".caret-text").textContent = text;
      const column = Number.isInteger(err.column) ? err.column : null;
      const mark = error.querySelector(".caret-mark");
      mark.textContent = column ? `${" ".repeat(Math.max(0, column - 1))}^` : "";
      error.querySelector(".caret-view").hidden = !column;
      error.querySelector(".error-message").textContent = err.message;
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      if (column) {
        const at = Math.min(column - 1, text.length);
        input.focus();
        input.setSelectionRange(at, Math.min(at + 1, text.length));
      }
    },
    translate() {
      showNote();
      const value = select.value;
      select.replaceChildren(...options());
      select.value = value;
    },
  };
  return api;
}
