import { formatNumber } from "../state.js";

// MathML by hand (no external library): tiny builders for the pieces the three losses use.
const mi = (s) => `<mi>${s}</mi>`;
const mn = (s) => `<mn>${s}</mn>`;
const mo = (s) => `<mo>${s}</mo>`;
const row = (...xs) => `<mrow>${xs.join("")}</mrow>`;
const sub = (a, b) => `<msub>${a}${b}</msub>`;
const sup = (a, b) => `<msup>${a}${b}</msup>`;
const frac = (a, b) => `<mfrac>${a}${b}</mfrac>`;
// Ŷ as one letter: without a math font (offline, none is served) Chromium set a stacked ^
// well above the Y. Italic by hand, since only Latin and Greek letters get the automatic one.
const hatY = '<mi class="mi-italic">Ŷ</mi>';
const sum = (from, to) => `<munderover>${mo("∑")}${from}${to}</munderover>`;
const paren = (...xs) => row(mo("("), ...xs, mo(")"));
// The square sits on the closing parenthesis: on the whole group it rose to the height of the
// tallest term inside.
const squared = (...xs) => row(mo("("), ...xs, sup(mo(")"), mn("2")));
const bracket = (...xs) => row(mo("["), ...xs, mo("]"));
// A true minus sign, as beside it in "− 3": a hyphen read "-2" next to "− 3".
const num = (v) => (Number.isFinite(v) ? mn(formatNumber(v, 4).replace(/^-/, "−")) : mo("—"));
const math = (...xs) => `<math display="block">${row(...xs)}</math>`;

const Yi = sub(mi("Y"), mi("i"));
const Yhat = sub(hatY, mi("i"));
const sumN = sum(row(mi("i"), mo("="), mn("1")), mi("n"));
const mean = frac(mn("1"), mi("n"));
// ln, the natural log the engine uses (as the backprop lab writes it): log₁₀ would be 2.3x off.
const log = (x) => row(mi("ln"), mo("&#x2061;"), x);

// value null: no data yet, so the formula stands alone (no number from an earlier problem).
function lossLine(loss, value) {
  const is = value === null ? [] : [mo("="), num(value)];
  if (loss === "bce") {
    return math(mi("BCE"), mo("="), mo("−"), mean, sumN,
      bracket(Yi, log(Yhat), mo("+"), paren(mn("1"), mo("−"), Yi), log(paren(mn("1"), mo("−"), Yhat))), ...is);
  }
  if (loss === "cross_entropy") {
    const Yic = sub(mi("Y"), row(mi("i"), mi("c")));
    const Yhatic = sub(hatY, row(mi("i"), mi("c")));
    // CCE: categorical cross-entropy, the course's name for it
    return math(mi("CCE"), mo("="), mo("−"), mean, sumN, sum(row(mi("c"), mo("="), mn("1")), mi("k")),
      Yic, log(Yhatic), ...is);
  }
  return math(mi("MSE"), mo("="), mean, sumN, squared(Yi, mo("−"), Yhat), ...is);
}

function modelLine(model, theta, k) {
  const has = Array.isArray(theta) && theta.length >= 2;
  const w = has ? num(theta[0]) : mi("w");
  const b = has ? num(Math.abs(theta[1])) : mi("b");
  const plus = has && theta[1] < 0 ? mo("−") : mo("+");
  const xi = sub(mi("x"), mi("i"));
  if (model === "linear") {
    return math(Yhat, mo("="), mi("w"), xi, mo("+"), mi("b"), ...(has ? [mo("="), w, xi, plus, b] : []));
  }
  if (model === "softmax") {
    return math(Yhat, mo("="), mi("softmax"), paren(mi("W"), sub(mi("x"), mi("i")), mo("+"), mi("b")),
      ...(k ? [mo(","), mi("k"), mo("="), mn(String(k))] : []));
  }
  return math(Yhat, mo("="), mi("σ"), paren(mi("w"), xi, mo("+"), mi("b")), ...(has ? [mo("="), mi("σ"), paren(w, xi, plus, b)] : []));
}

/** #formula-view: the Loss Function being minimised, with the chosen racer's current numbers;
 * n null: no data is loaded (a CSV problem before its file), so the formula alone. */
export function mountFormulaView(el, { t }) {
  const box = el.querySelector("#formula-math");
  const note = el.querySelector("#formula-note");
  return {
    show({ model, loss, n, k, theta, value, who }) {
      // Only numbers and fixed symbols go into this markup, never user text.
      const data = n !== null;
      box.innerHTML = lossLine(loss, data ? value : null) + modelLine(model, data ? theta : null, data ? k : null);
      note.textContent = data ? t(`reg.formula_note_${loss}`, { n, who: who || "—" }) : t("reg.formula_note_no_data");
    },
  };
}
