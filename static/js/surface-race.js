// The surface lab's part in the race session (race-session.js): a new race's labels, legend
// and empty plots; frames folded into the race record and on to the plots and tools; the
// final statuses; and the URL kept in step with speed and steps.

import { applyDone, foldFrames, newRace, startMessage } from "./state.js";

/** tools() gives the surface tools, which are mounted after the session (they ask it for the race). */
export function surfaceRaceLab({ state, catalog, hook, plots, legend, labels, syncUrl, tools }) {
  return {
    prepare(race) {
      race.labels = labels();
      race.record = newRace(race.labels);
      hook.raceStartedAt = performance.now();
      hook.firstDraw = null; // {at, step}: when the first step after the start point was drawn
      hook.race = race.record;
      tools().newRun();
      legend.show(race.labels, race.record);
      plots.setStart(state.start);
      plots.clearRace(race.labels.map((label) => ({ label })));
    },
    startMessage: () => startMessage(state, catalog),
    // Frames wait while a plot re-renders from scratch (a new landscape or language).
    ready: () => !plots.busy,
    draw(race, frames) {
      tools().frames(frames);
      const { add, changed } = foldFrames(race.record, frames, plots.land.domain);
      plots.ingest(add, race.record);
      if (changed.size) legend.show(race.labels, race.record);
      tools().afterFrames();
      return changed.size > 0;
    },
    flush(race) {
      // Plots catch up at their own pace (see plots.flush).
      const waiting = plots.flush(performance.now());
      hook.framesDrawn = plots.framesDrawn;
      if (race && !hook.firstDraw && race.record.step >= 1 && !plots.busy) {
        hook.firstDraw = { at: performance.now(), step: race.record.step };
      }
      return waiting;
    },
    finish(race, frames, detail) {
      let changed = new Set();
      if (frames.length) {
        tools().frames(frames);
        const folded = foldFrames(race.record, frames, plots.land.domain);
        plots.ingest(folded.add, race.record);
        tools().afterFrames();
        changed = folded.changed; // the last frames often carry the final statuses
      }
      for (const i of applyDone(race.record, detail)) changed.add(i);
      if (changed.size) {
        legend.show(race.labels, race.record);
        plots.ingest(race.record.racers.map(() => ({ steps: [], points: [], losses: [], grads: [] })), race.record);
      }
    },
    finished: (race, detail) => tools().done(detail),
    refused: () => {
      hook.race = null;
    },
    play: () => {
      if (tools().predict.active) tools().stopPredict(); // playing on ends the guessing game
    },
    changedSpeed: syncUrl,
    changedSteps: () => {
      syncUrl();
      return false;
    },
  };
}
