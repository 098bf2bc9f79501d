// The page-wide message line under the top bar (loading, a missing Plotly, a server error),
// shared by every lab's entry module.

/** Show text in #page-message, or hide the line when text is empty. */
export function showMessage(text) {
  const el = document.getElementById("page-message");
  el.textContent = text || "";
  el.hidden = !text;
}
