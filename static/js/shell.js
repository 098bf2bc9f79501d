// The classroom shell every lab inherits from base.html: ?present=1, the top bar's language and
// projector toggles at their generic level, keyboard shortcuts, the shortcuts dialog, and the
// concept "?" toggles. Each lab's entry module still does its own part of a language or
// projector change (relabel plots, redraw thicker lines); what this module does is idempotent,
// so both may run, and a lab page with no entry of its own still gets a working top bar.

import { applyTranslations, LANGUAGES, loadLanguage, preferredLanguage } from "./i18n.js";
import { mountConceptHints, mountShortcutsDialog } from "./components/help.js";
import { mountKeyboard } from "./components/keyboard.js";
import { mountControlsDrawer } from "./components/controls-drawer.js";
import { fitPhoneScreens } from "./components/phone-screen.js";
import { presentRequested, PROJECTOR_KEY } from "./components/topbar.js";

const $ = (sel) => document.querySelector(sel);
const config = JSON.parse($("#config").textContent);
// Scripts run at last (Plotly, deferred before every module, has arrived): the loading note
// has said its piece.
$("#boot-note")?.remove();
// Before any lab draws a plot: on a phone the plots start at the width they will keep.
fitPhoneScreens();

function showProjector(on) {
  document.body.classList.toggle("projector", on);
  const toggle = $("#projector-toggle");
  if (toggle) toggle.setAttribute("aria-pressed", String(on));
}

function showLanguage(lang) {
  for (const b of document.querySelectorAll("#language-toggle button[data-lang]")) {
    b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
  }
}

// Before any lab renders: a presenter's link opens straight in projector mode.
let stored = false;
try {
  stored = localStorage.getItem(PROJECTOR_KEY) === "1";
} catch {
  // storage disabled: projector mode only by the toggle or the link
}
showProjector(presentRequested() || stored);

const help = mountShortcutsDialog($("#shortcuts-dialog"), $("#shortcuts-button"));
mountKeyboard({ help });
mountConceptHints();
mountControlsDrawer($("#controls-toggle"), $("#controls .controls-scroll"));

// Where no lab entry mounted a toggle (a lab still being built), the shell makes it work.
const standIn = (el, handler) => el && el.addEventListener("click", (event) => {
  if (el.dataset.mounted !== "lab") handler(event);
});
standIn($("#language-toggle"), (event) => {
  const b = event.target.closest("button[data-lang]");
  if (b) b.dispatchEvent(new CustomEvent("select-language", { bubbles: true, detail: { lang: b.dataset.lang } }));
});
standIn($("#projector-toggle"), () => {
  const on = $("#projector-toggle").getAttribute("aria-pressed") !== "true";
  try {
    localStorage.setItem(PROJECTOR_KEY, on ? "1" : "0");
  } catch {
    // not fatal
  }
  showProjector(on);
});

document.addEventListener("toggle-projector", (event) => showProjector(Boolean(event.detail && event.detail.on)));
document.addEventListener("select-language", async (event) => {
  const lang = event.detail && event.detail.lang;
  if (!LANGUAGES.includes(lang)) return;
  await loadLanguage(lang, config.version);
  applyTranslations();
  showLanguage(lang);
});

// The shell's own strings (top bar, shortcuts dialog) in the preferred language, also on pages
// whose lab has no entry module yet.
loadLanguage(preferredLanguage(), config.version).then((lang) => {
  applyTranslations();
  showLanguage(lang);
});

window.__lerengShell = { help };
