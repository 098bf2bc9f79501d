// Entry for the backprop lab: fetches the engine's graph of one pass, steps a cursor through
// its forward pass, backward pass and update, trains N more steps, and draws the landscape.

import { postJson } from "./api.js";
import { applyTranslations, loadLanguage, preferredLanguage, t } from "./i18n.js";
import { mountFrame } from "./components/backprop-frame.js";
import { clampCursor, defaultState, fmt, fromQuery, requestBody, stepsOf, toQuery, visibleAt } from "./backprop-state.js";
import { mountSetup } from "./backprop-setup.js";
import { mountBackpropExport } from "./backprop-export.js";
import { mountQuiz } from "./backprop-quiz.js";
import { drawGraph } from "./backprop-graph.js";
import { mountExplain, mountNodePanel, renderGradCheck } from "./components/backprop-panels.js";
import { mountLandscape } from "./components/backprop-landscape.js";
import { landscapeLoader } from "./backprop-landscape-load.js";
import { projectorPreference } from "./components/topbar.js";
import { showMessage } from "./components/page-message.js";

const $ = (sel) => document.querySelector(sel);
const config = JSON.parse($("#config").textContent);
const PLAY_MS = 1100;

const state = fromQuery(location.search);
const hook = { config, state, graph: null, errors: [], ready: false, landscapePoint: null, busy: 0 };
window.__lereng = hook;
let graph = null;
let selected = null;
let timer = null;
const passes = []; // earlier passes (params and graph), so ← at a pass's start goes back into the last one
let trail = [];
let trained = null; // after training: {losses, params: {name: [...]}}, one entry per update from then on
let quiz = null;

async function post(url, body) {
  hook.busy += 1;
  try {
    return await postJson(url, body); // refusals and a lost connection in the page's language
  } finally {
    hook.busy -= 1;
  }
}

function showError(text) {
  const el = $("#bp-error");
  el.textContent = text || "";
  el.hidden = !text;
  if (text) hook.errors.push(text);
}

const explain = mountExplain($("#bp-explain"), { t });
// Closing a node's panel puts the focus back on the node it came from.
const panel = mountNodePanel($("#bp-node-panel"), { t, onClose: () => { const id = selected; select(null); focusNode(id); } });
const focusNode = (id) => id && $(`#bp-graph [data-id="${CSS.escape(id)}"]`)?.focus();
const landscape = mountLandscape($("#bp-landscape"));
const { currentPoint, drawLandscape, loadLandscape } = landscapeLoader({ state, hook, landscape, post, showError });
const setup = mountSetup(state, {
  restart,
  showError,
  deselect: () => { selected = null; },
  moveAxes: async () => {
    trail = [currentPoint()];
    await loadLandscape(true);
    render();
  },
});
const { numbers, fillAxes, syncSelects } = setup;

function select(id) {
  selected = id;
  render();
}

function render() {
  if (!graph) return;
  state.cursor = clampCursor(graph, state.cursor);
  hook.cursor = state.cursor;
  const show = visibleAt(graph, state.cursor);
  // The graph is drawn afresh: a keyboard user's focus on a node would fall to the page.
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#bp-graph [data-id]");
  drawGraph($("#bp-graph"), graph, show, { selected, t });
  if (focused) focusNode(focused.dataset.id);
  const steps = stepsOf(graph);
  const step = steps[state.cursor];
  // The count is of the whole walk: after the pass's name, "Forward pass 2/42" read as 42
  // forward steps. Light type keeps the pair as narrow as the name with its count used to be.
  const count = document.createElement("span");
  count.className = "bp-count";
  count.textContent = `${state.cursor}/${steps.length - 1}`;
  $("#bp-phase").replaceChildren(count, " ", t(`bp.phase_${step.phase}`));
  $("#bp-phase").dataset.phase = step.phase;
  const lossKnown = show.values.has("L");
  $("#bp-loss-value").textContent = lossKnown ? `L = ${fmt(graph.loss)}` : "";
  $("#bp-back").disabled = state.cursor === 0 && passes.length === 0;
  $("#bp-next").querySelector("[data-i18n]").textContent = step.phase === "update" ? t("bp.next_pass") : t("bp.next");
  explain.show(graph, state.cursor);
  if (selected) {
    panel.show(graph, selected, show);
    // the panel sits on the side away from the clicked node, so the node stays in view
    const node = $(`#bp-graph [data-id="${selected}"]`);
    const box = $(".bp-graph-box").getBoundingClientRect();
    const r = node ? node.getBoundingClientRect() : box;
    $("#bp-node-panel").classList.toggle("on-left", r.left + r.width / 2 > box.left + box.width / 2);
  } else panel.hide();
  drawLandscape(graph, show.updated, trail);
  window.history.replaceState(null, "", `${location.pathname}?${toQuery(state)}`);
}

