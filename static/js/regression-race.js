// The regression lab's side of the shared race session (race-session.js): its record, plots,
// legend (with epochs and iterations) and formula, kept current as frames arrive.

import { createRaceSession } from "./race-session.js";
import { applyDone, current, foldFrames, newRecord } from "./regression-record.js";
import { iterationsPerEpoch, LOSS_OF_MODEL } from "./regression-state.js";

export function wireRace(ui, { stream, startMessage }) {
  const { state, plots, legend, run, formula, labels, hook } = ui;
  let info = { n: 0, k: 0, model: "linear" };

  // Twin mode: the legend lists the cross-entropy racers only (each twin wears its racer's
  // colour, dashed), and a twin's status joins its racer's line. A twin counts the same epochs
  // as its racer (same sampler seed), so they are said once.
  function legendParts() {
    const race = session.race;
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
    const race = session.race;
    legend.show(names, race ? race.record : null, extras);
    document.getElementById("twin-key").hidden = !ui.losses();
  }

  function showFocusPicker() {
    const race = session.race;
    const sel = document.getElementById("regions-racer");
    const names = race ? race.labels : labels();
    if (plots.focus >= names.length) plots.focus = 0;
    sel.replaceChildren(...names.map((n, i) => new Option(n, String(i), false, i === plots.focus)));
  }

  function showFormula() {
    const race = session.race;
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

  const session = createRaceSession({
    stream,
    run,
    state,
    hook,
    lab: {
      canRun: () => ui.canRun(),
      prepare(race) {
        race.labels = labels();
        race.record = newRecord(race.labels);
        ui.race = race;
        hook.race = race.record;
        plots.setRace(race.record, race.labels, ui.startOf(), ui.losses());
        ui.diagnosis.newRun();
        showLegend();
        showFocusPicker();
        plots.markDirty();
        session.schedule();
      },
      startMessage() {
        const message = startMessage();
        hook.lastStart = message; // what the server was asked: the URL round-trip test compares it
        plots.perEpoch = iterationsPerEpoch(message.optimizers, ui.sampleCount());
        return message;
      },
      draw(race, frames) {
        const changed = foldFrames(race.record, frames);
        ui.diagnosis.frames(frames);
        showLegend();
        showFormula();
        plots.markDirty();
        ui.afterFrames();
        return changed.size > 0;
      },
      flush: () => plots.flush(),
      finish(race, frames, detail) {
        foldFrames(race.record, frames);
        ui.diagnosis.frames(frames);
        applyDone(race.record, detail);
        ui.diagnosis.done(detail);
      },
      finished() {
        ui.predict.stopped();
        showLegend();
        showFormula();
        plots.markDirty();
        document.dispatchEvent(new CustomEvent("paused"));
      },
      refused() {
        ui.race = null;
      },
      pause: () => document.dispatchEvent(new CustomEvent("paused")),
      play: () => ui.predict.stop(), // playing on ends the guessing game
    },
  });

  async function clearRace() {
    session.clear();
    ui.race = null;
    hook.race = null;
    ui.diagnosis.clear();
    ui.predict.stop();
    plots.setRace(null, labels(), ui.startOf(), ui.losses());
    plots.setBatchLandscape(null);
    showLegend();
    showFocusPicker();
    showFormula();
    plots.markDirty();
    await plots.flush(Infinity);
    if (plots.showBatch) await plots.renderBatch();
  }

  Object.assign(ui, {
    clearRace,
    schedule: session.schedule,
    ensurePaused: () => session.ensurePaused(),
    setProblemInfo(next) {
      info = next;
      showFormula();
    },
  });

  return {
    changeRacers(racers) {
      state.racers = racers;
      if (session.race) session.markChanged();
      else clearRace();
    },
    relabel() {
      const race = session.race;
      if (race) race.labels = labels();
      plots.labels = race ? race.labels : labels();
      plots.losses = ui.losses();
      showLegend();
      showFocusPicker();
      showFormula();
      session.showStatus();
    },
    showFormula,
  };
}
