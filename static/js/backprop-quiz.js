// The backprop lab's quiz: with it on, the backward pass stops before each gradient is shown
// and asks for it. The student works ∂L/∂node out by the chain rule from the numbers already on
// the graph, types it, and Check says right or not before the step reveals it. With a batch,
// a node's gradient is a list (one per example): the question is about the first example, whose
// numbers head each list on the graph. Nodes with a table of gradients (examples x classes) are
// shown without a question.

import { fmt } from "./backprop-state.js";

// Right when within 2% (or 0.002 near zero): the graph shows 3 significant digits, so a
// student multiplying its rounded numbers lands within about 1% of the engine's value.
const REL = 0.02;
const ABS = 0.002;

/** guess: a number, or {value, digits} from parseAnswer. Right within 2% (or 0.002), or when
 * it is the truth rounded to the significant digits the student typed (at least two): −0.18
 * for −0.184 is a fair answer read off a graph that shows three digits. */
export function isRight(guess, truth) {
  const { value, digits } = typeof guess === "number" ? { value: guess, digits: 0 } : guess;
  if (Math.abs(value - truth) <= Math.max(REL * Math.abs(truth), ABS)) return true;
  return digits >= 2 && digits <= 15 && value === Number(truth.toPrecision(digits));
}

/** A typed answer as {value, digits}, or null. A decimal comma (Indonesian: −0,777) and the
 * true minus sign count like a point and a hyphen; a number input would have read "−0,777"
 * as −777 or as nothing, depending on the browser's own language. */
export function parseAnswer(text) {
  let s = String(text).trim().replace(/\u2212/g, "-");
  if (s.includes(",") && !s.includes(".") && (s.match(/,/g) || []).length === 1) s = s.replace(",", ".");
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return null;
  const value = Number(s);
  if (!Number.isFinite(value)) return null;
  const mantissa = s.replace(/^[+-]/, "").split(/e/i)[0].replace(".", "").replace(/^0+/, "");
  return { value, digits: mantissa.length };
}

/** form: the question; result: its answer and the score (still shown once the form hides);
 * reveal() advances the lab by one step once a question is done. */
export function mountQuiz({ form, button, result }, { t, reveal }) {
  const prompt = form.querySelector(".bp-quiz-prompt");
  const input = form.elements.guess;
  const state = { on: false, pending: null, asked: 0, right: 0, last: null, verdict: null };
  // Named at each use, so a language switch renames an open question too.
  const labelOf = (q) => (q.example ? t("bp.quiz_example", { label: q.name, k: q.example }) : q.name);
  let done = new Set(); // nodes asked (or shown) in the current pass
  let pass = null;

  function show() {
    form.hidden = !state.on || !state.pending;
    button.setAttribute("aria-pressed", String(state.on));
    if (state.pending) prompt.textContent = t("bp.quiz_prompt", { label: labelOf(state.pending) });
    const score = state.asked ? ` ${t("bp.quiz_score", { right: state.right, asked: state.asked })}` : "";
    result.textContent = state.on ? `${state.last || ""}${score}`.trim() : "";
    // The answer's look follows its verdict (a wrong one was as green as a right one).
    if (state.on && state.last && state.verdict) result.dataset.verdict = state.verdict;
    else delete result.dataset.verdict;
  }

  function finish(text, verdict = null) {
    done.add(state.pending.id);
    state.last = text;
    state.verdict = verdict;
    state.pending = null;
    show();
    reveal();
    result.scrollIntoView({ block: "nearest" });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!state.pending) return;
    const answer = parseAnswer(input.value);
    if (!answer) {
      result.textContent = t("bp.quiz_need_number");
      delete result.dataset.verdict;
      return;
    }
    const { truth } = state.pending;
    const label = labelOf(state.pending);
    state.asked += 1;
    const ok = isRight(answer, truth);
    if (ok) state.right += 1;
    finish(t(ok ? "bp.quiz_right" : "bp.quiz_wrong", { label, value: fmt(truth), guess: fmt(answer.value) }), ok ? "right" : "wrong");
  });
  form.querySelector(".bp-quiz-show").addEventListener("click", () => {
    if (state.pending) finish("");
  });

  return {
    get state() {
      return { ...state, pending: state.pending && { ...state.pending } };
    },
    toggle() {
      state.on = !state.on;
      state.pending = null;
      state.last = null;
      state.verdict = null;
      show();
    },
    /** Before the step that shows node's gradient: true (and a question) when the quiz holds it. */
    holds(graph, id) {
      if (!state.on) return false;
      if (graph !== pass) {
        pass = graph;
        done = new Set();
      }
      const node = graph.nodes.find((n) => n.id === id);
      const perExample = Array.isArray(node?.grad);
      const truth = perExample ? node.grad[0] : node?.grad;
      if (!node || done.has(id) || typeof truth !== "number" || !Number.isFinite(truth)) return false;
      if (!state.pending || state.pending.id !== id) {
        state.pending = { id, name: node.label, truth, example: perExample ? 1 : null };
        state.last = null;
        input.value = "";
      }
      show();
      // A short explanation panel (a projector) scrolls: bring the question into view.
      form.scrollIntoView({ block: "nearest" });
      input.focus({ preventScroll: true });
      return true;
    },
    /** The cursor moved some other way (back, reset, a new pass): drop the open question. */
    cancel() {
      if (!state.pending) return;
      state.pending = null;
      show();
    },
    translate: show,
  };
}
