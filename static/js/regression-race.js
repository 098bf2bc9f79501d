// The regression lab's race: Play/Pause, Step, Reset and speed over the shared RaceStream,
// frames folded into the page's record, plots redrawn at their own pace, the legend (with
// epochs and iterations) and the formula kept current.

import { raceStatusKey } from "./state.js";
import { applyDone, current, foldFrames, LOSS_OF_MODEL, newRecord } from "./regression-state.js";

export function wireRace(ui, { stream, startMessage }) {
  const { state, plots, legend, run, formula, labels, hook } = ui;
  let race = null; // {record, labels, playing, done, awaiting, budget}
  let pending = [];
  let rafQueued = false;
  let dirty = false;
  let info = { n: 0, k: 0, model: "linear" };
  hook.stream = stream;

  const extras = () => (race ? race.record.racers.map((r) => (r.iteration ? ui.t("reg.epoch_iter", { epoch: r.epoch, iteration: r.iteration }) : "")) : null);

  function showLegend() {
    legend.show(race ? race.labels : labels(), race ? race.record : null, extras());
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
    formula.show({
      model: info.model, loss: LOSS_OF_MODEL[info.model], n: info.n, k: info.k,
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
    plots.setRace(null, labels(), ui.startOf());
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
    plots.setRace(race.record, names, ui.startOf());
    showLegend();
    showFocusPicker();
    plots.markDirty();
    schedule();
    stream.start(startMessage(), { paused: paused || stepAfter });
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

  // Space toggles play, S steps, R resets (not while typing in a field).
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, select, textarea, button") || event.ctrlKey || event.metaKey || event.altKey) return;
    const name = { " ": race && race.playing ? "pause" : "play", s: "step", r: "reset" }[event.key];
    if (name) {
      event.preventDefault();
      document.dispatchEvent(new CustomEvent(name));
    }
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
      showLegend();
      showFocusPicker();
      showFormula();
      showStatus();
    },
    showFormula,
  };
}
