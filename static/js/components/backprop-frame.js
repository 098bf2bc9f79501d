// The backprop lab's share of the page frame: language, projector and control-column toggles,
// and the classroom keys, which the shared keyboard module (components/keyboard.js) offers to
// the lab first as "lereng:key" events: the lab takes them to step its own cursor.

import { applyTranslations, loadLanguage } from "../i18n.js";
import { isNarrow, showControls } from "./controls-drawer.js";
import { mountControlsToggle, mountLanguageToggle, mountProjectorToggle, PROJECTOR_KEY } from "./topbar.js";

const $ = (sel) => document.querySelector(sel);

/** keys: {step, play, back, reset} handlers; onLanguage and onProjector redraw; onResize after
 * the control column opens or closes. */
export function mountFrame({ version, keys, onLanguage, onProjector, onResize }) {
  document.addEventListener("lereng:key", (event) => {
    const run = keys[event.detail && event.detail.action];
    if (!run) return;
    event.preventDefault(); // ours: the shared module must not also click a run button
    run(event.detail.action);
  });
  const controls = mountControlsToggle($("#controls-toggle"));
  const openControls = (open) => {
    controls.show(open);
    showControls(open);
    requestAnimationFrame(onResize);
  };
  document.addEventListener("toggle-controls", (event) => openControls(event.detail.open));
  const lang = mountLanguageToggle($("#language-toggle"));
  document.addEventListener("select-language", async (event) => {
    await loadLanguage(event.detail.lang, version);
    applyTranslations();
    lang.show(event.detail.lang);
    onLanguage();
  });
  const projector = mountProjectorToggle($("#projector-toggle"));
  const showProjector = (on) => {
    projector.show(on);
    document.body.classList.toggle("projector", on);
    // Presenting: the graph takes the whole width (☰ brings the column back). A narrow window's
    // drawer already leaves it that, and opening it when presenting ends would cover the graph.
    if (!isNarrow()) openControls(!on);
  };
  document.addEventListener("toggle-projector", (event) => {
    const on = Boolean(event.detail && event.detail.on);
    try {
      localStorage.setItem(PROJECTOR_KEY, on ? "1" : "0");
    } catch {
      // storage disabled: this page only
    }
    showProjector(on);
    onProjector();
  });
  return { showLanguage: (l) => lang.show(l), showProjector };
}
