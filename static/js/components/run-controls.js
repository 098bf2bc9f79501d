import { emit } from "./emit.js";

const SPEED_MIN = 1;

/**
 * #run-controls: Play/Pause, Step, Reset, speed (steps per second, log slider), step budget,
 * and the step count. Emits play, pause, step, reset, change-speed {speed},
 * change-steps {steps}.
 */
export function mountRunControls(el, { limits, t }) {
  const play = el.querySelector("#play-button");
  const stepButton = el.querySelector("#step-button");
  const reset = el.querySelector("#reset-button");
  const speed = el.querySelector("#speed-input");
  const speedOut = el.querySelector("#speed-output");
  const steps = el.querySelector("#steps-input");
  const count = el.querySelector("#step-count");
  const total = el.querySelector("#step-total");
  const status = el.querySelector("#run-status");
  const speedMax = Math.min(limits.max_steps_per_second, 1000);
  steps.max = String(limits.max_steps);

  const toSpeed = (pos) => {
    const e = Math.log10(SPEED_MIN) + (pos / 1000) * (Math.log10(speedMax) - Math.log10(SPEED_MIN));
    const v = 10 ** e;
    return v < 10 ? Math.round(v * 2) / 2 : Math.round(v);
  };
  const toPos = (v) => Math.round(((Math.log10(v) - Math.log10(SPEED_MIN)) / (Math.log10(speedMax) - Math.log10(SPEED_MIN))) * 1000);

  play.addEventListener("click", () => emit(el, play.dataset.state === "pause" ? "pause" : "play"));
  stepButton.addEventListener("click", () => emit(el, "step"));
  reset.addEventListener("click", () => emit(el, "reset"));
  speed.addEventListener("input", () => {
    speedOut.textContent = String(toSpeed(Number(speed.value)));
  });
  speed.addEventListener("change", () => emit(el, "change-speed", { speed: toSpeed(Number(speed.value)) }));
  let lastSteps = Number(steps.value) || 1;
  steps.addEventListener("change", () => {
    // Empty, negative or unreadable input was not meant as a budget of 1: keep the old one.
    // Too large a number is read as "as many as allowed".
    const text = steps.value.trim();
    let n = Math.round(Number(text));
    if (text === "" || !Number.isFinite(n) || n < 1) {
      steps.value = String(lastSteps);
      return;
    }
    n = Math.min(n, limits.max_steps);
    steps.value = String(n);
    lastSteps = n;
    emit(el, "change-steps", { steps: n });
  });

  let playing = false;
  let statusVars = {}; // kept so a language switch re-renders "refused: {message}" in full
  const api = {
    showPlaying(on) {
      playing = on;
      play.dataset.state = on ? "pause" : "play";
      play.querySelector(".icon").textContent = on ? "❚❚" : "▶";
      const label = play.querySelector(".label");
      label.dataset.i18n = on ? "run.pause" : "run.play";
      label.textContent = t(label.dataset.i18n);
    },
    showSpeed(v) {
      speed.value = String(toPos(v));
      speedOut.textContent = String(v);
    },
    showSteps(n) {
      lastSteps = n;
      steps.value = String(n);
    },
    showCount(step, budget) {
      count.textContent = String(step);
      total.textContent = String(budget);
    },
    showStatus(key, vars) {
      status.dataset.key = key || "";
      statusVars = vars || {};
      status.textContent = key ? t(key, statusVars) : "";
    },
    translate() {
      api.showPlaying(playing);
      if (status.dataset.key) status.textContent = t(status.dataset.key, statusVars);
    },
  };
  return api;
}
