// The backprop lab's text panels: the current step explained, a clicked node's rule, the
// gradient check, and the table of editable starting numbers.

import { fmt, MAX_BATCH, PARAMS, stepsOf } from "../backprop-state.js";
import { backwardLines, chainLines, forwardLine, localLine } from "./backprop-math.js";
import { opGlyph } from "../backprop-graph.js";

const KIND_OF_PARAM = (name) => (/^[bc]/.test(name) ? "bias" : "weight");

// A batch's chain can run a few lines past a 1024 x 768 projector's panel, and the line cut
// off is the sum the step is about: the math and its note shrink, no further than this, before
// the panel scrolls (projector type stays as large there as the unprojected page's math).
const MIN_FIT = 0.76;

/** #bp-explain: what the current step computes, with the numbers. */
export function mountExplain(el, { t }) {
  const title = el.querySelector("#bp-explain-title");
  const box = el.querySelector("#bp-explain-math");
  const note = el.querySelector("#bp-explain-note");
  const batchNote = Object.assign(document.createElement("span"), { className: "bp-update-aside" });
  const fits = (scale) => {
    el.style.setProperty("--bp-fit", scale.toFixed(3));
    return el.scrollHeight <= el.clientHeight;
  };
  // The largest scale that fits, to within 1%: a smaller one can let a line join its
  // neighbour, so a fixed ladder of scales often stopped well below the one needed.
  const fit = () => {
    if (fits(1) || !fits(MIN_FIT)) return;
    let [lo, hi] = [MIN_FIT, 1];
    while (hi - lo > 0.01) {
      const mid = (lo + hi) / 2;
      if (fits(mid)) lo = mid;
      else hi = mid;
    }
    fits(lo);
  };
  // The panel's size comes from the page's grid, never from its text, so fitting cannot loop.
  new ResizeObserver(fit).observe(el);
  return {
    show(graph, cursor) {
      const steps = stepsOf(graph);
      const step = steps[cursor];
      const byId = new Map(graph.nodes.map((n) => [n.id, n]));
      const nf = graph.forward.length;
      const nb = graph.backward.length;
      let html = "";
      let noteText = "";
      if (step.phase === "start") {
        title.textContent = t("bp.start_title");
        noteText = t("bp.start_note");
      } else if (step.phase === "forward") {
        const node = byId.get(step.node);
        title.textContent = t("bp.forward_title", { i: cursor, n: nf, label: node.label });
        html = forwardLine(graph, node);
        noteText = node.kind === "loss" ? t("bp.forward_loss_note") : t(`bp.does_${node.op}`);
      } else if (step.phase === "backward") {
        const i = cursor - nf;
        const node = byId.get(step.node);
        title.textContent = t("bp.backward_title", { i, n: nb, label: node.label });
        const bstep = graph.steps[i - 1];
        const lines = backwardLines(graph, bstep);
        const chain = graph.chains.find((c) => c.param === node.id);
        html = chain ? withChain(lines, chain, graph, t) : lines.join("");
        noteText = i === 1 ? t("bp.backward_seed_note") : chain ? t("bp.chain_note") : t("bp.backward_note");
      } else {
        title.textContent = t("bp.update_title", { lr: fmt(graph.lr) });
        html = updateTables(graph.update, t);
        noteText = t("bp.update_note", { before: fmt(graph.loss), after: fmt(graph.loss_after) });
        // A short projector screen has room for the loss before and after, not for the aside.
        batchNote.textContent = t("bp.update_batch_note");
      }
      box.innerHTML = html;
      note.textContent = noteText;
      if (step.phase === "update") note.append(" ", batchNote);
      fit();
    },
  };
}

/** A parameter's backward step with the whole chain from the loss. One path for one example:
 * the step beside the chain (stacked, it overflowed a 1024 x 768 projector's panel by four
 * lines while half its width stood empty). Several paths or examples make chain lines that
 * need the whole width: the step's rule and numbers sit beside its local derivative (and,
 * for one example, the chain's title) while both fit, the chain below (stacked, the softmax
 * network's scrolled by up to 85 px). */
