// The backprop lab's pass as one self-contained HTML file: the computational graph drawn at
// every step of the cursor (forward, backward, update) as a frame, with a slider and a play
// button. No plotly and no server: each frame is the graph's SVG with its styles inlined.

import { drawGraph } from "./backprop-graph.js";
import { fmt, stepsOf, visibleAt } from "./backprop-state.js";

// What the page's stylesheet gives the graph, copied onto each element so the SVG stands alone.
const STYLE_PROPS = [
  "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "opacity", "paint-order",
  "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "visibility", "display",
];

/** The SVG (in the document, so the stylesheet applies) as standalone markup of size w x h.
 * With `styles` (a Map), each distinct style becomes a class instead (see styleSheet): the
 * frames of a pass share a few dozen styles, which keeps the file small. */
export function inlineSvg(svg, w, h, styles = null) {
  const copy = svg.cloneNode(true);
  const from = [svg, ...svg.querySelectorAll("*")];
  const to = [copy, ...copy.querySelectorAll("*")];
  from.forEach((node, i) => {
    const cs = getComputedStyle(node);
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(";");
    if (styles) {
      if (!styles.has(style)) styles.set(style, styles.size);
      to[i].setAttribute("class", `s${styles.get(style)}`);
      to[i].removeAttribute("style"); // the scratch copy's off-screen placement
    } else to[i].setAttribute("style", style);
    to[i].removeAttribute("tabindex");
  });
  copy.removeAttribute("id");
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  if (w) copy.setAttribute("width", String(w));
  if (h) copy.setAttribute("height", String(h));
  return new XMLSerializer().serializeToString(copy);
}

const styleSheet = (styles) => [...styles].map(([style, k]) => `#graph .s${k}{${style}}`).join("\n");

/** Every cursor step of this pass ({svg, phase, loss}) and their shared CSS: drawn off
 * screen at the live graph's width. */
export function passFrames(graph, live, t) {
  const box = live.getBoundingClientRect();
  const scratch = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  scratch.setAttribute("class", live.getAttribute("class"));
  scratch.setAttribute("aria-hidden", "true");
  Object.assign(scratch.style, { position: "absolute", left: "-10000px", top: "0", width: `${Math.max(320, box.width)}px` });
  document.body.append(scratch);
  const styles = new Map();
  try {
    const steps = stepsOf(graph);
    const frames = steps.map((step, i) => {
      const show = visibleAt(graph, i);
      drawGraph(scratch, graph, show, { t });
      return {
        svg: inlineSvg(scratch, null, null, styles),
        phase: `${i}/${steps.length - 1} · ${t(`bp.phase_${step.phase}`)}`,
        loss: show.values.has("L") ? `L = ${fmt(graph.loss)}` : "",
      };
    });
    return { frames, css: styleSheet(styles) };
  } finally {
    scratch.remove();
  }
}

const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const scriptSafe = (text) => text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");

/** One HTML document: the frames as JSON, a slider, ▶/❚❚, and a small inline script (the file
 * opens from disk, where our CSP does not apply); progress goes on window.__exported for tests. */
export function passHtml({ title, note, frames, css = "", lang = "en", playLabel = "▶", pauseLabel = "❚❚", stepLabel = "step" }) {
  const boot = `
(function () {
  var frames = JSON.parse(document.getElementById("frames").textContent);
  var slider = document.getElementById("slider");
  var play = document.getElementById("play");
  var timer = null;
  window.__exported = { ready: false, frame: 0, frames: 0 };
  function show(i) {
    var f = frames[i];
    document.getElementById("graph").innerHTML = f.svg;
    document.getElementById("phase").textContent = f.phase;
    document.getElementById("loss").textContent = f.loss;
    slider.value = String(i);
    window.__exported.frame = i;
    window.__exported.frames += 1;
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = play.dataset.play;
  }
  slider.max = String(frames.length - 1);
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  play.addEventListener("click", function () {
    if (timer) return stop();
    if (Number(slider.value) >= frames.length - 1) show(0);
    play.textContent = play.dataset.pause;
    timer = setInterval(function () {
      var next = Number(slider.value) + 1;
      if (next >= frames.length) return stop();
      show(next);
    }, 900);
  });
  show(0);
  window.__exported.ready = true;
})();`;
  return `<!doctype html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
  body { margin: 0; padding: 0.6rem 1rem; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #1d2330; }
  h1 { font-size: 1.2rem; margin: 0; }
  p { margin: 0.2rem 0 0; color: #5b6478; font-size: 0.9rem; }
  .bar { display: flex; align-items: center; gap: 0.8rem; margin: 0.6rem 0; }
  .bar button { font: inherit; font-size: 1.1rem; min-width: 3rem; padding: 0.2rem 0.6rem; cursor: pointer; }
  .bar input { flex: 1 1 auto; }
  #phase { font-weight: 600; color: #1d2330; font-size: 1rem; margin: 0; }
  #loss { font-weight: 700; color: #1d2330; font-size: 1.1rem; margin: 0 0 0 auto; }
  #graph svg { width: 100%; height: auto; max-height: calc(100vh - 9rem); }
${css.replace(/<\//g, "<\\/")}
</style>
</head>
<body>
<h1>${esc(title)}</h1><p>${esc(note)}</p>
<div class="bar">
  <button type="button" id="play" data-play="${esc(playLabel)}" data-pause="${esc(pauseLabel)}">${esc(playLabel)}</button>
  <input type="range" id="slider" min="0" max="0" value="0" step="1" aria-label="${esc(stepLabel)}">
</div>
<div class="bar"><p id="phase" aria-live="polite"></p><p id="loss"></p></div>
<div id="graph"></div>
<script type="application/json" id="frames">${scriptSafe(JSON.stringify(frames))}</script>
<script>${boot}</script>
</body>
</html>
`;
}
