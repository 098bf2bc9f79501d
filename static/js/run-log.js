// Pure record of a surface-lab run as it streams (no DOM): every racer's entries step by step,
// for the CSV and JSON exports and the animated HTML export.

export const CSV_COLUMNS = [
  "step", "racer", "optimizer", "lr", "x", "y", "loss",
  "grad_x", "grad_y", "update_x", "update_y", "status",
];

export class RunLog {
  /** racers: [{label, name, hp}] with every hyperparameter (fullHyperparameters). */
  constructor(racers) {
    this.racers = racers.map((r) => ({ ...r, entries: [] }));
  }

  add(frames) {
    for (const frame of frames) {
      for (const e of frame.racers) {
        const r = this.racers[e.i];
        if (!r) continue;
        r.entries.push({
          step: frame.step,
          point: e.point,
          loss: e.loss,
          grad: e.grad,
          update: e.update,
          status: e.status,
          reason: e.reason || null,
        });
      }
    }
  }

  /** Final statuses from the server's `done` message. */
  finish(summary) {
    for (const s of summary || []) {
      const r = this.racers[s.i];
      if (r) Object.assign(r, { status: s.status, reason: s.reason, stoppedAt: s.stopped_at });
    }
  }

  get steps() {
    return Math.max(0, ...this.racers.map((r) => (r.entries.length ? r.entries[r.entries.length - 1].step : 0)));
  }

  /** One row per racer-step, in step order then racer order. */
  csvRows() {
    const rows = [];
    const pair = (v) => (Array.isArray(v) ? v : [null, null]);
    for (const [i, r] of this.racers.entries()) {
      for (const e of r.entries) {
        const [x, y] = pair(e.point);
        const [gx, gy] = pair(e.grad);
        const [ux, uy] = pair(e.update);
        rows.push([e.step, r.label, r.name, r.hp.lr ?? null, x, y, e.loss, gx, gy, ux, uy, e.status, i]);
      }
    }
    rows.sort((a, b) => a[0] - b[0] || a[12] - b[12]);
    return rows.map((row) => row.slice(0, 12));
  }

  /** Config plus trajectories: what a notebook needs to redraw or check the run. */
  json(config) {
    return {
      app: "lereng",
      kind: "surface-run",
      config,
      racers: this.racers.map((r) => ({
        label: r.label,
        optimizer: { name: r.name, ...r.hp },
        status: r.status ?? (r.entries.length ? r.entries[r.entries.length - 1].status : null),
        reason: r.reason ?? null,
        stopped_at: r.stoppedAt ?? null,
        steps: r.entries.map((e) => e.step),
        points: r.entries.map((e) => e.point),
        losses: r.entries.map((e) => e.loss),
        grads: r.entries.map((e) => e.grad),
        updates: r.entries.map((e) => e.update),
      })),
    };
  }
}