async function loadGraph() {
  try {
    graph = await post("/api/backprop/graph", requestBody(state));
    hook.graph = graph;
    showError("");
    renderGradCheck($("#bp-check"), graph, t);
  } catch (err) {
    showError(err.message);
  }
}

/** A new network or new starting numbers: a fresh pass from the start. */
async function restart({ recentre = true } = {}) {
  stopPlay();
  passes.length = 0;
  trail = [currentPoint()];
  trained = null;
  hook.history = null;
  state.cursor = 0;
  await Promise.all([loadGraph(), loadLandscape(recentre)]);
  render();
}

async function next() {
  if (!graph) return;
  const steps = stepsOf(graph);
  const last = steps.length - 1;
  if (state.cursor < last) {
    const up = steps[state.cursor + 1];
    // The quiz asks for a gradient before the step that shows it (and stops auto-play there).
    if (up.phase === "backward" && quiz.holds(graph, up.node)) return stopPlay();
    state.cursor += 1;
    render();
    return;
  }
  // From the update: the next pass starts with the new weights.
  passes.push({ params: { ...state.params }, graph });
  for (const u of graph.update) state.params[u.param] = u.after;
  trail.push(currentPoint());
  state.cursor = 0;
  await Promise.all([loadGraph(), loadLandscape()]);
  if (trained && graph) record([{ ...state.params }], [graph.loss]);
  numbers();
  render();
}

/** Weights and losses of further updates join the training history. */
function record(params, losses) {
  losses.forEach((loss, k) => {
    trained.losses.push(loss);
    for (const name of Object.keys(trained.params)) trained.params[name].push(params[k][name]);
  });
  hook.history = trained;
}

function back() {
  quiz.cancel();
  if (state.cursor > 0) {
    state.cursor -= 1;
    render();
    return;
  }
  const prev = passes.pop();
  if (!prev) return;
  // Passes after training went into its history: stepping back takes them out again.
  if (trained && trained.losses.length > 1) {
    trained.losses.pop();
    for (const list of Object.values(trained.params)) list.pop();
  }
  state.params = prev.params;
  graph = hook.graph = prev.graph;
  trail.pop();
  state.cursor = stepsOf(graph).length - 1;
  numbers();
  renderGradCheck($("#bp-check"), graph, t);
  loadLandscape().then(render);
  render();
}

function stopPlay() {
  clearInterval(timer);
  timer = null;
  $("#bp-play").setAttribute("aria-pressed", "false");
}

function togglePlay() {
  if (timer) return stopPlay();
  if (!graph) return undefined; // nothing loaded (refused or offline): nothing to play
  $("#bp-play").setAttribute("aria-pressed", "true");
  timer = setInterval(() => {
    // Auto-play walks one pass and stops at the update, so the class can read it.
    const at = graph && stepsOf(graph)[state.cursor];
    if (!at || at.phase === "update") return stopPlay();
    next();
  }, PLAY_MS);
}

