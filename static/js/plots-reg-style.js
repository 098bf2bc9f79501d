// Shared look of the regression lab's plots: fonts, sizes (normal and projector), axes and
// the base layout, so the data, landscape and loss figures agree.

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif';
export const INK = "#1d2330";
export const MUTED = "#5b6478";
export const GRID = "#e3e7ef";
export const CONFIG = { displaylogo: false, responsive: true, displayModeBar: false, scrollZoom: false };
export const HIDDEN_AXIS = { showticklabels: false, ticks: "", showline: false, mirror: false, showgrid: false, title: { text: "" } };

export function scale(projector) {
  return projector
    ? { font: 20, small: 17, line: 4, head: 18, marker: 8, margin: { l: 70, r: 16, t: 10, b: 58 } }
    : { font: 14, small: 12, line: 2, head: 12, marker: 6, margin: { l: 52, r: 12, t: 8, b: 42 } };
}

export function axis(projector, title, range, extra = {}) {
  const s = scale(projector);
  return {
    title: { text: title, font: { size: s.font }, standoff: 4 }, range, fixedrange: true, zeroline: false,
    showgrid: true, gridcolor: GRID, linecolor: MUTED, mirror: true, ticks: "outside", ticklen: 4,
    tickfont: { size: s.small }, ...extra,
  };
}

export function baseLayout(projector) {
  const s = scale(projector);
  return {
    font: { family: FONT, size: s.font, color: INK }, paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)", showlegend: false, hoverlabel: { font: { family: FONT, size: s.small + 1 } },
  };
}
