// One race controller for every lab. It owns a run's life over the shared RaceStream (the
// start, the server's answer, frames, done, refusals, a dropped connection), the queue of
// frames drawn at most once per animation frame, and the run buttons (play, pause, step,
// reset, speed, steps). A lab supplies only what is its own, through `lab`:
//   prepare(race)            set up race.record and the plots for a new run; before the start
//   startMessage(race)       the WebSocket start message
//   canRun()                 optional: false refuses to start (the lab says why)
//   ready(race)              optional: false holds frames back (a record not yet known)
//   started(race, detail)    optional: the server accepted the start
//   received(race, detail)   optional: a `frames` message arrived (before queueing)
//   draw(race, frames)       fold frames into race.record, mark what to redraw; true if a
//                            racer's status changed
//   flush(race)              redraw what is marked; true (or a promise of it) if still behind
//                            (race is null before the first run)
//   finish(race, frames, d)  fold the last frames and the `done` summary d
//   finished(race, d)        optional: after the run is marked done
//   refused(message)         optional: the server refused the start
//   play()                   optional: before Play acts (a lab's own game gives way)
//   pause()                  optional: after Pause
//   changedSteps(steps)      optional: the budget changed; true if the lab handled it
//   changedSpeed()           optional: after a speed change (the URL follows)
// `preview` labs start each configuration paused at once, so a run that is still waiting
// for its first step counts as not started yet, and says "ready" until Play or Step.

import { raceStatusKey } from "./state.js";

const STALL_MS = 4000;