async function train() {
  // A whole number within the box's bounds (2.5 or 5000 would only earn a refusal).
  const box = $("#bp-train-steps");
  const typed = Math.round(Number(box.value));
  const steps = Number.isFinite(typed) ? Math.min(Number(box.max), Math.max(Number(box.min), typed)) : 20;
  box.value = String(steps);
  stopPlay();
  try {
    const out = await post("/api/backprop/train", { ...requestBody(state), steps });
    const [a, b] = state.axes;
    trail.push(...out.history[a].slice(1).map((v, i) => [v, out.history[b][i + 1]]));
    passes.length = 0;
    const names = Object.keys(out.history);
    const rows = out.losses.map((_, k) => Object.fromEntries(names.map((n) => [n, out.history[n][k]])));
    if (!trained) {
      trained = { losses: [], params: Object.fromEntries(names.map((n) => [n, []])) };
      record(rows, out.losses);
    } else record(rows.slice(1), out.losses.slice(1));
    state.params = out.params;
    graph = hook.graph = out.graph;
    state.cursor = graph.forward.length + graph.backward.length; // every value and gradient shown
    $("#bp-train-note").textContent = t("bp.train_note", { n: steps, before: fmt(out.losses[0]), after: fmt(out.losses[out.losses.length - 1]) });
    numbers();
    renderGradCheck($("#bp-check"), graph, t);
    showError("");
    await loadLandscape();
    render();
  } catch (err) {
    showError(err.message);
  }
}

function wire() {
  $("#bp-next").addEventListener("click", () => next());
  $("#bp-back").addEventListener("click", back);
  const reset = () => { stopPlay(); quiz.cancel(); state.cursor = 0; render(); }; // also the r key
  $("#bp-reset").addEventListener("click", reset);
  $("#bp-play").addEventListener("click", togglePlay);
  quiz = mountQuiz({ form: $("#bp-quiz-form"), button: $("#bp-quiz"), result: $(".bp-quiz-result") }, { t, reveal: () => next() });
  Object.defineProperty(hook, "quiz", { get: () => quiz.state });
  $("#bp-quiz").addEventListener("click", () => { quiz.toggle(); state.quiz = quiz.state.on; render(); });
  if (state.quiz) quiz.toggle(); // the link asked for it
  $("#bp-train").addEventListener("click", train);
  $("#bp-graph").addEventListener("click", (event) => {
    const g = event.target.closest("[data-id]");
    select(g && g.dataset.id !== selected ? g.dataset.id : null);
  });
  $("#bp-graph").addEventListener("keydown", (event) => {
    const g = event.target.closest("[data-id]");
    if (g && event.key === "Enter") select(g.dataset.id);
    else if (g && event.key === "Escape" && selected) select(null);
  });
  setup.wire();
  const stepping = (fn) => () => { stopPlay(); fn(); };
  new ResizeObserver(() => landscape.resize()).observe($("#bp-landscape"));
  const exports = mountBackpropExport($("#export-menu"), $("#share-status"), {
    t, hook, state, graph: () => graph, history: () => trained, quiz: () => quiz.results, svg: $("#bp-graph"), landscape: $("#bp-landscape"), message: showMessage,
  });
  return mountFrame({
    version: config.version,
    keys: { step: stepping(next), back: stepping(back), reset, play: togglePlay },
    onLanguage: () => {
      exports.translate();
      quiz.translate();
      numbers();
      if (graph) renderGradCheck($("#bp-check"), graph, t);
      render();
    },
    onProjector: render,
    onResize: () => landscape.resize(),
  });
}

async function boot() {
  const language = await loadLanguage(preferredLanguage(), config.version);
  applyTranslations();
  syncSelects();
  fillAxes();
  numbers();
  const frame = wire();
  frame.showLanguage(language);
  if (projectorPreference()) frame.showProjector(true);
  let cursor = state.cursor;
  await restart();
  if (!graph) {
    // The link's numbers were refused (a softmax class of 0.5, say): keep its network and say
    // why, but start from that network's defaults so the lab works.
    const refused = $("#bp-error").textContent;
    Object.assign(state, defaultState(state.network));
    syncSelects();
    fillAxes();
    numbers();
    await restart();
    if (graph) showError(refused);
    cursor = 0;
  }
  state.cursor = cursor;
  render();
  hook.ready = true;
}

boot().catch((err) => {
  hook.errors.push(String(err));
  showError(String(err));
});
