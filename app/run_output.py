"""Run output: per-step frames, final summaries and whole-run trajectories for the wire."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from app.runs import Run, StepRecord


def frame_of(rec: StepRecord) -> dict[str, Any]:
    """One step as a frame: an entry per racer that was still running when the step began."""
    rows = np.flatnonzero(rec.active) if rec.active is not None else range(len(rec.status))
    pts, losses = rec.points.tolist(), rec.losses.tolist()
    # Light records (rec.velocity is None) carry the point and loss only, besides extras.
    full = rec.velocity is not None
    if full:
        grads, upd = rec.grads.tolist(), rec.updates.tolist()
        vel, scale = rec.velocity.tolist(), rec.scale.tolist()
    racers = []
    for i in rows:
        entry = {"i": int(i), "point": pts[i], "loss": losses[i]}
        if full:
            entry.update(grad=grads[i], update=upd[i], velocity=vel[i], scale=scale[i])
        entry["status"] = rec.status[i]
        for key, values in rec.extra.items():
            entry[key] = values[i]
        if i in rec.events:
            entry["reason"] = rec.events[i]
        racers.append(entry)
    return {"step": rec.step, "racers": racers}


def summary(run: Run) -> list[dict[str, Any]]:
    """Final status per racer, the part of a `done` message that is not trajectory."""
    return [
        {
            "i": i,
            "optimizer": r.describe(),
            "label": r.label,
            "status": run.status[i],
            "stopped_at": run.stopped_at[i],
            "reason": run.reasons[i],
        }
        for i, r in enumerate(run.racers)
    ]


STACKED = ("points", "losses", "grads", "updates", "velocity", "scale")


class RunTooLong(Exception):
    """collect() passed its computing-time budget; `step` is the last step it reached."""

    def __init__(self, step: int, seconds: float) -> None:
        super().__init__(step, seconds)
        self.step, self.seconds = step, seconds


def collect(
    run: Run, max_seconds: float | None = None, deadline: float | None = None
) -> list[dict[str, Any]]:
    """Drive a run to its end and gather each racer's whole trajectory (for POST /api/runs).

    With max_seconds, RunTooLong is raised once computing takes longer than that: one answer
    must not hold a worker for minutes (a 5,000-row softmax race of 10,000 steps takes ~100 s).
    """
    recs = []
    # `deadline` (time.monotonic) was set when the request arrived: time queued counts too.
    if max_seconds is not None:
        mine = time.monotonic() + max_seconds
        deadline = mine if deadline is None else min(deadline, mine)
    for rec in run.records():
        if deadline is not None and time.monotonic() > deadline:
            raise RunTooLong(rec.step, max_seconds)
        recs.append(rec)
    # A racer's trajectory is every step it began running, its stopping step included.
    began = np.stack([r.active for r in recs])
    names = ("points", "losses") if run.light else STACKED
    stacked = {name: np.stack([getattr(r, name) for r in recs]) for name in names}
    extras = list(dict.fromkeys(key for r in recs for key in r.extra))
    out = summary(run)
    for i, entry in enumerate(out):
        rows = np.flatnonzero(began[:, i])
        n = len(rows)
        # A racer runs from step 0 until it stops, so its rows are the first n: a slice is a
        # view, where a list of 1,000 indices cost a tenth of the race to gather each column.
        sel = slice(0, n) if n and rows[-1] == n - 1 else rows
        entry["steps"] = n - 1
        for name, arr in stacked.items():
            entry[name] = arr[sel, i].tolist()
        for key in extras:
            # Step 0 has no batch yet, and not every step has every extra: those are null.
            entry[key] = [
                recs[k].extra[key][i] if key in recs[k].extra else None for k in rows.tolist()
            ]
    return out
