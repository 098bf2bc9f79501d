// MathML for the backprop lab (no external library): each step's equation with the numbers,
// each node's local derivative rule, each parameter's chain-rule product.
// Only numbers and fixed symbols go into this markup, never user text.

import { fmt } from "../backprop-state.js";

const mi = (s) => `<mi>${s}</mi>`;
const mn = (s) => `<mn>${s}</mn>`;
const mo = (s) => `<mo>${s}</mo>`;
const row = (...xs) => `<mrow>${xs.join("")}</mrow>`;
const frac = (a, b) => `<mfrac>${a}${b}</mfrac>`;
const paren = (...xs) => row(mo("("), ...xs, mo(")"));
const sub = (a, b) => `<msub>${a}${b}</msub>`;
const sup = (a, b) => `<msup>${a}${b}</msup>`;
const times = mo("×");
const LN = [mi("ln"), mo("&#x2061;")]; // ln applied to what follows, spaced as a function
const eq = mo("=");

/** An equation as a chain that wraps: one <math> per "= ..." link, in a wrapping line, so a
 * batch's long vectors continue on the next line instead of running off the panel (MathML
 * in Chromium does not break lines itself). */
export const math = (...xs) => {
  const links = [[]];
  for (const x of xs) {
    if (x === eq && links.at(-1).length) links.push([x]);
    else links.at(-1).push(x);
  }
  return `<span class="math-chain">${links.map((l) => `<math>${row(...l)}</math>`).join("")}</span>`;
};

/** A number, negative ones in parentheses when they follow an operator; a batch's vector
 * in brackets, whose commas already keep its signs apart. */
const N = (v) => {
  if (Array.isArray(v)) return row(mo("["), ...v.flatMap((x, i) => (i ? [mo(","), R(x)] : [R(x)])), mo("]"));
  const s = fmt(v);
  return s.startsWith("−") ? paren(mn(s)) : mn(s);
};

/** A result after "=": no parentheses needed. */
const R = (v) => (Array.isArray(v) ? N(v) : mn(fmt(v)));

/** A node label as a symbol: w11 -> w with subscript 11, x1·w11 -> x1 · w11, [o1, o2] -> o. */
export function sym(label) {
  if (label.startsWith("[")) return mi("o");
  if (label.includes("·")) return row(...label.split("·").flatMap((p, i) => (i ? [mo("·"), sym(p)] : [sym(p)])));
  const m = /^([a-zA-Zŷ]+)(\d+)$/.exec(label);
  return m ? sub(mi(m[1]), mn(m[2])) : mi(label);
}

const d = (label) => row(mi("∂"), label.includes("·") ? paren(sym(label)) : sym(label));
export const partial = (top, bottom) => frac(d(top), d(bottom));

function sigmoidOf(v) {
  return 1 / (1 + Math.exp(-v));
}

/** The forward equation of an op node: its definition, then the numbers. */
export function forwardLine(graph, node) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ins = graph.edges.filter((e) => e.to === node.id).map((e) => byId.get(e.from));
  const [a, b] = ins;
  const lhs = sym(node.label);
  const V = R(node.value);
  switch (node.op) {
    case "mul": // a product node is named by its own expression
      return math(sym(a.label), mo("·"), sym(b.label), eq, N(a.value), times, N(b.value), eq, V);
    case "add":
      return math(lhs, eq, sym(a.label), mo("+"), sym(b.label), eq, N(a.value), mo("+"), N(b.value), eq, V);
    case "sigmoid":
      return math(lhs, eq, mi("σ"), paren(sym(a.label)), eq,
        frac(mn("1"), row(mn("1"), mo("+"), sup(mi("e"), row(mo("−"), N(a.value))))), eq, V);
    case "tanh":
      return math(lhs, eq, mi("tanh"), paren(sym(a.label)), eq, mi("tanh"), paren(N(a.value)), eq, V);
    case "mse_loss":
      return math(mi("L"), eq, ...mean(graph), sup(paren(sym(a.label), mo("−"), sym(b.label)), mn("2")), eq,
        ...mean(graph), sup(paren(N(a.value), mo("−"), N(b.value)), mn("2")), eq, V);
    case "binary_cross_entropy":
      // ln, the natural log the engine uses: with log₁₀ a student's hand value is off by 2.3x
      return math(mi("L"), eq, mo("−"), ...mean(graph), row(mo("["), sym(b.label), ...LN, sym(a.label), mo("+"),
        paren(mn("1"), mo("−"), sym(b.label)), ...LN, paren(mn("1"), mo("−"), sym(a.label)), mo("]")), eq, V);
    case "stack":
      return math(mi("o"), eq, row(mo("["), sym(a.label), mo(","), sym(b.label), mo("]")), eq, V);
    case "cross_entropy": {
      // p = softmax(o) per example; the loss is -log of the true class's p, averaged
      const rows = Array.isArray(a.value[0]) ? a.value : [a.value];
      const pk = rows.map((o, i) => softmax(o)[Math.round(graph.examples[i][2])]);
      const pTrue = sub(mi("p"), mi("true"));
      const ps = pk.length === 1 ? paren(R(pk[0])) : N(pk);
      return math(mi("L"), eq, mo("−"), ...mean(graph), ...LN, pTrue, eq, mo("−"), ...mean(graph), ...LN, ps, eq, V);
    }
    default:
      return math(lhs, eq, V);
  }
}