export function createRaceSession({ stream, run, state, hook, lab, preview = false }) {
  let race = null; // {record, playing, done, awaiting, budget, ran, ...what the lab adds}
  let dirty = false; // the configuration changed under a live run: Play starts afresh
  let pending = [];
  let rafQueued = false;
  // Every start is answered by one `started` or one error: counting them tells the answer to
  // the latest start from a late answer to one the page has since replaced.
  let sent = 0;
  let answered = 0;
  hook.stream = stream;
  // A weak link can stall a socket without closing it: frames stop while the page still says
  // "running". No news this long during play is said as such, until frames come again.
  let lastNews = 0;
  let stalled = false;
  setInterval(() => {
    const quiet = race && race.playing && !race.done && !race.awaiting && performance.now() - lastNews > STALL_MS;
    if (quiet && !stalled) run.showStatus("run.stalled");
    else if (!quiet && stalled) showStatus();
    stalled = quiet;
  }, 1000);

  const showStatus = () => run.showStatus(raceStatusKey(race, dirty, stream.connected));

  function setPlaying(on) {
    lastNews = performance.now(); // play starts the clock: silence before it says nothing
    if (race) race.playing = on;
    run.showPlaying(on);
    showStatus();
  }

  function start({ paused = false, stepAfter = false } = {}) {
    if (lab.canRun && !lab.canRun()) return;
    const playing = !paused && !stepAfter;
    race = { record: null, playing, done: false, awaiting: true, budget: state.steps, ran: !paused, preview: preview && paused };
    pending = [];
    dirty = false;
    hook.step = 0;
    run.showCount(0, state.steps);
    lab.prepare(race);
    sent += 1;
    stream.start(lab.startMessage(race), { paused: !playing });
    if (stepAfter) stream.step();
    setPlaying(playing);
  }

  async function draw() {
    rafQueued = false;
    if (!race) {
      // Before the first run a plot control (the 3D toggle) still wants its plot drawn.
      if (await lab.flush(null)) schedule();
      return;
    }
    if (pending.length && (!lab.ready || lab.ready(race))) {
      const frames = pending;
      pending = [];
      const changed = lab.draw(race, frames);
      hook.step = race.record.step;
      run.showCount(race.record.step, race.budget);
      if (changed) showStatus();
    }
    const waiting = await lab.flush(race);
    if (waiting || pending.length) schedule();
  }

  function schedule() {
    if (!rafQueued) {
      rafQueued = true;
      requestAnimationFrame(draw);
    }
  }

  function stop() {
    if (race && !race.done) stream.stop();
  }

  function endLocally({ lost = false } = {}) {
    race.done = true;
    race.awaiting = false;
    race.lost = lost;
    setPlaying(false);
  }

  stream.addEventListener("started", (event) => {
    answered += 1;
    lastNews = performance.now();
    if (!race || answered !== sent) return;
    race.awaiting = false;
    if (lab.started) lab.started(race, event.detail);
    showStatus();
  });
  stream.addEventListener("frames", (event) => {
    lastNews = performance.now();
    if (!race || race.awaiting) return; // frames of a run the page has already left
    if (lab.received) lab.received(race, event.detail);
    pending.push(...event.detail.frames);
    schedule();
  });
  stream.addEventListener("done", (event) => {
    if (!race || race.awaiting || !race.record) return;
    const frames = pending;
    pending = [];
    lab.finish(race, frames, event.detail);
    hook.step = race.record.step;
    run.showCount(race.record.step, race.budget);
    race.done = true;
    setPlaying(false);
    if (lab.finished) lab.finished(race, event.detail);
    schedule();
  });
  stream.addEventListener("error", (event) => {
    const message = event.detail.message || "error";
    hook.errors.push(message);
    // Only a refused start answers a start: a burst of Reset sends stop, start, stop, start,
    // and a stop reaching a run that had just ended is refused too.
    const answersStart = event.detail.request === undefined || event.detail.request === "start";
    if (race && race.awaiting && answered < sent && answersStart) {
      answered += 1;
      if (answered !== sent) return; // the refusal of a start already replaced
      endLocally();
      if (lab.refused) lab.refused(message);
    }
    // Pause or step after the run ended: nothing to report.
    if (race && race.done && /needs a running run/.test(message)) return;
    run.showStatus("run.error", { message });
  });
  stream.addEventListener("connection", (event) => {
    if (event.detail.connected) {
      showStatus(); // a start that waited for the server is on its way
      return;
    }
    // The run lived in the dropped connection: keep what was drawn, offer a replay.
    if (race && !race.done) {
      // Only starts the server had already received die with the connection; one still in the
      // stream's queue is sent when the connection is back, and is answered then.
      answered = sent;
      endLocally({ lost: true });
    }
  });

  // A run is "fresh" (Play and Step start a new one) once it ended, changed, or, for preview
  // labs, while it still waits for the server.
  const fresh = () => !race || race.done || dirty || (preview && race.awaiting);
  const on = (name, fn) => document.addEventListener(name, (event) => fn(event.detail || {}));
  on("play", () => {
    if (lab.play) lab.play();
    if (fresh()) start();
    else {
      race.ran = true;
      stream.resume();
      setPlaying(true);
    }
  });
  on("pause", () => {
    if (race && !race.done) stream.pause();
    setPlaying(false);
    if (lab.pause) lab.pause();
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
    stop();
    start();
  });
  on("change-speed", ({ speed }) => {
    state.speed = speed;
    if (lab.changedSpeed) lab.changedSpeed();
    if (race && !race.done) stream.speed(speed);
  });
  on("change-steps", ({ steps }) => {
    state.steps = steps;
    if (lab.changedSteps && lab.changedSteps(steps)) return;
    if (race) markChanged();
    else run.showCount(0, steps);
  });

  /** The configuration changed under a run: Play will start afresh. */
  function markChanged() {
    dirty = true;
    showStatus();
  }

  return {
    get race() {
      return race;
    },
    get dirty() {
      return dirty;
    },
    start,
    stop,
    schedule,
    setPlaying,
    showStatus,
    markChanged,
    /** Drop the run without starting another (the lab then shows its empty state). */
    clear() {
      stop();
      race = null;
      pending = [];
      dirty = false;
      hook.step = 0;
      run.showCount(0, state.steps);
      setPlaying(false);
    },
    /** Make sure a run exists and is paused: the one on screen, else a fresh paused one. */
    ensurePaused() {
      if (fresh()) start({ paused: true });
      else if (race.playing) {
        stream.pause();
        setPlaying(false);
      }
    },
  };
}
