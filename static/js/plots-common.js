// What the labs' plot modules share: type, colours, line scales for normal and
// projector mode, and small helpers (decoding the server's typed arrays among them).

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif';
export const INK = "#1d2330";
export const MUTED = "#5b6478";
export const GRID = "#e3e7ef";
// Where 3D cameras look: a little below the box's middle. A camera above the box projects its
// near bottom corner lowest, so looking at the middle left the panel's top empty while the
// front axes' tick labels fell off its foot.
export const CENTER_3D = { x: 0, y: 0, z: -0.2 };
export const BASE_CONFIG = { displaylogo: false, responsive: true, displayModeBar: false, scrollZoom: false };

export function scale(projector) {
  return projector
    ? { font: 22, small: 18, line: 4, head: 18, marker: 9, arrow: 3, arrowHead: 16, line3d: 9 }
    : { font: 14, small: 12, line: 2, head: 12, marker: 6, arrow: 2, arrowHead: 11, line3d: 6 };
}

/** True when el is drawn: narrow windows hide the plot not chosen with visibility, keeping
 * its size for Plotly, so having a box is not enough. */
export const onScreen = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";

export function nearest(arr, v) {
  let best = 0;
  for (let i = 1; i < arr.length; i += 1) if (Math.abs(arr[i] - v) < Math.abs(arr[best] - v)) best = i;
  return best;
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

/** The smallest and largest positive value (what a log axis can show); Infinity, -Infinity
 * when there is none. */
export function positiveRange(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v > 0 && v < lo) lo = v;
    if (v > 0 && v > hi) hi = v;
  }
  return { lo, hi };
}

/**
 * Ticks for a log axis that never overlap, from the plotted values and the room the axis
 * has: 1-2-5 labels while each decade has room for three, else whole decades, every k-th
 * one when even those would touch; always explicit (tickmode "array"). `div` is the plot's
 * element, `margin` its layout margin.
 */
export function logTicks(values, div, margin, fontPx) {
  const { lo, hi } = positiveRange(values);
  // A difference of logs: hi / lo overflows to Infinity when a loss underflows near 5e-324.
  const decades = hi > lo ? Math.log10(hi) - Math.log10(lo) : 0;
  const height = Math.max(40, (div && div.clientHeight ? div.clientHeight : 240) - margin.t - margin.b);
  const line = fontPx * 1.6; // a label and the gap it needs
  // Within one decade "D2" may leave no tick at all (0.9990 to 0.9999 holds none of 1, 2, 5),
  // and a log axis without a label puts its title at x = Infinity; Plotly's own ticks there
  // label every digit 2…9, which pile up on a short projector chart. Round values inside the
  // range, as many as the height has room for, say it instead.
  if (decades < 1) return withinDecade(lo, hi, height, line);
  const perDecade = height / Math.max(decades, 0.3);
  const digits = perDecade >= 3.5 * line ? [1, 2, 5] : [1];
  const every = digits.length > 1 ? 1 : Math.ceil(line / perDecade);
  // Plotly's own 1-2-5 ticks label 2 and 5 with the bare digit, so "5" under "1" meant 0.5
  // and read as 5: each tick says its whole value instead. One decade past each end covers
  // the padding Plotly's autorange adds; 1e-323 and 1e308 bound what a double holds.
  const first = Math.max(-323, Math.floor(Math.log10(lo)) - 1);
  const last = Math.min(308, Math.ceil(Math.log10(hi)) + 1);
  const vals = [];
  const text = [];
  for (let k = Math.ceil(first / every) * every; k <= last; k += every) {
    for (const m of digits) {
      const v = Number(`${m}e${k}`);
      if (!Number.isFinite(v)) continue; // 2e308
      vals.push(v);
      text.push(logLabel(m, k));
    }
  }
  return { tickmode: "array", tickvals: vals, ticktext: text };
}

const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/** m·10^k as a student reads it: a plain number from 0.001 to 5000, else a power of ten. */
export function logLabel(m, k) {
  if (k >= -3 && k <= 3) return String(Number(`${m}e${k}`));
  const power = `10${[...String(k)].map((c) => SUPERSCRIPT[c]).join("")}`;
  return m === 1 ? power : `${m}·${power}`;
}

/** Explicit ticks for a log axis spanning less than a decade: round values (the coarsest
 * power-of-ten multiples of which at least two fall in [lo, hi]), thinned from the bottom so
 * that consecutive labels are at least `gap` pixels apart on an axis `height` pixels tall. */
function withinDecade(lo, hi, height, gap) {
  if (!(lo > 0) || !Number.isFinite(hi)) return {};
  let vals = [];
  if (hi > lo) {
    const spanLog = Math.log10(hi) - Math.log10(lo);
    for (let j = Math.floor(Math.log10(hi)); j >= Math.floor(Math.log10(hi - lo)) - 1 && vals.length < 2; j -= 1) {
      const step = 10 ** j;
      vals = [];
      for (let k = Math.ceil(lo / step); k * step <= hi * (1 + 1e-12); k += 1) vals.push(Number((k * step).toPrecision(12)));
    }
    const at = (v) => ((Math.log10(v) - Math.log10(lo)) / spanLog) * height;
    const kept = [];
    for (const v of vals) if (!kept.length || at(v) - at(kept[kept.length - 1]) >= gap) kept.push(v);
    vals = kept;
  }
  if (!vals.length) vals = [Number(lo.toPrecision(3))];
  return { tickmode: "array", tickvals: vals, ticktext: vals.map((v) => String(Number(v.toPrecision(6)))) };
}

let measurer = null;

/**
 * `text` broken at spaces into lines (joined by Plotly's <br>) no wider than `widthPx` in the
 * CSS font `font`; a word wider than that keeps a line of its own.
 */
export function wrapText(text, widthPx, font) {
  if (!(widthPx > 0) || !Number.isFinite(widthPx)) return text;
  measurer = measurer || document.createElement("canvas").getContext("2d");
  measurer.font = font;
  const lines = [];
  for (const word of String(text).split(/\s+/)) {
    const last = lines.length ? `${lines[lines.length - 1]} ${word}` : null;
    if (last !== null && measurer.measureText(last).width <= widthPx) lines[lines.length - 1] = last;
    else lines.push(word);
  }
  return lines.join("<br>");
}

/**
 * The redraw throttle of a plots model holding {dirty: Set of keys, last: {key: ms},
 * interval: {key: ms}}: due(key) is true, and takes the key's mark, when the key is marked
 * and its interval has passed since its last draw. now = Infinity forces every marked key
 * (a new problem or race), whatever the interval.
 */
export function throttle(model, now) {
  return (key) => {
    if (!model.dirty.has(key)) return false;
    if (now !== Infinity && now - (model.last[key] || 0) < model.interval[key]) return false;
    model.last[key] = performance.now();
    model.dirty.delete(key);
    return true;
  };
}

/** Decode a {dtype, bdata, shape} typed array (or pass a plain array through). */
export function decodeTyped(value) {
  if (!value || Array.isArray(value) || ArrayBuffer.isView(value)) return value;
  const bin = atob(value.bdata);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
  const Ctor = { f4: Float32Array, f8: Float64Array, i4: Int32Array, u1: Uint8Array }[value.dtype];
  if (!Ctor) throw new Error(`unsupported dtype ${value.dtype}`);
  return new Ctor(bytes.buffer);
}
