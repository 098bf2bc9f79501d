import { VARIANTS } from "../regression-state.js";
import { h } from "./emit.js";

/**
 * The regression lab's rows inside a racer card (see optimizer-list's extraRows hook): the
 * Gradient Descent variant (batch, stochastic, mini-batch) and, for mini-batch, its size k.
 */
export function descentFields(t, maxBatch) {
  return (racer, index, changed) => {
    const variant = h(
      "select",
      { class: "racer-variant", "aria-label": t("reg.variant_of", { n: index + 1 }) },
      ...VARIANTS.map((v) => h("option", { value: v, text: t(`reg.variant_${v}`), selected: v === racer.variant })),
    );
    const size = h("input", {
      type: "number", class: "batch-size", min: "1", max: String(maxBatch()), step: "1",
      value: String(racer.batchSize), "aria-label": t("reg.batch_size"), inputmode: "numeric",
    });
    const sizeLabel = h("label", { class: "batch-field", hidden: racer.variant !== "minibatch" },
      h("span", { class: "hp-name", text: "k =" }), size);
    variant.addEventListener("change", () => {
      racer.variant = variant.value;
      sizeLabel.hidden = racer.variant !== "minibatch";
      changed();
    });
    size.addEventListener("change", () => {
      let k = Math.round(Number(size.value));
      if (!Number.isFinite(k) || k < 1) k = 1;
      k = Math.min(k, maxBatch());
      size.value = String(k);
      racer.batchSize = k;
      changed();
    });
    return [h("div", { class: "variant-row" }, variant, sizeLabel)];
  };
}
