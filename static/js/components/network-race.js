// The network lab's run over the shared RaceStream: every configuration starts a paused run at
// once (the server answers with the data and the step-0 network, so the page shows them before
// Play); Play, Pause, Step, Reset and speed then drive it. Frames fold into one record; plots
// and the diagram redraw at their own pace. A finished run recomputes the landscape.

import { raceStatusKey } from "../state.js";
import { applyDone, foldFrames, newRecord } from "../network-record.js";

export function wireNetworkRace(ui, { stream, startMessage }) {
  const { state, plots, run, hook, diagram } = ui;
  let race = null; // {record, problem, playing, done, awaiting, budget, ran}
  let sent = 0; // start messages sent; each is answered by one `started` or one error
  let answered = 0;
  let pending = [];
  let rafQueued = false;
  let lastDiagram = 0;
  hook.stream = stream;

  const showStatus = () => run.showStatus(raceStatusKey(race, false));

  function setPlaying(on) {
    if (race) race.playing = on;
    run.showPlaying(on);
    showStatus();
  }

  /** A fresh run of the current configuration: paused (a preview) unless asked to play. */
  function start({ play = false, stepAfter = false } = {}) {
    if (!ui.canRun()) return;
    race = { record: null, problem: null, playing: play, done: false, awaiting: true, budget: state.steps, ran: play || stepAfter };
    hook.race = null;
    hook.step = 0;
    hook.heatmaps = 0;
    pending = [];
    sent += 1;
    stream.start(startMessage(), { paused: !play });
    if (stepAfter) stream.step();
    run.showCount(0, state.steps);
    setPlaying(play);
  }

  async function draw() {
    rafQueued = false;
    if (pending.length && race && race.record) {
      const frames = pending;
      pending = [];
      const heat = foldFrames(race.record, frames);
      hook.step = race.record.step;
      hook.heatmaps = race.record.heatmaps;
      run.showCount(race.record.step, race.budget);
      ui.showSummary(race.record, race.problem);
      plots.markDirty(heat ? ["data", "loss", "acc", "norms"] : ["loss", "acc", "norms"]);
      const now = performance.now();
      if (now - lastDiagram > 150 || race.done || !race.playing) {
        lastDiagram = now;
        diagram.update(race.record.point, { force: race.done || !race.playing });
      } else schedule();
      showStatus();
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

  stream.addEventListener("started", (event) => {
    answered += 1;
    if (!race || answered !== sent) return; // the answer to a start the page has since replaced
    const problem = event.detail.problem;
    race.awaiting = false;
    race.problem = problem;
    race.record = newRecord(problem);
    hook.race = race.record;
    hook.problem = problem;
    ui.showProblem(problem, race.record);
    showStatus();
  });
  stream.addEventListener("frames", (event) => {
    if (!race || race.awaiting) return;
    // Frames the server dropped for a lagging page (its backpressure rule) are counted, not drawn.
    race.record.skipped += event.detail.skipped || 0;
    pending.push(...event.detail.frames);
    schedule();
  });
  stream.addEventListener("done", (event) => {
    if (!race || race.awaiting || !race.record) return;
    const frames = pending;
    pending = [];
    foldFrames(race.record, frames);
    applyDone(race.record, event.detail);
    hook.step = race.record.step;
    run.showCount(race.record.step, race.budget);
    race.done = true;
    setPlaying(false);
    ui.showSummary(race.record, race.problem);
    diagram.update(race.record.point);
    // The finished run is drawn at once, not at the throttled pace of a live one.
    plots.markDirty();
    const record = race.record;
    plots.flush(Infinity).then(() => {
      record.drawn = true;
    });
    if (race.record.step > 0) ui.runFinished(race.record);
  });
  stream.addEventListener("error", (event) => {
    const message = event.detail.message || "error";
    hook.errors.push(message);
    if (race && race.awaiting && answered < sent) {
      answered += 1;
      if (answered !== sent) return;
      race.done = true;
      race.awaiting = false;
      setPlaying(false);
      ui.refused(message);
    }
    if (race && race.done && /needs a running run/.test(message)) return;
    run.showStatus("run.error", { message });
  });
  stream.addEventListener("connection", (event) => {
    if (event.detail.connected) return;
    // Starts sent before the drop get no answer: count them answered.
    answered = sent;
    if (race && !race.done) {
      race.done = true;
      race.awaiting = false;
      setPlaying(false);
      run.showStatus("run.connection_lost");
    }
  });

  const fresh = () => !race || race.done || race.awaiting;
  const on = (name, fn) => document.addEventListener(name, (event) => fn(event.detail || {}));
  on("play", () => {
    if (fresh()) start({ play: true });
    else {
      race.ran = true;
      stream.resume();
      setPlaying(true);
    }
  });
  on("pause", () => {
    if (race && !race.done) stream.pause();
    setPlaying(false);
  });
  on("step", () => {
    if (fresh()) start({ stepAfter: true });
    else {
      race.ran = true;
      stream.step();
      setPlaying(false);
    }
  });
  on("reset", () => {
    if (race && !race.done) stream.stop();
    start({ play: true });
  });
  on("change-speed", ({ speed }) => {
    state.speed = speed;
    ui.syncUrl();
    if (race && !race.done) stream.speed(speed);
  });
  on("change-steps", ({ steps }) => {
    state.steps = steps;
    ui.syncUrl();
    // The budget is part of the run: a new preview with it (the curves start over).
    if (!race || !race.ran || race.done) start();
    else run.showStatus("run.changed");
  });

  // Keys (space, arrow right, r) go through the shared shell (components/keyboard.js), which
  // clicks the run buttons above.

  return {
    /** The configuration changed: drop the run and start the new one, playing if the old one
     * was (as TensorFlow Playground does), else as a paused preview. */
    restart() {
      const play = Boolean(race && race.playing && !race.done);
      if (race && !race.done) stream.stop();
      start({ play });
    },
    get race() {
      return race;
    },
    schedule,
  };
}