function withChain(lines, chain, graph, t) {
  const title = `<p class="bp-sub">${t("bp.chain_title")}</p>`;
  const whole = chainLines(graph, chain).join("");
  const one = graph.examples.length === 1;
  if (lines.length < 3) return lines.join("") + title + whole;
  if (one && chain.paths.length === 1) {
    return `<div class="bp-cols"><div class="bp-col">${lines.join("")}</div><div class="bp-col bp-chain">${title}${whole}</div></div>`;
  }
  const [rule, numbers, ...locals] = lines;
  const right = locals.join("") + (one ? title : "");
  const below = (one ? "" : title) + `<div class="bp-chain">${whole}</div>`;
  return `<div class="bp-split"><div class="bp-col">${rule}${numbers}</div><div class="bp-col bp-aside">${right}</div></div><div class="bp-span">${below}</div>`;
}

// Past this many parameters the update splits into two tables side by side, as many as the
// explanation panel of a 1024 x 768 projector holds: the 2 → 2 → 1 network's nine take five
// rows (nine lines of arithmetic needed scrolling there), the softmax network's twelve six.
const UPDATE_ROWS = 5;

/** w11 as w with subscript 11, in HTML: MathML's taller line boxes made each row a third
 * taller. Parameter names are the server's fixed ones (w11, b1, v2, c), never user text. */
const paramName = (name) => {
  const m = /^([a-z]+)(\d*)$/.exec(name);
  return m ? `<var>${m[1]}</var>${m[2] ? `<sub>${m[2]}</sub>` : ""}` : escape(name);
};

/** The update as tables of parameter / old value / gradient / new value, the rule itself in
 * the title. */
function updateTables(updates, t) {
  const size = updates.length > UPDATE_ROWS ? Math.ceil(updates.length / 2) : updates.length;
  const head = `<thead><tr><th scope="col"><span class="visually-hidden">${t("bp.update_param")}</span></th>
    <th scope="col">${t("bp.update_old")}</th><th scope="col">∂L/∂w</th><th scope="col">${t("bp.update_new")}</th></tr></thead>`;
  const tables = [];
  for (let i = 0; i < updates.length; i += size) {
    const rows = updates.slice(i, i + size).map(
      (u) => `<tr><th scope="row">${paramName(u.param)}</th><td>${fmt(u.before)}</td>
        <td class="bp-update-grad">${fmt(u.grad)}</td><td class="bp-update-new">${fmt(u.after)}</td></tr>`,
    );
    tables.push(`<table class="bp-update-table">${head}<tbody>${rows.join("")}</tbody></table>`);
  }
  return `<div class="bp-updates">${tables.join("")}</div>`;
}

/** #bp-node-panel: a clicked node's value, gradient and local derivative rule. */
export function mountNodePanel(el, { t, onClose }) {
  const body = el.querySelector("#bp-node-body");
  el.querySelector("#bp-node-close").addEventListener("click", onClose);
  return {
    hide() {
      el.hidden = true;
    },
    /** `show` is what the step cursor has revealed (visibleAt): nothing is told early. */
    show(graph, id, show) {
      const byId = new Map(graph.nodes.map((n) => [n.id, n]));
      const node = byId.get(id);
      if (!node) return this.hide();
      const known = show.values.has(id);
      const gradKnown = show.grads.has(id);
      const later = `<span class="note">${t("bp.not_yet")}</span>`;
      const parts = [`<h3>${escape(node.label)} <span class="bp-kind">${escape(node.op ? opGlyph(node.op) : t(`bp.kind_${node.kind}`))}</span></h3>`];
      parts.push(`<p class="bp-kv"><span>${t("bp.value")}</span> ${known ? `<strong>${fmt(node.value)}</strong>` : later}`);
      if (node.grad === null) parts.push(` <span class="note">${t("bp.no_grad")}</span></p>`);
      else parts.push(` <span>∂L/∂${escape(node.label)}</span> ${gradKnown ? `<strong class="bp-gradtext">${fmt(node.grad)}</strong>` : later}</p>`);
      if (node.op) {
        if (known) parts.push(forwardLine(graph, node));
        parts.push(`<p class="bp-rule">${t(`bp.rule_${node.op}`)}</p>`);
        for (const e of graph.edges.filter((x) => x.to === node.id)) {
          const parent = byId.get(e.from);
          if (e.local !== null && known) parts.push(localLine(graph, node, parent, e.local));
        }
      } else {
        parts.push(`<p class="bp-rule">${t(`bp.leaf_${node.kind}`)}</p>`);
        const chain = graph.chains.find((c) => c.param === node.id);
        if (chain && gradKnown) parts.push(chainLines(graph, chain).join(""));
      }
      body.innerHTML = parts.join("");
      el.hidden = false;
    },
  };
}

