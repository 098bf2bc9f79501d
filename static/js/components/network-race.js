// The network lab's side of the shared race session (race-session.js). Every configuration
// starts a paused run at once (the server answers with the data and the step-0 network, so
// the page shows them before Play). Frames fold into one record; plots and the diagram
// redraw at their own pace. A finished run recomputes the landscape.

import { createRaceSession } from "../race-session.js";
import { applyDone, foldFrames, newRecord } from "../network-record.js";

export function wireNetworkRace(ui, { stream, startMessage }) {
  const { state, plots, run, hook, diagram } = ui;
  let lastDiagram = 0;

  const session = createRaceSession({
    stream,
    run,
    state,
    hook,
    preview: true,
    lab: {
      canRun: () => ui.canRun(),
      prepare(race) {
        race.problem = null; // known once the server has built the data and the network
        hook.race = null;
        hook.heatmaps = 0;
      },
      startMessage,
      ready: (race) => race.record !== null,
      started(race, detail) {
        race.problem = detail.problem;
        race.record = newRecord(race.problem);
        ui.diagnosis.newRun();
        hook.race = race.record;
        hook.problem = race.problem;
        ui.showProblem(race.problem, race.record);
      },
      received(race, detail) {
        // Frames the server dropped for a lagging page (its backpressure rule) are counted, not drawn.
        race.record.skipped += detail.skipped || 0;
      },
      draw(race, frames) {
        const heat = foldFrames(race.record, frames);
        ui.diagnosis.frames(frames);
        hook.heatmaps = race.record.heatmaps;
        ui.showSummary(race.record, race.problem);
        plots.markDirty(heat ? ["data", "loss", "acc", "norms"] : ["loss", "acc", "norms"]);
        const now = performance.now();
        if (now - lastDiagram > 150 || race.done || !race.playing) {
          lastDiagram = now;
          diagram.update(race.record.point, { force: race.done || !race.playing });
        } else session.schedule();
        return true;
      },
      flush: () => plots.flush(),
      finish(race, frames, detail) {
        foldFrames(race.record, frames);
        ui.diagnosis.frames(frames);
        applyDone(race.record, detail);
        ui.diagnosis.done(detail);
      },
      finished(race) {
        const record = race.record;
        ui.showSummary(record, race.problem);
        diagram.update(record.point);
        // The finished run is drawn at once, not at the throttled pace of a live one.
        plots.markDirty();
        plots.flush(Infinity).then(() => {
          record.drawn = true;
        });
        if (record.step > 0) ui.runFinished(record);
      },
      refused: (message) => ui.refused(message),
      changedSpeed: () => ui.syncUrl(),
      changedSteps() {
        ui.syncUrl();
        // The budget is part of the run: a new preview with it (the curves start over).
        const race = session.race;
        if (race && race.ran && !race.done) return false; // a run under way is marked changed
        session.start({ paused: true });
        return true;
      },
    },
  });

  // Keys (space, arrow right, r) go through the shared shell (components/keyboard.js), which
  // clicks the run buttons.

  return {
    /** The configuration changed: drop the run and start the new one, playing if the old one
     * was (as TensorFlow Playground does), else as a paused preview. */
    restart() {
      const race = session.race;
      const play = Boolean(race && race.playing && !race.done);
      session.stop();
      session.start({ paused: !play });
    },
    get race() {
      return session.race;
    },
    schedule: session.schedule,
  };
}
