// PNG of any plot for the Export menus: the plot's layers drawn onto one canvas, with a band
// below naming its lines (the pages' legends are HTML beside the plots, not in them).

/**
 * PNG of one plot, or of several plots stacked in one box (the surface lab's contour is a
 * base plot under a transparent overlay). Each layer is taken from Plotly.toImage as SVG (a
 * data: URL; its PNG path goes through blob: images, which our CSP's img-src refuses), drawn
 * at `scale` onto one canvas in order, on a white background.
 */
export async function plotPng(divs, { scale = 2 } = {}) {
  const layers = [].concat(divs).filter((d) => d && d.data);
  if (!layers.length) throw new Error("nothing to export: the plot is empty");
  const box = layers[0].getBoundingClientRect();
  // A plot in a hidden panel (a narrow screen shows one view at a time) has no box: its last
  // laid-out size stands in.
  const full = layers[0]._fullLayout || {};
  const w = Math.max(1, Math.round(box.width || full.width || 700));
  const h = Math.max(1, Math.round(box.height || full.height || 450));
  const urls = [];
  for (const div of layers) urls.push(await window.Plotly.toImage(div, { format: "svg", width: w, height: h }));
  return layersPng(urls, w, h, { scale, legend: legendItems(layers) });
}

/** Images (data: URLs, drawn in order) of a w x h box as one PNG Blob at `scale`, on white,
 * with a band naming `legend`'s items below when there are any. */
export async function layersPng(urls, w, h, { scale = 2, legend = [] } = {}) {
  const canvas = document.createElement("canvas");
  canvas.width = w * scale;
  canvas.height = h * scale;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (const url of urls) ctx.drawImage(await loadImage(url), 0, 0, canvas.width, canvas.height);
  const out = withLegend(canvas, legend, scale);
  return new Promise((resolve) => out.toBlob(resolve, "image/png"));
}

const INK = "#1d2330";
const GLYPHS = {
  circle: "●", square: "■", diamond: "◆", cross: "✚", x: "✖", "circle-open": "○", "square-open": "□",
  "diamond-open": "◇", star: "★", "circle-open-dot": "◎",
};

/** Named traces of the plots, once per name, as {name, color, dash}: the pages draw their
 * legends in HTML beside the plots, so a PNG of the plot alone would show unnamed lines. */
export function legendItems(divs) {
  const seen = new Map();
  for (const div of [].concat(divs)) {
    if (div._fullLayout && div._fullLayout.showlegend) continue; // Plotly drew its own legend
    for (const tr of div.data || []) {
      const name = typeof tr.name === "string" ? tr.name.trim() : "";
      if (!name || tr.visible === false || tr.showlegend === false) continue;
      const line = tr.line || {};
      const marker = tr.marker || {};
      const symbol = String(tr.mode || "").includes("markers") && typeof marker.symbol === "string" ? marker.symbol : null;
      const known = seen.get(name);
      // A racer's path (a line) and its head (a marker) share a name: keep both looks.
      if (known) {
        if (!known.symbol && symbol) known.symbol = symbol;
        continue;
      }
      const color = typeof line.color === "string" ? line.color : typeof marker.color === "string" ? marker.color : INK;
      seen.set(name, { name, color, dash: line.dash || "solid", lines: String(tr.mode || "lines").includes("lines"), symbol });
    }
  }
  return [...seen.values()];
}

/** The canvas with a white band below it naming each item: a short line (dashed as drawn) or
 * its marker's glyph in its colour, then its name; items flow left to right and wrap. */
function withLegend(canvas, items, scale) {
  if (!items.length) return canvas;
  const font = `${13 * scale}px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif`;
  const pad = 10 * scale;
  const swatch = 22 * scale;
  const rowH = 20 * scale;
  const measure = canvas.getContext("2d");
  measure.font = font;
  const widths = items.map((it) => swatch + 6 * scale + measure.measureText(it.name).width + 16 * scale);
  const rows = [[]];
  let x = pad;
  items.forEach((it, i) => {
    if (x + widths[i] > canvas.width - pad && rows.at(-1).length) {
      rows.push([]);
      x = pad;
    }
    rows.at(-1).push([it, x]);
    x += widths[i];
  });
  const band = rows.length * rowH + pad;
  const out = document.createElement("canvas");
  out.width = canvas.width;
  out.height = canvas.height + band;
  const ctx = out.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  ctx.font = font;
  ctx.textBaseline = "middle";
  rows.forEach((row, r) => {
    const y = canvas.height + pad / 2 + rowH * (r + 0.5);
    for (const [it, x0] of row) {
      if (it.lines) {
        ctx.strokeStyle = it.color;
        ctx.lineWidth = 3 * scale;
        ctx.setLineDash(it.dash === "solid" ? [] : [5 * scale, 3 * scale]);
        ctx.beginPath();
        ctx.moveTo(x0, y);
        ctx.lineTo(x0 + swatch, y);
        ctx.stroke();
      }
      if (it.symbol || !it.lines) {
        // The marker's shape as a glyph, so racers differ by more than colour; white marks
        // (the minimum's star, the start's ring) are drawn in ink on the white band.
        ctx.fillStyle = /^(#fff(fff)?|white)$/i.test(it.color) ? INK : it.color;
        ctx.textAlign = "center";
        ctx.fillText(GLYPHS[it.symbol] || "●", x0 + swatch / 2, y);
        ctx.textAlign = "start";
      }
      ctx.fillStyle = INK;
      ctx.fillText(it.name, x0 + swatch + 6 * scale, y);
    }
  });
  return out;
}

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error("could not draw the plot image"));
    img.src = url;
  });
}