function escape(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

/** #bp-check: each parameter's backprop gradient beside its central finite difference. */
export function renderGradCheck(table, graph, t) {
  // The corner cell heads nothing: a td, not an empty header.
  const head = `<thead><tr><td></td><th>${t("bp.check_backprop")}</th><th>${t("bp.check_numeric")}</th><th>${t("bp.check_rel")}</th></tr></thead>`;
  const rows = graph.gradcheck.map((r) => {
    const bad = !(r.rel_error < 1e-5);
    return `<tr class="${bad ? "is-bad" : ""}"><th>${escape(r.param)}</th><td>${fmt(r.backprop, 4)}</td>`
      + `<td>${fmt(r.numeric, 4)}</td><td>${fmt(r.rel_error, 2)}</td></tr>`;
  });
  table.innerHTML = head + `<tbody>${rows.join("")}</tbody>`;
}

/** #bp-numbers: the examples (x1, x2, y rows), Learning Rate and every parameter; emits
 * onChange(key, value, input) for a field and onRows(count) for the add/remove buttons. */
export function renderNumbers(el, state, { t, onChange, onRows }) {
  // Shown to 4 significant digits; the state keeps full precision until the field is edited.
  const input = (key, value, attrs = "") => `<input type="number" step="0.1" data-key="${key}" `
    + `value="${Number(Number(value).toPrecision(4))}" ${attrs}>`;
  const field = (key, label, value, attrs = "") => `<label class="bp-num"><span>${label}</span>${input(key, value, attrs)}</label>`;
  const soft = state.network === "softmax";
  const yHead = soft ? t("bp.class") : "y";
  const yAttrs = soft ? 'min="0" max="1" step="1"' : "";
  const rows = state.examples.map((r, i) => `<tr><th scope="row">${i + 1}</th>`
    + `<td>${input(`e:${i}:0`, r[0], `aria-label="x1 (${i + 1})"`)}</td>`
    + `<td>${input(`e:${i}:1`, r[1], `aria-label="x2 (${i + 1})"`)}</td>`
    + `<td>${input(`e:${i}:2`, r[2], `${yAttrs} aria-label="${yHead} (${i + 1})"`)}</td></tr>`);
  const n = state.examples.length;
  el.innerHTML = `<table class="bp-examples"><thead><tr><td></td><th>x<sub>1</sub></th><th>x<sub>2</sub></th>`
    + `<th>${escape(yHead)}</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
    + `<div class="bp-rows"><span class="note">${t("bp.examples", { n })}</span>`
    + `<button type="button" class="button" data-rows="-1" ${n <= 1 ? "disabled" : ""} aria-label="${t("bp.remove_example")}">−</button>`
    + `<button type="button" class="button" data-rows="1" ${n >= MAX_BATCH ? "disabled" : ""} aria-label="${t("bp.add_example")}">+</button></div>`
    + `<div class="bp-grid">${[field("lr", "η (lr)", state.lr, 'min="0.001" max="10" step="0.05"'),
      ...PARAMS[state.network].map((k) => field(`p:${k}`, `<span class="kind-${KIND_OF_PARAM(k)}">${k}</span>`, state.params[k]))].join("")}</div>`;
  el.onchange = (event) => {
    const box = event.target.closest("input[data-key]");
    if (box) onChange(box.dataset.key, box.value, box);
  };
  el.onclick = (event) => {
    const button = event.target.closest("button[data-rows]");
    if (button) onRows(n + Number(button.dataset.rows));
  };
}