/** "mean" in front of a per-example expression when the batch has more than one example. */
function mean(graph) {
  // the space keeps "mean" and a following "ln" from running together as "meanln"
  return graph.examples.length > 1 ? [mi("mean"), mo("&#x2061;"), '<mspace width="0.3em"></mspace>'] : [];
}

export function softmax(v) {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((x, y) => x + y, 0);
  return e.map((x) => x / s);
}

/** d child / d parent as a rule in symbols, and the same with numbers (before the engine's value). */
export function ruleOf(graph, child, parent) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ins = graph.edges.filter((e) => e.to === child.id).map((e) => byId.get(e.from));
  const other = ins.find((n) => n.id !== parent.id) || parent;
  const [a, b] = ins;
  const v = child.value;
  // The loss is the mean over the batch (the course's 1/n Σ), so with n > 1 examples each
  // example's derivative carries the 1/n; leaving it out made the equation false.
  const n = graph.examples.length;
  const perN = (...xs) => (n > 1 ? [frac(mn("1"), mn(String(n))), mo("·"), ...xs] : xs);
  switch (child.op) {
    case "mul":
      return [sym(other.label), N(other.value)];
    case "add":
    case "stack":
      return [mn("1"), null];
    case "sigmoid":
      return [row(mi("σ"), paren(sym(parent.label)), paren(mn("1"), mo("−"), mi("σ"), paren(sym(parent.label)))),
        row(N(v), paren(mn("1"), mo("−"), N(v)))];
    case "tanh":
      return [row(mn("1"), mo("−"), sup(mi("tanh"), mn("2")), sym(parent.label)),
        row(mn("1"), mo("−"), sup(N(v), mn("2")))];
    case "mse_loss": {
      const two = n > 1 ? frac(mn("2"), mn(String(n))) : mn("2");
      return [row(two, paren(sym(a.label), mo("−"), sym(b.label))), row(two, paren(N(a.value), mo("−"), N(b.value)))];
    }
    case "binary_cross_entropy":
      return [row(...perN(frac(row(sym(a.label), mo("−"), sym(b.label)), row(sym(a.label), paren(mn("1"), mo("−"), sym(a.label)))))),
        row(...perN(frac(row(N(a.value), mo("−"), N(b.value)), row(N(a.value), paren(mn("1"), mo("−"), N(a.value))))))];
    case "cross_entropy": {
      const pMinusY = row(mi("p"), mo("−"), mi("y"));
      return [n > 1 ? frac(pMinusY, mn(String(n))) : pMinusY, null];
    }
    default:
      return [mi("?"), null];
  }
}

/** d child / d parent = rule = rule with numbers = the engine's local derivative. */
export function localLine(graph, child, parent, local) {
  const [rule, withNumbers] = ruleOf(graph, child, parent);
  const parts = [partial(child.label, parent.label), eq];
  if (child.op !== "add" && child.op !== "stack") parts.push(rule, eq);
  if (withNumbers && child.op !== "mul") parts.push(withNumbers, eq);
  parts.push(R(local));
  return math(...parts);
}

/** One backward step: dL/dn as the sum over n's consumers of upstream x local. */
export function backwardLines(graph, step) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const node = byId.get(step.node);
  if (!step.terms.length) return [math(partial("L", "L"), eq, mn("1"))];
  // Right after the loss the chain has one link, ∂L/∂L = 1: written out it read
  // "∂L/∂ŷ = ∂L/∂L · ∂L/∂ŷ", as if ∂L/∂ŷ were defined by itself. The loss's own rule says it.
  if (step.terms.length === 1 && step.terms[0].child === graph.backward[0]) {
    const term = step.terms[0];
    return [localLine(graph, byId.get(term.child), node, term.local)];
  }
  const numbers = step.terms.flatMap((term, i) => {
    const plus = i ? [mo("+")] : [];
    if (Array.isArray(term.upstream) && !Array.isArray(term.product)) {
      // a parameter shared by every example: one product per example, added up
      const each = term.upstream.flatMap((u, j) => [...(j ? [mo("+")] : []), N(u), times, N(term.local[j])]);
      return [...plus, ...(step.terms.length > 1 ? [paren(...each)] : each)];
    }
    return [...plus, N(term.upstream), times, N(term.local)];
  });
  // symbols on one line, numbers on the next: each fits the panel on a 1024-wide screen
  const locals = step.terms.map((term) => localLine(graph, byId.get(term.child), node, term.local));
  // A node feeding several nodes has a local derivative per consumer: side by side while they
  // fit (stacked, the softmax network's h1 and h2 scrolled a 1024 x 768 projector's panel).
  const last = locals.length > 1 ? `<div class="bp-locals">${locals.join("")}</div>` : locals[0];
  return [chainRule(graph, step), math(eq, ...numbers, eq, R(step.grad)), last];
}

