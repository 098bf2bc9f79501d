// The backprop lab's set-up controls: the network, activation and loss pickers, the landscape's
// two axes and the table of weights and examples, each read from and written back to the state.

import { t } from "./i18n.js";
import { DEFAULT_AXES, DEFAULT_PARAMS, PARAMS, resizeExamples, setNumber } from "./backprop-state.js";
import { renderNumbers } from "./components/backprop-panels.js";

const $ = (sel) => document.querySelector(sel);

/**
 * restart(options) starts a fresh pass; deselect() drops the chosen node when the network
 * changes; moveAxes() redraws after an axis changed. wire() adds the listeners.
 */
export function mountSetup(state, { restart, showError, deselect, moveAxes }) {
  function onChange(key, raw, input) {
    const ok = setNumber(state, key, raw);
    input.setAttribute("aria-invalid", String(!ok));
    // The message is tied to its box, and names it as the table does ("x1 (1)", "w11").
    if (ok) input.removeAttribute("aria-describedby");
    else input.setAttribute("aria-describedby", "bp-error");
    if (!ok) return showError(t("bp.bad_number", { name: input.getAttribute("aria-label") || key.replace("p:", "") }));
    restart();
  }

  function onRows(count) {
    resizeExamples(state, count);
    numbers();
    restart({ recentre: false });
  }

  function numbers() {
    renderNumbers($("#bp-numbers"), state, { t, onChange, onRows });
  }

  function fillAxes() {
    for (const [i, sel] of [$("#bp-axis-a"), $("#bp-axis-b")].entries()) {
      sel.innerHTML = PARAMS[state.network].map((k) => `<option value="${k}">${k}</option>`).join("");
      sel.value = state.axes[i];
    }
  }

  function syncSelects() {
    $("#bp-network").value = state.network;
    $("#bp-activation").value = state.activation;
    $("#bp-activation").disabled = state.network === "neuron";
    const soft = state.network === "softmax";
    $("#bp-loss").value = soft ? "ce" : state.loss;
    $("#bp-loss").disabled = soft;
    $("#bp-loss option[value=ce]").hidden = !soft;
  }

  function wire() {
    $("#bp-network").addEventListener("change", (event) => {
      const net = event.target.value;
      Object.assign(state, { network: net, params: { ...DEFAULT_PARAMS[net] }, axes: [...DEFAULT_AXES[net]] });
      if (net === "softmax") state.examples = state.examples.map(([a, b, y]) => [a, b, y >= 0.5 ? 1 : 0]);
      deselect();
      syncSelects();
      fillAxes();
      numbers();
      restart();
    });
    $("#bp-activation").addEventListener("change", (e) => { state.activation = e.target.value; restart({ recentre: false }); });
    $("#bp-loss").addEventListener("change", (e) => { state.loss = e.target.value; restart({ recentre: false }); });
    for (const [i, sel] of [$("#bp-axis-a"), $("#bp-axis-b")].entries()) {
      sel.addEventListener("change", async () => {
        if (sel.value === state.axes[1 - i]) { sel.value = state.axes[i]; return; }
        state.axes[i] = sel.value;
        await moveAxes();
      });
    }
  }

  return { numbers, fillAxes, syncSelects, wire };
}
