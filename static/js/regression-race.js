// The regression lab's race: Play/Pause, Step, Reset and speed over the shared RaceStream,
// frames folded into the page's record, plots redrawn at their own pace, the legend (with
// epochs and iterations) and the formula kept current.

import { raceStatusKey } from "./state.js";
import { applyDone, current, foldFrames, newRecord } from "./regression-record.js";
import { LOSS_OF_MODEL } from "./regression-state.js";

export function wireRace(ui, { stream, startMessage }) {
  const { state, plots, legend, run, formula, labels, hook } = ui;
  let race = null; // {record, labels, playing, done, awaiting, budget}
  let pending = [];
  let rafQueued = false;
  let dirty = false;
  let info = { n: 0, k: 0, model: "linear" };
  hook.stream = stream;

  // Twin mode: the legend lists the cross-entropy racers only (each twin wears its racer's
  // colour, dashed), and a twin's status joins its racer's line. A twin counts the same epochs
  // as its racer (same sampler seed), so they are said once.
  function legendParts() {
    const names = race ? race.labels : labels();
    const losses = ui.losses();
    const main = losses ? losses.filter((l) => l !== "mse").length : names.length;
    const extras = names.slice(0, main).map((_, i) => {
      const r = race && race.record.racers[i];
      const parts = [];
      if (r && r.iteration) parts.push(ui.t("reg.epoch_iter", { epoch: r.epoch, iteration: r.iteration }));
      const twin = losses && race ? race.record.racers[main + i] : null;
      // Only an ending of its own (converged, diverged) is news; the budget ends both alike.
      if (twin && (twin.status === "converged" || twin.status === "diverged")) parts.push(`MSE: ${ui.t(`status.${twin.status}`)} ${twin.stoppedAt}`);
      return parts.join(" · ");
    });
    return { names: names.slice(0, main), extras };
  }

  function showLegend() {
    const { names, extras } = legendParts();
    legend.show(names, race ? race.record : null, extras);
    document.getElementById("twin-key").hidden = !ui.losses();
  }

  function showFocusPicker() {
    const sel = document.getElementById("regions-racer");
    const names = race ? race.labels : labels();
    if (plots.focus >= names.length) plots.focus = 0;
    sel.replaceChildren(...names.map((n, i) => new Option(n, String(i), false, i === plots.focus)));
  }

  function showFormula() {
    const r = race && race.record.racers[plots.focus];
    const c = current(r);
    // An MSE twin's formula is MSE on the sigmoid's output.
    const twinLoss = ui.lossOf(plots.focus);
    formula.show({
      model: info.model, loss: twinLoss === "mse" ? "mse" : LOSS_OF_MODEL[info.model], n: info.n, k: info.k,
      theta: c ? c.point : info.model === "softmax" ? null : plots.start, value: c ? c.loss : info.startLoss,
      who: (race ? race.labels : labels())[plots.focus],
    });
  }

  function showStatus() {
    run.showStatus(raceStatusKey(race, dirty));
  }

  function setPlaying(on) {
    if (race) race.playing = on;
    run.showPlaying(on);
    showStatus();
  }

  async function clearRace() {
    if (race && !race.done) stream.stop();
    race = null;
    ui.race = null;
    hook.race = null;
    pending = [];
    dirty = false;
    hook.step = 0;
    run.showCount(0, state.steps);
    setPlaying(false);
    plots.setRace(null, labels(), ui.startOf(), ui.losses());
    plots.setBatchLandscape(null);
    showLegend();
    showFocusPicker();
    showFormula();
    plots.markDirty();
    await plots.flush(Infinity);
    if (plots.showBatch) await plots.renderBatch();
  }

  function startRace({ paused = false, stepAfter = false } = {}) {
    if (!ui.canRun()) return;
    const names = labels();
    race = { record: newRecord(names), labels: names, playing: !paused, done: false, awaiting: true, budget: state.steps };
    ui.race = race;
    hook.race = race.record;
    pending = [];
    dirty = false;
    hook.step = 0;
    run.showCount(0, state.steps);
    plots.setRace(race.record, names, ui.startOf(), ui.losses());
    showLegend();
    showFocusPicker();
    plots.markDirty();
    schedule();
    const message = startMessage();
    hook.lastStart = message; // what the server was asked: the URL round-trip test compares it
    stream.start(message, { paused: paused || stepAfter });
    if (stepAfter) stream.step();
    setPlaying(!paused && !stepAfter);
  }

  async function draw() {
    rafQueued = false;
    if (pending.length && race) {
      const frames = pending;
      pending = [];
      const changed = foldFrames(race.record, frames);
      hook.step = race.record.step;
      run.showCount(race.record.step, race.budget);
      showLegend();
      showFormula();
      plots.markDirty();
      if (changed.size) showStatus();
      ui.afterFrames();
    }
    const waiting = await plots.flush();
    if (waiting || pending.length) schedule();
  }

  function schedule() {
    if (!rafQueued) {
      rafQueued = true;
      requestAnimationFrame(draw);
    }
  }

  stream.addEventListener("started", () => {
    if (!race) return;
    race.awaiting = false;
    showStatus();
  });
  stream.addEventListener("frames", (event) => {
    if (!race || race.awaiting) return;
    pending.push(...event.detail.frames);
    schedule();
  });
  stream.addEventListener("done", (event) => {
    if (!race || race.awaiting) return;
    const frames = pending;
    pending = [];
    foldFrames(race.record, frames);
    applyDone(race.record, event.detail);
    hook.step = race.record.step;
    run.showCount(race.record.step, race.budget);
    race.done = true;
    setPlaying(false);
    showLegend();
    showFormula();
    plots.markDirty();
    schedule();
    document.dispatchEvent(new CustomEvent("paused"));
  });
  stream.addEventListener("error", (event) => {
    const message = event.detail.message || "error";
    hook.errors.push(message);
    if (race && race.awaiting) {
      race = null;
      ui.race = null;
      setPlaying(false);
    }
    if (race && race.done && /needs a running run/.test(message)) return;
    run.showStatus("run.error", { message });
  });
  stream.addEventListener("connection", (event) => {
    if (!event.detail.connected && race && !race.done) {
      race.done = true;
      setPlaying(false);
      run.showStatus("run.connection_lost");
    }
  });

  const on = (name, fn) => document.addEventListener(name, (event) => fn(event.detail || {}));
  on("play", () => {
    if (!race || race.done || dirty) startRace();
    else {
      stream.resume();
      setPlaying(true);
    }
  });
  on("pause", () => {
    if (race && !race.done) stream.pause();
    setPlaying(false);
    document.dispatchEvent(new CustomEvent("paused"));
  });
  on("step", () => {
    if (!race || race.done || dirty) startRace({ stepAfter: true });
    else {
      stream.step();
      setPlaying(false);
    }
  });
  on("reset", () => {
    if (race && !race.done) stream.stop();
    startRace();
  });
  on("change-speed", ({ speed }) => {
    state.speed = speed;
    if (race && !race.done) stream.speed(speed);
  });
  on("change-steps", ({ steps }) => {
    state.steps = steps;
    if (race) {
      dirty = true;
      showStatus();
    } else run.showCount(0, steps);
  });

  Object.assign(ui, {
    clearRace,
    schedule,
    setProblemInfo(next) {
      info = next;
      showFormula();
    },
  });

  return {
    changeRacers(racers) {
      state.racers = racers;
      if (race) {
        dirty = true;
        showStatus();
      } else clearRace();
    },
    relabel() {
      if (race) race.labels = labels();
      plots.labels = race ? race.labels : labels();
      plots.losses = ui.losses();
      showLegend();
      showFocusPicker();
      showFormula();
      showStatus();
    },
    showFormula,
  };
}
