// The backprop lab's quiz: with it on, the backward pass stops before each gradient is shown
// and asks for it. The student works ∂L/∂node out by the chain rule from the numbers already on
// the graph, types it, and Check says right or not. A first wrong answer only earns a hint (the
// step's rule in symbols), since a slipped sign or factor is what a student learns most from
// correcting; the second answer, or Show answer, reveals the step. With a batch,
// a node's gradient is a list (one per example): the question is about the first example, whose
// numbers head each list on the graph. The softmax network's logits o = [o1, o2] have one
// gradient per class: the question is about class 1 (of example 1, with a batch).

import { fmt } from "./backprop-state.js";
import { hintLines } from "./components/backprop-math.js";
import { escapeHtml } from "./plots-common.js";

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

/** The entry of a node's gradient the quiz asks for, the first number of its list on the
 * graph: a batch's lists run over examples, one example's list (the logits o) over classes,
 * and a batch of logits is a table, examples by classes. */
export function firstEntry(grad, batch) {
  if (!Array.isArray(grad)) return { truth: grad, example: null, cls: null };
  if (!batch) return { truth: grad[0], example: null, cls: 1 };
  const row = grad[0];
  return Array.isArray(row) ? { truth: row[0], example: 1, cls: 1 } : { truth: row, example: 1, cls: null };
}

/** form: the question; result: its hint, answer and score (still shown once the form hides);
 * reveal() advances the lab by one step once a question is done. */
