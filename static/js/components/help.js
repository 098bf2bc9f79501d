/** The shortcuts dialog ("?") and the concept explanations beside controls ("?" toggles). */

import { h } from "./emit.js";

/**
 * #shortcuts-dialog (in base.html): a modal <dialog>, so focus stays inside while it is open and
 * Escape closes it natively; focus returns to whatever had it before.
 */
export function mountShortcutsDialog(dialog, opener) {
  let returnTo = null;
  const api = {
    isOpen: () => dialog.open,
    open() {
      if (dialog.open) return;
      returnTo = document.activeElement;
      dialog.showModal();
      opener?.setAttribute("aria-expanded", "true");
    },
    close() {
      if (dialog.open) dialog.close();
    },
    toggle() {
      if (dialog.open) api.close();
      else api.open();
    },
  };
  dialog.addEventListener("close", () => {
    opener?.setAttribute("aria-expanded", "false");
    if (returnTo && typeof returnTo.focus === "function") returnTo.focus();
  });
  // A click on the backdrop (outside the dialog's box) closes it too.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) api.close();
  });
  opener?.addEventListener("click", () => api.open());
  return api;
}

/**
 * Concept explanations: a small "?" button (aria-expanded, aria-controls) beside a control shows
 * or hides a one- or two-line explanation under it. One delegated listener serves every toggle,
 * including those components create later (the Learning Rate row of each racer card).
 * Templates use the macros in templates/_hints.html; components call conceptHint().
 */
export function mountConceptHints(root = document) {
  root.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest(".hint-toggle, .hint-question") : null;
    if (!button) return;
    const text = document.getElementById(button.getAttribute("aria-controls"));
    if (!text) return;
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    text.hidden = !open;
  });
}

let serial = 0;

/**
 * A "?" toggle and its hidden explanation for concept `name` (catalog keys hint.<name> for the
 * text and hint.<name>_q for the button's accessible name). Returns {button, text}: put the
 * button beside the control's label and the text under the control.
 */
export function conceptHint(name, t) {
  serial += 1;
  const id = `hint-${name}-${serial}`;
  const button = h("button", {
    type: "button",
    class: "hint-toggle",
    "aria-expanded": "false",
    "aria-controls": id,
    "aria-label": t(`hint.${name}_q`),
    title: t(`hint.${name}_q`),
    dataset: { i18nAriaLabel: `hint.${name}_q`, i18nTitle: `hint.${name}_q` },
    text: "?",
  });
  const text = h("p", { class: "concept-hint", id, hidden: true, dataset: { i18n: `hint.${name}` }, text: t(`hint.${name}`) });
  return { button, text };
}
