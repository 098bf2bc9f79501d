// The regression lab's model of a race: per-racer histories (points, full-data and batch
// losses, epochs, the current batch) folded from streamed frames. No DOM access here.

export function newRecord(labels) {
  return {
    step: 0,
    done: false,
    racers: labels.map((label, i) => ({
      i, label, status: "running", reason: null, stoppedAt: null,
      steps: [], points: [], losses: [], batchSteps: [], batchLosses: [],
      epoch: 0, iteration: 0, batch: null, grad: null,
      log: [], // every frame entry as sent, non-finite points too: the exports' rows
    })),
  };
}

/** Fold frames into the record in place; returns the set of racers whose status changed. */
export function foldFrames(record, frames) {
  const changed = new Set();
  for (const frame of frames) {
    record.step = Math.max(record.step, frame.step);
    for (const e of frame.racers) {
      const r = record.racers[e.i];
      if (!r) continue;
      r.log.push({
        step: frame.step, point: e.point, loss: e.loss, batchLoss: e.batch_loss ?? null,
        epoch: e.epoch ?? null, iteration: e.iteration ?? null, status: e.status || null,
      });
      if (Array.isArray(e.point) && e.point.every(Number.isFinite)) {
        r.steps.push(frame.step);
        r.points.push(e.point);
        r.losses.push(Number.isFinite(e.loss) ? e.loss : null);
        // The full-data gradient at the latest point: "predict the next step" shows it.
        r.grad = Array.isArray(e.grad) ? e.grad : null;
      }
      if (Number.isFinite(e.batch_loss)) {
        r.batchSteps.push(frame.step);
        r.batchLosses.push(e.batch_loss);
      }
      if (Number.isInteger(e.epoch)) r.epoch = e.epoch;
      if (Number.isInteger(e.iteration)) r.iteration = e.iteration;
      if (e.batch !== undefined) r.batch = e.batch;
      if (e.status && e.status !== r.status) {
        r.status = e.status;
        r.reason = e.reason || null;
        r.stoppedAt = e.status === "running" ? null : frame.step;
        changed.add(e.i);
      }
    }
  }
  return changed;
}

export function applyDone(record, msg) {
  record.done = true;
  for (const s of msg.runs || []) {
    const r = record.racers[s.i];
    if (!r) continue;
    r.status = s.status;
    r.reason = s.reason;
    r.stoppedAt = s.stopped_at;
  }
}

export function current(r) {
  return r && r.points.length ? { point: r.points[r.points.length - 1], loss: r.losses[r.losses.length - 1] } : null;
}