export function mountQuiz({ form, button, result }, { t, reveal }) {
  const prompt = form.querySelector(".bp-quiz-prompt");
  const input = form.elements.guess;
  // right counts every right answer, second those of them on the second try: the score says both.
  const state = { on: false, pending: null, asked: 0, right: 0, second: 0, tries: 0, last: null, verdict: null, notice: null };
  // Every scored question, for the JSON export: {node, label, example, truth, typed: [numbers],
  // right, tries, shown}. A student hands in what they typed, not only the score.
  const answers = [];
  let typed = new Map(); // node -> the numbers typed for its open question, over Back and Next
  // Named at each use, so a language switch renames an open question too.
  const labelOf = (q) => {
    const at = { label: q.name, k: q.example, c: q.class };
    if (q.class) return t(q.example ? "bp.quiz_example_class" : "bp.quiz_class", at);
    return q.example ? t("bp.quiz_example", at) : q.name;
  };
  let done = new Set(); // nodes asked (or shown) in the current pass
  let missed = new Set(); // nodes answered wrong once in this pass: Back and Next do not wipe that
  let pass = null;

  function scoreText() {
    if (!state.asked) return "";
    const { right, asked, second } = state;
    return t(second ? "bp.quiz_score_second" : "bp.quiz_score", { right, asked, second });
  }

  /** After a first wrong answer: "not right yet", the rule of the step, never its number. */
  function hintHtml(q) {
    const step = pass.steps.find((s) => s.node === q.id);
    const { chain, locals } = step ? hintLines(pass, step) : { chain: null, locals: [] };
    const key = !locals.length ? "bp.quiz_hint_seed" : chain ? "bp.quiz_hint_chain" : "bp.quiz_hint_loss";
    // The local rules share a line where they fit: a short projector panel keeps them in view.
    const math = locals.length ? `<span class="bp-math">${chain || ""}<span class="bp-quiz-locals">${locals.join("")}</span></span>` : "";
    return `<span class="bp-quiz-hint"><strong>${escapeHtml(t("bp.quiz_not_yet"))}</strong> ${escapeHtml(t(key))}</span>${math}`;
  }

  function show() {
    form.hidden = !state.on || !state.pending;
    button.setAttribute("aria-pressed", String(state.on));
    const q = state.pending;
    if (q) prompt.textContent = t(state.tries ? "bp.quiz_prompt_again" : "bp.quiz_prompt", { label: labelOf(q) });
    const hinting = state.on && q && state.tries > 0;
    const score = scoreText();
    if (hinting) {
      const notice = state.notice ? `<span class="bp-quiz-notice">${escapeHtml(state.notice)}</span>` : "";
      result.innerHTML = `${hintHtml(q)}${notice}${score ? `<span>${escapeHtml(score)}</span>` : ""}`;
    } else result.textContent = state.on ? [state.notice || state.last, score].filter(Boolean).join(" ") : "";
    // The answer's look follows its verdict (a wrong one was as green as a right one); asking for
    // a number is no verdict.
    const verdict = hinting ? "hint" : !state.notice && state.last && state.verdict;
    if (state.on && verdict) result.dataset.verdict = verdict;
    else delete result.dataset.verdict;
    // Focus stays in the box for the second try: the hint is its description, read out with it.
    if (hinting) input.setAttribute("aria-describedby", result.id);
    else input.removeAttribute("aria-describedby");
  }

  function finish(text, verdict = null) {
    done.add(state.pending.id);
    state.last = text;
    state.verdict = verdict;
    state.pending = null;
    state.tries = 0;
    state.notice = null;
    show();
    reveal();
    result.scrollIntoView({ block: "nearest" });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = state.pending;
    if (!q) return;
    const answer = parseAnswer(input.value);
    if (!answer) {
      state.notice = t("bp.quiz_need_number");
      show();
      return;
    }
    state.notice = null;
    const label = labelOf(q);
    const ok = isRight(answer, q.truth);
    typed.set(q.id, [...(typed.get(q.id) || []), answer.value]);
    if (!ok && !state.tries) {
      state.tries = 1;
      missed.add(q.id);
      show();
      // Check took the focus: give it back, the wrong answer selected for retyping.
      input.focus({ preventScroll: true });
      input.select();
      result.scrollIntoView({ block: "nearest" });
      form.scrollIntoView({ block: "nearest" });
      return;
    }
    state.asked += 1;
    if (ok) state.right += 1;
    if (ok && state.tries) state.second += 1;
    record(q, ok, false);
    const key = !ok ? "bp.quiz_wrong" : state.tries ? "bp.quiz_right_second" : "bp.quiz_right";
    finish(t(key, { label, value: fmt(q.truth), guess: fmt(answer.value) }), ok ? "right" : "wrong");
  });
  form.querySelector(".bp-quiz-show").addEventListener("click", () => {
    if (!state.pending) return;
    // Shown before any answer: not scored. Shown after a wrong one: that question was missed.
    if (state.tries) {
      state.asked += 1;
      record(state.pending, false, true);
    }
    finish("");
  });

  function record(q, right, shown) {
    const tries = state.tries + (shown ? 0 : 1);
    answers.push({ node: q.id, label: q.name, example: q.example, class: q.class, truth: q.truth, typed: typed.get(q.id) || [], right, tries, shown });
    typed.delete(q.id);
  }

  return {
    get state() {
      return { ...state, pending: state.pending && { ...state.pending } };
    },
    /** The score and every scored answer, or null before the first. */
    get results() {
      if (!state.asked) return null;
      const { asked, right, second } = state;
      return { asked, right, second, answers: answers.map((a) => ({ ...a, typed: [...a.typed] })) };
    },
    toggle() {
      state.on = !state.on;
      state.pending = null;
      state.tries = 0;
      state.last = null;
      state.verdict = null;
      state.notice = null;
      show();
    },
    /** Before the step that shows node's gradient: true (and a question) when the quiz holds it. */
    holds(graph, id) {
      if (!state.on) return false;
      if (graph !== pass) {
        pass = graph;
        done = new Set();
        missed = new Set();
        typed = new Map();
      }
      const node = graph.nodes.find((n) => n.id === id);
      const { truth, example, cls } = firstEntry(node?.grad, graph.examples.length > 1);
      if (!node || done.has(id) || typeof truth !== "number" || !Number.isFinite(truth)) return false;
      if (!state.pending || state.pending.id !== id) {
        state.pending = { id, name: node.label, truth, example, class: cls };
        // Asked again after Back: a first try already spent stays spent, so the score stays honest.
        state.tries = missed.has(id) ? 1 : 0;
        state.last = null;
        state.notice = null;
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
      state.tries = 0;
      state.notice = null;
      show();
    },
    translate: show,
  };
}
