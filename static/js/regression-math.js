// The regression lab's numbers in the browser: model predictions (sigmoid, softmax logits),
// the (w, b) that frames the landscape, the loss at the start before any frame arrives, and
// thinning rows to fit a socket message. Pure functions, no DOM.


export const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/** Softmax parameter layout from the server: w11..w1k, w21..w2k, b1..bk. */
export function softmaxLogits(theta, k, x1, x2) {
  const out = new Array(k);
  for (let c = 0; c < k; c += 1) out[c] = x1 * theta[c] + x2 * theta[k + c] + theta[2 * k + c];
  return out;
}

export function argmax(arr) {
  let best = 0;
  for (let i = 1; i < arr.length; i += 1) if (arr[i] > arr[best]) best = i;
  return best;
}

/** The (w, b) minimising the model's loss on 1-D data, for framing the landscape. */
export function solve2(model, xs, ys) {
  const n = xs.length;
  if (model === "linear") {
    const mx = xs.reduce((a, v) => a + v, 0) / n;
    const my = ys.reduce((a, v) => a + v, 0) / n;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < n; i += 1) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) ** 2;
    }
    const w = sxx > 0 ? sxy / sxx : 0;
    return [w, my - w * mx];
  }
  // Logistic: Newton's method with a little ridge (separable data has no finite optimum).
  let w = 0;
  let b = 0;
  for (let it = 0; it < 50; it += 1) {
    let gw = 0.01 * w;
    let gb = 0;
    let hww = 0.01;
    let hwb = 0;
    let hbb = 1e-6;
    for (let i = 0; i < n; i += 1) {
      const p = sigmoid(w * xs[i] + b);
      const d = p - ys[i];
      gw += (d * xs[i]) / n;
      gb += d / n;
      const s = (p * (1 - p)) / n;
      hww += s * xs[i] * xs[i];
      hwb += s * xs[i];
      hbb += s;
    }
    const det = hww * hbb - hwb * hwb;
    if (!(Math.abs(det) > 1e-12)) break;
    w -= (hbb * gw - hwb * gb) / det;
    b -= (hww * gb - hwb * gw) / det;
  }
  return [Math.max(-12, Math.min(12, w)), Math.max(-12, Math.min(12, b))];
}

/** Ranges for the (w, b) landscape: the start and the solution with room around them. */
export function viewRanges(start, solution) {
  return [0, 1].map((j) => {
    const lo = Math.min(start[j], solution[j]);
    const hi = Math.max(start[j], solution[j]);
    const pad = Math.max((hi - lo) * 0.45, 1.5);
    return [round2(lo - pad), round2(hi + pad)];
  });
}

const round2 = (v) => Math.round(v * 100) / 100;

/** Subsample user rows so a start message stays under the socket's message limit. */
export function fitRows(table, maxRows) {
  if (table.length <= maxRows) return { table, kept: table.length };
  const stride = table.length / maxRows;
  const out = [];
  for (let i = 0; i < maxRows; i += 1) out.push(table[Math.floor(i * stride)]);
  return { table: out, kept: out.length };
}

/** The full-data loss at theta (the start, before any frame arrives). */
export function lossAt(model, theta, data) {
  if (model === "softmax") return theta ? softmaxLoss(theta, data) : Math.log(data.classes);
  const [w, b] = theta;
  let total = 0;
  for (let i = 0; i < data.x.length; i += 1) {
    const z = w * data.x[i] + b;
    const y = data.y[i];
    if (model === "linear") total += (z - y) ** 2;
    else if (model === "logistic_mse") total += (sigmoid(z) - y) ** 2;
    else total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))); // BCE with logits
  }
  return total / data.x.length;
}

/** Categorical cross-entropy of softmax regression at theta over the data (stable logsumexp). */
function softmaxLoss(theta, data) {
  let total = 0;
  for (let i = 0; i < data.x.length; i += 1) {
    const z = softmaxLogits(theta, data.classes, data.x[i][0], data.x[i][1]);
    const m = Math.max(...z);
    total += m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0)) - z[data.y[i]];
  }
  return total / data.x.length;
}
