// #sweep-dialog: the learning-rate sweep. Asks POST /api/sweep for the final loss after N steps
// over a log-spaced lr grid (one vectorised run on the server) and draws one curve per optimizer
// on log axes; diverged rates are marked as such, never drawn as numbers.

import { errorText } from "../i18n.js";
import { formatNumber, racerStyle } from "../state.js";
import { raceRates } from "./sweep-rates.js";

const INK = "#1d2330";
// Raced rates in two significant digits: a racer card reads "0.0032", not "0.0031622776601683794".
const nice = (lr) => Number(lr.toPrecision(2));

/** A refusal in the page's current language, from the server's English detail and its code. */
const refusal = (err) => errorText({ ...(err.body || {}), message: (err.body && err.body.detail) || err.message });

/** Emits nothing: it owns its dialog. open({request, labels}) runs and draws a sweep;
 * savePng(div) saves the chart. onRace(curve, lrs), when given, sets the lab's racers to one
 * curve's set-up at the rates listed (too small, best, too large) and closes the dialog; curves
 * for which canRace(curve) is false are not offered. */
export function mountSweepPanel(el, { t, postSweep, projector, savePng, onRace = null, canRace = () => true }) {
  const form = el.querySelector("form.sweep-form");
  const plot = el.querySelector(".sweep-plot");
  const status = el.querySelector(".sweep-status");
  const close = el.querySelector(".sweep-close");
  let context = null;
  let result = null;
  let error = null; // the last refusal (ApiError), kept to say it again in another language
  let asked = 0; // sweeps asked for: an answer to any but the latest is dropped

  const raceRow = el.querySelector(".sweep-race");
  const pick = raceRow.querySelector(".sweep-race-pick");
  const pickSelect = pick.querySelector("select");
  const raceButton = raceRow.querySelector(".sweep-race-button");

  close.addEventListener("click", () => el.close());
  pickSelect.addEventListener("change", () => showRace());
  raceButton.addEventListener("click", () => {
    const k = Number(pickSelect.value);
    const rates = result ? raceRates(result.lrs, result.curves[k]) : [];
    if (!onRace || rates.length < 2) return;
    el.close();
    onRace(k, rates.map((r) => nice(r.lr)));
  });
  el.querySelector(".sweep-png").addEventListener("click", () => {
    if (result) savePng(plot).catch(() => {});
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });

  const field = (name) => form.elements[name];

  async function run() {
    if (!context) return;
    const lo = Number(field("lr_min").value);
    const hi = Number(field("lr_max").value);
    const rates = Math.round(Number(field("rates").value));
    // Said here, in the page's language, rather than as the server's English field errors or
    // the browser's own bubble (in the browser's language, over this very sentence).
    const bad = {
      lr_min: !field("lr_min").checkValidity() || !(lo > 0) || !(hi > lo),
      lr_max: !field("lr_max").checkValidity() || !(hi > lo),
      rates: !field("rates").checkValidity(),
    };
    for (const [name, wrong] of Object.entries(bad)) field(name).toggleAttribute("aria-invalid", wrong);
    const first = Object.keys(bad).find((name) => bad[name]);
    if (first) {
      asked += 1; // an answer still on its way is no longer the one to show
      error = null;
      status.textContent = t("sweep.check_fields", { max: field("rates").max });
      el.dataset.state = "invalid";
      field(first).focus();
      return;
    }
    const body = { ...context.request, lr_min: lo, lr_max: hi, rates };
    const ticket = ++asked;
    status.textContent = t("sweep.running");
    el.dataset.state = "running";
    error = null;
    let answer;
    try {
      answer = await postSweep(body);
    } catch (err) {
      if (ticket !== asked) return;
      error = err;
      status.textContent = t("sweep.refused", { message: refusal(err) });
      el.dataset.state = "error";
      return;
    }
    // A slower answer to an earlier sweep (other rates, or another problem since) is not this one.
    if (ticket !== asked) return;
    result = answer;
    el.dataset.state = "done";
    status.textContent = summary(result);
    showRace(true);
    await draw();
  }

  function summary(res) {
    return res.curves
      .map((c, i) => {
        const name = context.labels[i] || c.label;
        return c.best_lr === null ? `${name}: ${t("sweep.all_diverged")}` : `${name}: ${t("sweep.best", { lr: c.best_lr.toPrecision(2) })}`;
      })
      .join(" · ");
  }

  // "Race: 0.014 too small · 0.41 best · 1.1 too large": curves with a best rate, picked by a
  // select when several; the button names the rates it races.
  function showRace(fresh = false) {
    const usable = result && onRace ? result.curves.map((c, k) => k).filter((k) => canRace(k) && raceRates(result.lrs, result.curves[k]).length >= 2) : [];
    raceRow.hidden = usable.length === 0;
    if (raceRow.hidden) return;
    const keep = fresh ? null : pickSelect.value;
    pickSelect.replaceChildren(
      ...usable.map((k) => {
        const o = document.createElement("option");
        o.value = String(k);
        o.textContent = context.labels[k] || result.curves[k].label;
        return o;
      }),
    );
    if (keep !== null && usable.includes(Number(keep))) pickSelect.value = keep;
    pick.hidden = usable.length < 2;
    const k = Number(pickSelect.value);
    const parts = raceRates(result.lrs, result.curves[k]).map((r) => t(`sweep.rate_${r.kind}`, { lr: formatNumber(nice(r.lr), 3) }));
    raceButton.textContent = t("sweep.race", { rates: parts.join(" · ") });
    raceButton.title = t("sweep.race_title", { name: context.labels[k] || result.curves[k].label });
  }

  function figure() {
    const big = projector();
    const font = big ? 20 : 13;
    const data = [];
    result.curves.forEach((c, i) => {
      const s = racerStyle(i);
      const name = context.labels[i] || c.label;
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name,
        x: result.lrs,
        y: c.final_loss.map((v) => (v !== null && v > 0 ? v : null)),
        line: { color: s.color, width: big ? 4 : 2.5 },
        marker: { symbol: s.symbol, size: big ? 10 : 7, color: s.color },
        hovertemplate: `<b>${name}</b><br>lr %{x:.3g}<br>${t("sweep.final_loss")} %{y:.4g}<extra></extra>`,
      });
      // Diverged rates: a row of x marks above the chart, one row per optimizer so none
      // hides another, in its colour; one legend entry says what an x means for all of them
      // (an entry per optimizer doubled the legend past a projector's dialog).
      const div = result.lrs.filter((_, k) => c.status[k] === "diverged");
      const row = result.curves.length > 1 ? 0.3 + (1.4 * i) / (result.curves.length - 1) : 1;
      data.push({
        type: "scatter",
        mode: "markers",
        name: t("sweep.diverged"),
        legendgroup: "diverged",
        x: div,
        y: div.map(() => row),
        yaxis: "y2",
        showlegend: false,
        marker: { symbol: "x-thin-open", size: big ? 16 : 12, color: s.color, line: { width: big ? 3 : 2, color: s.color } },
        hovertemplate: `<b>${name}</b><br>lr %{x:.3g}<br>${t("sweep.diverged")}<extra></extra>`,
      });
    });
    if (result.curves.some((c) => c.status.includes("diverged"))) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: t("sweep.diverged"),
        legendgroup: "diverged",
        x: [null],
        y: [null],
        yaxis: "y2",
        marker: { symbol: "x-thin-open", size: big ? 16 : 12, color: INK, line: { width: big ? 3 : 2, color: INK } },
        hoverinfo: "skip",
      });
    }
    const lrs = result.lrs.filter((v) => v > 0);
    const decades = lrs.length ? Math.log10(Math.max(...lrs)) - Math.log10(Math.min(...lrs)) : 0;
    return {
      data,
      layout: {
        font: { size: font, color: INK },
        margin: { l: big ? 100 : 70, r: 20, t: 30, b: big ? 70 : 50 },
        paper_bgcolor: "rgba(0,0,0,0)",
        // One label a decade over two or more decades: Plotly's "2" and "5" between the powers
        // of ten were small and crowded, on a projector above all.
        xaxis: { type: "log", title: { text: t("sweep.lr_axis") }, exponentformat: "power", ...(decades >= 2 ? { dtick: 1 } : {}) },
        // A smaller title than the ticks on a projector: rotated, it must fit the chart's height.
        yaxis: { type: "log", title: { text: t("sweep.loss_axis", { steps: result.steps }), font: { size: big ? 16 : font } }, exponentformat: "power", domain: [0, 0.86] },
        yaxis2: { domain: [0.88, 1], range: [0, 2], showticklabels: false, showgrid: false, zeroline: false, fixedrange: true },
        // Above the chart: below it, a few rows of entries ran into the lr axis title.
        legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 },
        hovermode: "closest",
      },
    };
  }

  async function draw() {
    if (!result) return;
    const f = figure();
    await window.Plotly.react(plot, f.data, f.layout, { displaylogo: false, responsive: true, displayModeBar: false });
  }

  return {
    /** request: the POST /api/sweep body without the grid; labels: optimizer names. */
    open({ request, labels }) {
      context = { request, labels };
      result = null;
      error = null;
      if (plot.data) window.Plotly.purge(plot);
      status.textContent = "";
      raceRow.hidden = true;
      el.dataset.state = "ready";
      el.showModal();
      return run();
    },
    translate() {
      if (error) status.textContent = t("sweep.refused", { message: refusal(error) });
      else if (result) {
        status.textContent = summary(result);
        showRace();
        draw();
      }
    },
    get result() {
      return result;
    },
    /** The body of the last sweep asked for, for tests and the curious. */
    get request() {
      return context ? context.request : null;
    },
  };
}
