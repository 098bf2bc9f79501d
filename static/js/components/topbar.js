/** The top bar's toggles (language, projector, control column, view) and the frame they drive. */

import { emit } from "./emit.js";
import { showControls } from "./controls-drawer.js";

export const PROJECTOR_KEY = "lereng.projector";

/** ?present=1 (or any value but 0/false) in a lab's URL: open in projector mode. */
export function presentRequested(search = location.search) {
  const value = new URLSearchParams(search).get("present");
  return value !== null && !["0", "false", "no"].includes(value.toLowerCase());
}

/** A lab's own query plus the shell's ?present from the current URL, so a reload of the
 * presenter's link stays in projector mode after the lab rewrote its query. */
export function keepPresent(query) {
  const value = new URLSearchParams(location.search).get("present");
  if (value === null || new URLSearchParams(query).has("present")) return query;
  // Appended as text: re-serialising would escape the lab's readable ":" and "," again.
  return `${query}${query ? "&" : ""}present=${encodeURIComponent(value)}`;
}

/** Projector mode at page load: the presenter's link, else the last choice on this machine. */
export function projectorPreference() {
  if (presentRequested()) return true;
  try {
    return localStorage.getItem(PROJECTOR_KEY) === "1";
  } catch {
    return false;
  }
}

/** #language-toggle: EN / ID buttons; emits select-language {lang}. */
export function mountLanguageToggle(el) {
  el.dataset.mounted = "lab"; // the shell (shell.js) stands in only where no lab mounted it
  el.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-lang]");
    if (button) emit(el, "select-language", { lang: button.dataset.lang });
  });
  return {
    show(lang) {
      for (const b of el.querySelectorAll("button[data-lang]")) {
        b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
      }
    },
  };
}

/** #projector-toggle: emits toggle-projector {on}. */
export function mountProjectorToggle(el) {
  el.dataset.mounted = "lab";
  el.addEventListener("click", () => {
    emit(el, "toggle-projector", { on: el.getAttribute("aria-pressed") !== "true" });
  });
  return {
    show(on) {
      el.setAttribute("aria-pressed", String(on));
    },
  };
}

/** #controls-toggle: collapses the control column; emits toggle-controls {open}. */
export function mountControlsToggle(el) {
  el.addEventListener("click", () => {
    emit(el, "toggle-controls", { open: el.getAttribute("aria-expanded") !== "true" });
  });
  return {
    show(open) {
      el.setAttribute("aria-expanded", String(open));
    },
  };
}

/** #view-toggle: contour or 3D at narrow widths; emits select-view {view}. */
export function mountViewToggle(el) {
  el.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-view]");
    if (button) emit(el, "select-view", { view: button.dataset.view });
  });
  return {
    show(view) {
      for (const b of el.querySelectorAll("button[data-view]")) {
        b.setAttribute("aria-pressed", String(b.dataset.view === view));
      }
    },
  };
}

/** The page frame's toggles, the same in every lab: projector mode, the control column, and
 * which plot shows at narrow widths. `on` subscribes to the actions the toggles emit. */
export function wireFrameToggles(on, { state, plots, projectorToggle, controlsToggle, viewToggle }) {
  if (presentRequested() && !state.projector) {
    // Called before the lab's first render, so the first drawing already has projector lines.
    state.projector = true;
    plots.projector = true;
    projectorToggle.show(true);
    document.body.classList.add("projector");
  }
  on("toggle-projector", async ({ on: value }) => {
    state.projector = value;
    try {
      localStorage.setItem(PROJECTOR_KEY, value ? "1" : "0");
    } catch {
      // storage disabled: the choice lasts for this page only
    }
    projectorToggle.show(value);
    document.body.classList.toggle("projector", value);
    plots.projector = value;
    await plots.render();
    plots.resize();
  });
  on("toggle-controls", ({ open }) => {
    controlsToggle.show(open);
    showControls(open);
  });
  on("select-view", ({ view }) => {
    viewToggle.show(view);
    document.querySelector(".plot-row").dataset.view = view;
    requestAnimationFrame(() => plots.resize());
  });
}

/** Plot sizes follow their boxes (control column collapsed, projector type, window size),
 * at most one resize per animation frame. */
export function followPlotSizes(plots) {
  let queued = false;
  const observer = new ResizeObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      plots.resize();
    });
  });
  for (const el of document.querySelectorAll(".plot")) observer.observe(el);
}
