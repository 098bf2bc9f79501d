// What the surface lab's plot modules share: type, colours, line scales for normal and
// projector mode, and small helpers.

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif';
export const INK = "#1d2330";
export const MUTED = "#5b6478";
export const GRID = "#e3e7ef";
export const BASE_CONFIG = { displaylogo: false, responsive: true, displayModeBar: false, scrollZoom: false };

export function scale(projector) {
  return projector
    ? { font: 22, small: 18, line: 4, head: 18, marker: 9, arrow: 3, arrowHead: 16, line3d: 9 }
    : { font: 14, small: 12, line: 2, head: 12, marker: 6, arrow: 2, arrowHead: 11, line3d: 6 };
}

export function nearest(arr, v) {
  let best = 0;
  for (let i = 1; i < arr.length; i += 1) if (Math.abs(arr[i] - v) < Math.abs(arr[best] - v)) best = i;
  return best;
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}
