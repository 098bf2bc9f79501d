/** The control column in a narrow window (half a laptop screen, 200% zoom): a drawer over the
 * plots that ☰ opens and ☰ or Escape closes (narrow.css draws it). */

import { emit } from "./emit.js";

/** Below 860 px the column is a drawer; narrow.css uses the same query (max-width rather than
 * the range syntax, which browsers before 2022 read as "never"). */
export const NARROW_WINDOW = "(max-width: 859.98px)";

export const isNarrow = () => matchMedia(NARROW_WINDOW).matches;

/** Opens or closes the column. The narrow drawer and the wide column keep their own state, so a
 * drawer closed for a narrow window leaves the wide column as the user had it. */
export function showControls(open) {
  if (isNarrow()) document.body.classList.toggle("drawer-open", open);
  else document.body.classList.toggle("controls-collapsed", !open);
}

const isOpen = () =>
  isNarrow() ? document.body.classList.contains("drawer-open") : !document.body.classList.contains("controls-collapsed");

const FOCUSABLE = "button, select, input, textarea, a[href], summary, [tabindex]:not([tabindex='-1'])";

/**
 * toggle: #controls-toggle; drawer: the part of #controls that slides in (.controls-scroll).
 * A page that opens narrow starts with the drawer shut, so the plots get the whole width.
 */
export function mountControlsDrawer(toggle, drawer) {
  if (!toggle || !drawer) return;
  const narrow = matchMedia(NARROW_WINDOW);
  const sync = () => toggle.setAttribute("aria-expanded", String(isOpen()));
  sync();
  narrow.addEventListener("change", () => {
    // Turning narrow, the drawer starts shut rather than covering the plots.
    if (narrow.matches) document.body.classList.remove("drawer-open");
    sync();
  });
  // After the lab has opened or closed the column (its handler runs later in the same dispatch):
  // a keyboard user lands in the opened drawer, and focus never stays behind in a shut one.
  document.addEventListener("toggle-controls", (event) => {
    const open = Boolean(event.detail && event.detail.open);
    queueMicrotask(() => {
      if (!narrow.matches) return;
      if (open) {
        const first = [...drawer.querySelectorAll(FOCUSABLE)].find((el) => !el.disabled && el.getClientRects().length);
        first?.focus();
      } else if (drawer.contains(document.activeElement)) {
        toggle.focus();
      }
    });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || !narrow.matches || !isOpen()) return;
    if (document.querySelector("dialog[open]")) return; // Escape is the dialog's
    emit(toggle, "toggle-controls", { open: false });
  });
}
