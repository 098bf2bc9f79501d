// #predict-panel: "predict the next step". The run waits; the viewer clicks the contour map
// (or types coordinates) where they think the chosen racer's next point will land; then one
// step runs and the true point is shown with the distance between guess and truth.

import { formatNumber, TERMINAL } from "../state.js";

/**
 * deps: t; labels() -> racer labels; entry(i) -> {step, point, status} of racer i's latest
 * finite point or null; step() asks the run for one step; mark(marks|null) draws on the map.
 * Optional: keys {prompt, need} (catalog keys naming the lab's coordinates); explain(state)
 * -> a line of arithmetic to show with the question or the answer ("" for none).
 */
const MAX_GUESS = 1e6;

export function mountPredictPanel(el, { t, labels, entry, step, mark, keys = {}, explain = null }) {
  const prompt = el.querySelector(".predict-prompt");
  const rule = el.querySelector(".predict-rule");
  const select = el.querySelector(".predict-racer");
  const form = el.querySelector("form.predict-form");
  const result = el.querySelector(".predict-result");
  const next = el.querySelector(".predict-next");
  const state = { active: false, phase: "idle", racer: 0, base: null, guess: null, truth: null, distance: null };

  select.addEventListener("change", () => {
    state.racer = Number(select.value);
    ready();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const x = Number(form.elements.x.value);
    const y = Number(form.elements.y.value);
    if (form.elements.x.value === "" || form.elements.y.value === "" || !Number.isFinite(x) || !Number.isFinite(y)) {
      result.textContent = t(keys.need || "predict.need_numbers");
      return;
    }
    // Past the start's own bound, a mark would be drawn at coordinates the plot cannot place.
    if (Math.abs(x) > MAX_GUESS || Math.abs(y) > MAX_GUESS) {
      result.textContent = t("predict.too_far", { max: "1e6" });
      return;
    }
    api.guess([x, y]);
  });
  next.addEventListener("click", () => ready());

  function fillRacers() {
    const names = labels();
    select.replaceChildren(
      ...names.map((n, i) => {
        const o = document.createElement("option");
        o.value = String(i);
        o.textContent = n;
        return o;
      }),
    );
    if (state.racer >= names.length) state.racer = 0;
    select.value = String(state.racer);
  }

  function show() {
    el.hidden = !state.active;
    el.dataset.phase = state.phase;
    next.hidden = state.phase !== "revealed";
    const e = entry(state.racer);
    if (state.phase === "starting") {
      prompt.textContent = t("predict.waiting_start");
    } else if (state.phase === "guess") {
      prompt.textContent = t(keys.prompt || "predict.prompt", { step: e.step + 1 });
    } else if (state.phase === "waiting") {
      prompt.textContent = t("predict.running");
    } else if (state.phase === "revealed") {
      prompt.textContent = t("predict.revealed", { step: state.truth.step });
    } else if (state.phase === "stopped") {
      prompt.textContent = t("predict.stopped");
    }
    if (state.phase === "revealed") {
      const [x, y] = state.truth.point;
      result.textContent = t("predict.result", {
        x: formatNumber(x),
        y: formatNumber(y),
        d: formatNumber(state.distance),
      });
    } else if (state.phase !== "waiting") {
      result.textContent = "";
    }
    if (rule) {
      const text = explain && state.active ? explain({ ...state }) : "";
      rule.textContent = text;
      rule.hidden = !text;
    }
  }

  function ready() {
    state.guess = null;
    state.truth = null;
    state.distance = null;
    const e = entry(state.racer);
    state.base = e ? e.step : null;
    // "starting" until the run has sent the racer's current point: a guess needs a "from".
    state.phase = !e ? "starting" : TERMINAL.has(e.status) ? "stopped" : "guess";
    mark(e ? { from: e.point } : null);
    show();
  }

  const api = {
    get active() {
      return state.active;
    },
    get state() {
      return { ...state };
    },
    start() {
      state.active = true;
      fillRacers();
      ready();
      const first = form.elements.x;
      if (first) first.focus();
    },
    stop() {
      state.active = false;
      state.phase = "idle";
      mark(null);
      show();
    },
    /** A guess from the map or the form: only while a guess is expected. */
    guess(point) {
      if (!state.active || state.phase !== "guess") return false;
      const e = entry(state.racer);
      if (!e) return false;
      state.base = e.step;
      state.guess = point;
      form.elements.x.value = String(point[0]);
      form.elements.y.value = String(point[1]);
      state.phase = "waiting";
      mark({ from: e.point, guess: point });
      show();
      step();
      return true;
    },
    /** After frames were folded into the race: reveal once the racer has moved on. */
    update() {
      if (!state.active) return;
      const e = entry(state.racer);
      if ((state.phase === "guess" || state.phase === "starting") && e && e.step !== state.base) {
        ready(); // the run moved without a guess (the step button): ask about the new point
        return;
      }
      // A fresh run began under the question (its set-up changed): ask again from its point.
      if (state.phase === "waiting" && e && e.step < state.base) {
        fillRacers();
        ready();
        return;
      }
      if (state.phase !== "waiting" || !e || e.step <= state.base) return;
      state.truth = { step: e.step, point: e.point };
      state.distance = Math.hypot(e.point[0] - state.guess[0], e.point[1] - state.guess[1]);
      state.phase = "revealed";
      mark({ from: null, guess: state.guess, truth: e.point, distance: state.distance });
      show();
    },
    /** The run ended or the racer stopped while we waited. */
    stopped() {
      if (state.active && state.phase === "waiting") {
        const e = entry(state.racer);
        if (e && e.step > state.base) api.update();
        else {
          state.phase = "stopped";
          show();
        }
      }
    },
    translate() {
      if (state.active) {
        fillRacers();
        show();
      }
    },
  };
  return api;
}
