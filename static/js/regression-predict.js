// "Predict the next step" in the regression lab: the run waits while the viewer clicks the
// landscape (or types w and b) where a racer's next (w, b) will land. For plain SGD the panel
// gives the course's update rule with the numbers (w − η·∂L/∂w, b − η·∂L/∂b) and, once the
// step is revealed, the arithmetic; a stochastic or mini-batch racer's step follows its batch's
// gradient instead, and the panel says which examples made the difference.

import { mountPredictPanel } from "./components/predict-panel.js";
import { formatNumber, fullHyperparameters } from "./state.js";
import { modelOf } from "./regression-state.js";

const $ = (sel) => document.querySelector(sel);

/** ui: the lab (t, state, hook, plots, race, labels, mainCount, ensurePaused, schedule). */
export function mountRegressionPredict(ui, { catalog }) {
  const { t, state, hook, plots } = ui;
  const button = $("#predict-button");
  const record = (i) => (ui.race ? ui.race.record.racers[i] : null);
  let asked = null; // the point and full-data gradient the current question starts from

  function entry(i) {
    const r = record(i);
    if (!r || !r.points.length) return null;
    return { step: r.steps[r.steps.length - 1], point: r.points[r.points.length - 1], status: r.status };
  }

  /** lr of a racer stepping by plain gradient descent (SGD without momentum or decay), else null. */
  function plainLr(i) {
    const racer = state.racers[i];
    if (!racer || racer.name !== "sgd") return null;
    const hp = fullHyperparameters(racer, catalog);
    const plain = !hp.momentum && !hp.weight_decay && !hp.maximize && !hp.nesterov;
    return plain && Number.isFinite(hp.lr) ? hp.lr : null;
  }

  function explain(st) {
    const lr = plainLr(st.racer);
    const r = record(st.racer);
    if (lr === null || !r) return "";
    // The rule writes − for minus; the numbers in it must too (it read "-2 − 0.1 × (-23.24)").
    const f = (v) => formatNumber(v).replace(/^-/, "−");
    if (st.phase === "guess") {
      // Remember what the question starts from: the answer's arithmetic must use these numbers
      // even after the record has moved on to the revealed step.
      const e = entry(st.racer);
      asked = e && r.grad ? { point: e.point, grad: r.grad } : null;
      if (!asked) return "";
      const [w, b] = asked.point;
      const [gw, gb] = asked.grad;
      const rule = t("predict.rule_sgd", { w: f(w), b: f(b), gw: f(gw), gb: f(gb), lr: f(lr) });
      // Said before the guess, not only after it: a batched racer's step cannot follow the
      // full-data gradient the rule shows, and a student should not be marked down for that.
      const batched = state.racers[st.racer] && state.racers[st.racer].variant !== "batch";
      return batched ? `${rule} ${t("predict.rule_batch_ahead")}` : rule;
    }
    if (st.phase !== "revealed" || !asked) return "";
    const [w, b] = asked.point;
    const [gw, gb] = asked.grad;
    const text = t("predict.rule_check", { w: f(w), b: f(b), gw: f(gw), gb: f(gb), lr: f(lr), nw: f(w - lr * gw), nb: f(b - lr * gb) });
    if (!Array.isArray(r.batch)) return text;
    const shown = r.batch.slice(0, 6).map((k) => `#${k + 1}`);
    if (r.batch.length > 6) shown.push("…");
    return `${text} ${t("predict.rule_batch", { examples: shown.join(", ") })}`;
  }

  const predict = mountPredictPanel($("#predict-panel"), {
    t,
    labels: () => ui.labels().slice(0, ui.mainCount()),
    entry,
    step: () => document.dispatchEvent(new CustomEvent("step")),
    mark: (marks) => {
      plots.setMarks(marks);
      ui.schedule();
    },
    keys: { prompt: "predict.prompt_wb", need: "predict.need_numbers_wb" },
    explain,
  });
  Object.defineProperty(hook, "predict", { get: () => predict.state, configurable: true });

  function stop() {
    if (predict.active) predict.stop();
    button.setAttribute("aria-pressed", "false");
  }

  function showButton() {
    // A softmax model has 3 numbers per class: a click on a 2-D slice cannot say them all.
    const off = modelOf(state) === "softmax";
    button.disabled = off;
    button.title = t(off ? "predict.softmax_off" : "predict.title");
    if (off) stop();
  }

  button.addEventListener("click", () => {
    if (predict.active) {
      stop();
      return;
    }
    ui.ensurePaused();
    button.setAttribute("aria-pressed", "true");
    // On a narrow screen the landscape is what the guess is made on.
    const toLandscape = $("#view-toggle button[data-view='landscape']");
    if (state.view === "data" && toLandscape.offsetParent !== null) toLandscape.click();
    predict.start();
  });
  $("#predict-panel .predict-done").addEventListener("click", () => {
    stop();
    button.focus();
  });

  return {
    get active() {
      return predict.active;
    },
    guess: (point) => predict.guess(point),
    update: () => predict.update(),
    stopped: () => predict.stopped(),
    stop,
    showButton,
    translate() {
      predict.translate();
      showButton();
    },
  };
}
