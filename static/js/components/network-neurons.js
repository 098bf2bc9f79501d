// What each neuron computes over the input plane, for the diagram's thumbnails (as TensorFlow
// Playground draws them): the network's forward pass on a small grid, in the page, from the
// flat parameters the frames carry. The output's scores follow the server's heatmap rule, so a
// test can hold this forward pass against the server's own heatmap.

const FEATURE_FN = {
  x1: (a) => a,
  x2: (a, b) => b,
  x1sq: (a) => a * a,
  x2sq: (a, b) => b * b,
  x1x2: (a, b) => a * b,
  sin_x1: (a) => Math.sin(a),
  sin_x2: (a, b) => Math.sin(b),
};
const LEAKY_SLOPE = 0.01; // the server's (torch.nn.LeakyReLU's) default
const ACTIVATION = {
  tanh: Math.tanh,
  relu: (v) => (v > 0 ? v : 0),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  leaky_relu: (v) => (v > 0 ? v : LEAKY_SLOPE * v),
  linear: (v) => v,
};
const sigmoid = (v) => 1 / (1 + Math.exp(-v));

/** Inputs enter as (x - shift) / scale: identity for generated data; for a CSV, the training
 * set's mean and (population) standard deviation, as the server standardises it. */
export function standardiser(problem) {
  if (problem.dataset !== "csv") return { shift: [0, 0], scale: [1, 1] };
  const xs = problem.train.x;
  const n = xs.length;
  const shift = [0, 1].map((j) => xs.reduce((s, p) => s + p[j], 0) / n);
  const scale = [0, 1].map((j) => {
    const sd = Math.sqrt(xs.reduce((s, p) => s + (p[j] - shift[j]) ** 2, 0) / n);
    return sd > 0 ? sd : 1;
  });
  return { shift, scale };
}

function matrices(problem, point) {
  const ws = problem.layers.filter((x) => x.kind === "weight").sort((a, b) => a.layer - b.layer);
  return ws.map((w) => {
    const b = problem.layers.find((x) => x.kind === "bias" && x.layer === w.layer);
    const [rows, cols] = w.shape;
    return { rows, cols, W: point.slice(w.offset, w.offset + rows * cols), b: point.slice(b.offset, b.offset + cols) };
  });
}

/** Every unit's value at every point of an n x n grid over the domain (row = x2, col = x1):
 * {inputs: [feature], hidden: [layer][unit] after the activation, out: [unit] logits}, each a
 * Float64Array(n*n). */
export function forwardGrid(problem, point, n) {
  const mats = matrices(problem, point);
  const act = ACTIVATION[problem.activation] || ACTIVATION.linear;
  const feats = problem.features.map((f) => FEATURE_FN[f]);
  const { shift, scale } = standardiser(problem);
  const [[x0, x1], [y0, y1]] = problem.domain;
  const hidden = mats.slice(0, -1).map((m) => Array.from({ length: m.cols }, () => new Float64Array(n * n)));
  const out = Array.from({ length: mats.at(-1).cols }, () => new Float64Array(n * n));
  const inputs = feats.map(() => new Float64Array(n * n));
  for (let j = 0; j < n; j += 1) {
    for (let i = 0; i < n; i += 1) {
      const a = (x0 + ((x1 - x0) * i) / (n - 1) - shift[0]) / scale[0];
      const b = (y0 + ((y1 - y0) * j) / (n - 1) - shift[1]) / scale[1];
      let h = feats.map((f) => f(a, b));
      h.forEach((v, k) => { inputs[k][j * n + i] = v; });
      mats.forEach((m, l) => {
        const next = new Array(m.cols);
        for (let k = 0; k < m.cols; k += 1) {
          let z = m.b[k];
          for (let r = 0; r < m.rows; r += 1) z += h[r] * m.W[r * m.cols + k];
          next[k] = l < mats.length - 1 ? act(z) : z;
        }
        const store = l < mats.length - 1 ? hidden[l] : out;
        for (let k = 0; k < m.cols; k += 1) store[k][j * n + i] = next[k];
        h = next;
      });
    }
  }
  return { inputs, hidden, out };
}

/** The server's heatmap value per grid point from the output logits (networks.py `scores`). */
export function scores(problem, out) {
  const size = out[0].length;
  const res = new Float64Array(size);
  for (let p = 0; p < size; p += 1) {
    if (problem.task === "regression") res[p] = out[0][p];
    else if (out.length === 1) res[p] = sigmoid(out[0][p]);
    else {
      let probs = out.map((o) => o[p]);
      if (problem.loss === "bce") probs = probs.map(sigmoid);
      else {
        const top = Math.max(...probs);
        const e = probs.map((v) => Math.exp(v - top));
        const s = e.reduce((x, y) => x + y, 0);
        probs = e.map((v) => v / s);
      }
      if (problem.task === "binary") res[p] = probs[1];
      else {
        let best = 0;
        for (let k = 1; k < probs.length; k += 1) if (probs[k] > probs[best]) best = k;
        res[p] = best + 0.999 * probs[best];
      }
    }
  }
  return res;
}

const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));

/** A small PNG (data URL) of values on an n x n grid: t in [-1, 1] from `tone`, negative
 * towards `neg`, positive towards `pos`, white at 0. Row 0 (lowest x2) is drawn at the bottom. */
export function thumbnail(values, n, tone, pos = "#0072B2", neg = "#D55E00") {
  const canvas = document.createElement("canvas");
  canvas.width = n;
  canvas.height = n;
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(n, n);
  const [P, N] = [hex(pos), hex(neg)];
  for (let j = 0; j < n; j += 1) {
    for (let i = 0; i < n; i += 1) {
      const t = Math.max(-1, Math.min(1, tone(values[j * n + i])));
      const c = t >= 0 ? P : N;
      const a = Math.abs(t);
      const o = ((n - 1 - j) * n + i) * 4;
      for (let q = 0; q < 3; q += 1) img.data[o + q] = Math.round(255 + (c[q] - 255) * a);
      img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL();
}

/** Scale values to [-1, 1] by their largest magnitude (a dead unit stays white). */
export function byMagnitude(values) {
  let most = 0;
  for (const v of values) most = Math.max(most, Math.abs(v));
  return most > 0 ? (v) => v / most : () => 0;
}