/** ∂L/∂n = ∑ ∂L/∂c · ∂c/∂n over n's consumers c, in symbols only. */
function chainRule(graph, step) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const node = byId.get(step.node);
  const up = (term) => {
    const c = byId.get(term.child);
    return c.op === "stack"
      ? sub(paren(partial("L", c.label)), mn(String(graph.edges.filter((e) => e.to === c.id).findIndex((e) => e.from === node.id) + 1)))
      : partial("L", c.label);
  };
  const symbolic = step.terms.flatMap((term, i) => [...(i ? [mo("+")] : []), up(term), mo("·"), partial(byId.get(term.child).label, node.label)]);
  const summed = step.terms.some((term) => Array.isArray(term.upstream) && !Array.isArray(term.product));
  const sigma = summed ? [sub(mo("∑"), mi("i"))] : [];
  return math(partial("L", node.label), eq, ...sigma, ...symbolic);
}

/** The quiz's hint for one backward step: the rule the explanation will show, in symbols only,
 * so the student still multiplies the graph's numbers: {chain, locals}, the chain rule (null
 * right after the loss, whose own rule is the whole step) and each factor's local rule. Both
 * empty for the seed ∂L/∂L, which has no rule to give. */
export function hintLines(graph, step) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const node = byId.get(step.node);
  const local = (term) => {
    const child = byId.get(term.child);
    return math(partial(child.label, node.label), eq, ruleOf(graph, child, node)[0]);
  };
  if (!step.terms.length) return { chain: null, locals: [] };
  const own = step.terms.length === 1 && step.terms[0].child === graph.backward[0];
  return { chain: own ? null : chainRule(graph, step), locals: step.terms.map(local) };
}

/** The chain rule along every path from the loss to one parameter, with the numbers. */
export function chainLines(graph, chain) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const label = (id) => byId.get(id).label;
  const lines = [];
  const paths = chain.paths;
  const symbolic = paths.flatMap((p, i) => {
    const fs = p.factors;
    const shown = fs.length <= 5 ? fs : [fs[0], fs[1], null, fs[fs.length - 1]];
    const parts = shown.flatMap((f, j) => [...(j ? [mo("·")] : []), f ? partial(label(f.of), label(f.wrt)) : mo("⋯")]);
    return [...(i ? [mo("+")] : []), ...(paths.length > 1 ? [paren(...parts)] : parts)];
  });
  lines.push(math(partial("L", chain.param), eq, ...symbolic));
  const batch = Array.isArray(paths[0].factors[0].value) ? paths[0].factors[0].value.length : 1;
  // A + node (or a stack) passes the gradient on unchanged: its factor 1 is left out of the
  // numbers (the title says so), which keeps the product as short as the textbook's.
  const passes = (f) => ["add", "stack"].includes(byId.get(f.of).op) && [f.value].flat().every((v) => v === 1);
  const at = (v, i) => (Array.isArray(v) ? v[i] : v);
  const examples = [];
  for (let i = 0; i < batch; i += 1) {
    // one line per example: the product of its local derivatives along each path
    const numeric = paths.flatMap((p, k) => {
      // In a path's own parentheses a leading minus needs no second pair: (−0.607 × 0.3).
      const lead = paths.length > 1 ? R : N;
      const parts = p.factors.filter((f) => !passes(f)).flatMap((f, j) => (j ? [times, N(at(f.value, i))] : [lead(at(f.value, i))]));
      return [...(k ? [mo("+")] : []), ...(paths.length > 1 ? [paren(...parts)] : parts)];
    });
    const total = paths.reduce((acc, p) => acc + at(p.per_example, i), 0);
    const head = batch > 1 ? [sub(mi("ex"), mn(String(i + 1))), mo(":")] : [mo("=")];
    examples.push(math(...head, ...numeric, eq, R(batch > 1 ? total : chain.grad)));
  }
  if (batch === 1) return [...lines, ...examples];
  // A batch's products and their sum share lines while they fit: stacked, a two-example chain
  // ran 90 px past a 1024 x 768 projector's panel. The sum leaves out its ∂L/∂p (the chain's
  // first line names it), so it fits beside a second product.
  examples.push(math(mo("∑"), mi("ex"), eq, R(chain.grad)));
  return [...lines, `<div class="bp-examples">${examples.join("")}</div>`];
}
