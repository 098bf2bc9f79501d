// The page-wide message line under the top bar (loading, a missing Plotly, a server error),
// shared by every lab's entry module.

let timer = null;

/**
 * Show text in #page-message, or hide the line when text is empty. With `ms`, the message
 * goes by itself after that long (unless another replaced it); a click always dismisses it,
 * since the line floats over the plots' buttons.
 */
export function showMessage(text, { ms = 0 } = {}) {
  const el = document.getElementById("page-message");
  clearTimeout(timer);
  el.textContent = text || "";
  el.hidden = !text;
  if (!el.dataset.dismissable) {
    el.dataset.dismissable = "1";
    el.addEventListener("click", () => {
      el.hidden = true;
    });
  }
  if (text && ms > 0) {
    timer = setTimeout(() => {
      if (el.textContent === text) el.hidden = true;
    }, ms);
  }
}
