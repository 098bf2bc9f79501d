/** Classroom keyboard shortcuts, the same in every lab (listed in base.html's dialog). */

// Lab actions: a lab may take the key itself by cancelling the "lereng:key" event (the backprop
// lab steps its own cursor); otherwise the shared run button is clicked, so the key does exactly
// what the button does.
const LAB_KEYS = { " ": "play", ArrowRight: "step", r: "reset", ArrowLeft: "back" };
const BUTTONS = { play: "#play-button", step: "#step-button", reset: "#reset-button" };

/** Typing in a field, or a key the focused control already handles (space on a button). */
function ownedByFocus(event) {
  const el = event.target instanceof Element ? event.target : null;
  if (!el) return false;
  if (el.closest("input, select, textarea, [contenteditable=''], [contenteditable='true']")) return true;
  // Space and Enter activate the focused button or link natively: a second action would double it.
  return (event.key === " " || event.key === "Enter") && Boolean(el.closest("button, a[href], summary, [role='button']"));
}

/** The action a key stands for, or null ("play", "step", "reset", "back", "fullscreen", ...). */
export function actionOf(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (event.key === "?") return "help";
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (key in LAB_KEYS) return LAB_KEYS[key];
  return { f: "fullscreen", p: "projector", l: "language" }[key] || null;
}

export function toggleFullscreen(doc = document) {
  if (doc.fullscreenElement) return doc.exitFullscreen();
  const root = doc.documentElement;
  return root.requestFullscreen ? root.requestFullscreen().catch(() => {}) : Promise.resolve();
}

/** The language button that is not pressed now (two languages: l flips between them). */
function nextLanguageButton() {
  return document.querySelector("#language-toggle button[data-lang][aria-pressed='false']");
}

/**
 * Listens on window in the capture phase, so a shortcut is handled once, before any older
 * per-lab key handler; a handled key stops there. `help` opens or closes the shortcuts dialog.
 */
export function mountKeyboard({ help }) {
  const click = (sel) => {
    const el = document.querySelector(sel);
    if (el && !el.disabled) el.click();
  };
  const run = {
    fullscreen: () => toggleFullscreen(),
    projector: () => click("#projector-toggle"),
    language: () => {
      const b = nextLanguageButton();
      if (b) b.click();
    },
    help: () => help.toggle(),
  };
  function onKey(event) {
    if (event.defaultPrevented || (event.repeat && event.key !== "ArrowRight")) return;
    const action = actionOf(event);
    if (!action) return;
    if (help.isOpen() && action !== "help") return; // the dialog owns the keys (Esc, Tab)
    if (ownedByFocus(event)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (action in run) {
      run[action]();
      return;
    }
    const lab = new CustomEvent("lereng:key", { detail: { action }, cancelable: true });
    document.dispatchEvent(lab);
    if (!lab.defaultPrevented && BUTTONS[action]) click(BUTTONS[action]);
  }
  window.addEventListener("keydown", onKey, true);
  return { unmount: () => window.removeEventListener("keydown", onKey, true) };
}
