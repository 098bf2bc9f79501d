// Exports shared by every lab: PNG of any plot, rows as CSV, any object as JSON, and one
// self-contained interactive HTML file (plotly.js and the figure inlined, an animation with a
// slider and a play button) that opens offline with no server, and the share link
// (share-link.js). Labs pass their own figures and rows; nothing here knows about surfaces or
// racers.

import { plotPng } from "./export-png.js";
import { fitPhoneScreens, NARROWEST_LAYOUT } from "./components/phone-screen.js";

/** Save text or a Blob under `filename` through a temporary download link. */
export function download(filename, content, type = "text/plain") {
  const blob = content instanceof Blob ? content : new Blob([content], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; a generous delay keeps slow disks safe.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file-name-safe stem: "lereng-rosenbrock-2026-11-27". */
export function fileStem(...parts) {
  const day = new Date().toISOString().slice(0, 10);
  return ["lereng", ...parts, day]
    .filter((p) => p !== null && p !== undefined && p !== "")
    .map((p) => String(p).toLowerCase().replace(/[^a-z0-9.]+/g, "-").replace(/^-|-$/g, ""))
    .join("-");
}

// ---------------------------------------------------------------------------------------------
// PNG (export-png.js draws it)

export async function downloadPng(divs, filename) {
  download(filename, await plotPng(divs));
}

// ---------------------------------------------------------------------------------------------
// CSV and JSON

/** RFC 4180 CSV: a header row, then rows; null and non-finite numbers are empty cells. */
export function toCsv(columns, rows) {
  const cell = (v) => {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

/** JSON with non-finite numbers as null (what the server sends too). */
export function toJson(value) {
  return JSON.stringify(value, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2);
}

// ---------------------------------------------------------------------------------------------
// Interactive HTML

/** The page's own plotly.js bundle, as text (same origin, so CSP's connect-src allows it). */
export async function plotlySource() {
  const script = document.querySelector("script[src*='plotly']");
  if (!script) throw new Error("plotly.js is not on this page");
  const response = await fetch(script.src);
  if (!response.ok) throw new Error(`plotly.js: HTTP ${response.status}`);
  return response.text();
}

// Inside an inline <script>, "</script" would end it early and "<!--" changes how it parses.
const scriptSafe = (text) => text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");

/** Plotly slider steps and play/pause buttons for a figure's frames. */
export function animationControls(frames, { label = (f) => f.name, prefix = "", play = "▶", pause = "❚❚", duration = 80 } = {}) {
  // redraw: every frame is drawn whole, so traces the frames do not name (a contour) stay
  // as they are; the figures exported here are small enough for that at this pace.
  const frameArgs = (d) => ({ mode: "immediate", frame: { duration: d, redraw: true }, transition: { duration: 0 } });
  return {
    sliders: [
      {
        active: 0,
        // Clear of the two buttons (about 85 px) down to a 640 px window: from 0.1 the
        // slider's handle started under the pause button there.
        x: 0.17,
        len: 0.83,
        pad: { t: 36 },
        // One tick per frame, but no tick labels: the current value above says the step.
        ticklen: 0,
        minorticklen: 0,
        font: { color: "rgba(0,0,0,0)" },
        // At the slider's right end: at its left, in a narrow window, it fell on the first
        // panel's axis title.
        currentvalue: { prefix, xanchor: "right", font: { size: 14, color: "#1d2330" } },
        steps: frames.map((f) => ({ label: label(f), method: "animate", args: [[f.name], frameArgs(0)] })),
      },
    ],
    updatemenus: [
      {
        type: "buttons",
        direction: "left",
        x: 0,
        y: 0,
        xanchor: "left",
        yanchor: "top",
        pad: { t: 56, r: 8 },
        showactive: false,
        buttons: [
          { label: play, method: "animate", args: [null, { ...frameArgs(duration), fromcurrent: true }] },
          { label: pause, method: "animate", args: [[null], frameArgs(0)] },
        ],
      },
    ],
  };
}

/**
 * One HTML document with plotly.js and the figure inlined. figure: {data, layout, frames};
 * the file's own script (inline: it is opened from disk, where our CSP does not apply) draws
 * the plot, adds the frames and records progress on window.__exported for tests.
 */
export function interactiveHtml({ title, heading, note, figure, plotly, lang = "en" }) {
  const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  // On a phone the figure is laid out as in the lab's narrowest layout, scaled to the screen:
  // at 390 px its two panels and legend crowded over the title.
  const boot = `
(${fitPhoneScreens})(document.querySelector('meta[name="viewport"]'), ${NARROWEST_LAYOUT});
(function () {
  var fig = JSON.parse(document.getElementById("figure").textContent);
  var gd = document.getElementById("plot");
  window.__exported = { ready: false, frame: null, frames: 0 };
  Plotly.newPlot(gd, fig.data, fig.layout, { responsive: true, displaylogo: false })
    .then(function () { return Plotly.addFrames(gd, fig.frames || []); })
    .then(function () {
      gd.on("plotly_animatingframe", function (e) {
        window.__exported.frame = e.name;
        window.__exported.frames += 1;
      });
      window.__exported.ready = true;
    });
})();`;
  return `<!doctype html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #1d2330; }
  header { padding: 0.6rem 1rem 0; }
  h1 { font-size: 1.2rem; margin: 0; }
  p { margin: 0.2rem 0 0; color: #5b6478; font-size: 0.9rem; }
  /* At most three quarters as tall as wide: an upright phone's tall window drew the panels as
     strips. */
  #plot { width: 100vw; height: min(calc(100vh - 4.5rem), max(420px, 75vw)); min-height: 420px; }
</style>
</head>
<body>
<header><h1>${esc(heading || title)}</h1><p>${esc(note)}</p></header>
<div id="plot"></div>
<script type="application/json" id="figure">${scriptSafe(JSON.stringify(figure, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v)))}</script>
<script>${scriptSafe(plotly)}</script>
<script>${boot}</script>
</body>
</html>
`;
}

// The share link lives in share-link.js; labs import it with the other exports from here.
export { shareLink, studentLink } from "./share-link.js";

// ---------------------------------------------------------------------------------------------
// The menu

/**
 * A compact export menu (a <details> holding buttons). items: [{id, label, run}]; each run
 * may be async. A failure is said for four seconds through message(text) and kept in the
 * page hook's errors. Returns {translate(items)} to relabel.
 */
export function mountExportMenu(el, { items, hook, message }) {
  const onError = (err) => {
    hook.errors.push(`export: ${err.message}`);
    message(err.message);
    setTimeout(() => message(""), 4000);
  };
  const list = el.querySelector(".menu-items");
  const render = (entries) => {
    list.replaceChildren(
      ...entries.map((it) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "menu-item";
        b.id = `export-${it.id}`;
        b.textContent = it.label;
        b.addEventListener("click", async () => {
          el.open = false;
          // The item disappears with the menu: the focus goes back to the menu's own button.
          el.querySelector("summary")?.focus();
          b.disabled = true;
          try {
            await it.run();
          } catch (err) {
            onError(err);
          } finally {
            b.disabled = false;
          }
        });
        return b;
      }),
    );
  };
  render(items);
  el.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && el.open) {
      el.open = false;
      el.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (el.open && !el.contains(event.target)) el.open = false;
  });
  return { translate: render };
}
