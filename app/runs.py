"""Run: steps several optimizers together on one problem and yields per-step records (no web)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from app.engine.optim import OPTIMIZERS, validate_hyperparameters

RUNNING, CONVERGED, DIVERGED, BUDGET, STOPPED = (
    "running",
    "converged",
    "diverged",
    "budget",
    "stopped",
)

# A point this far out has left every plotted domain by many orders of magnitude; calling it
# diverged keeps float64 arithmetic far from overflow and the frames meaningful.
POINT_BOUND = 1e8
LOSS_BOUND = 1e100


class Problem(Protocol):
    """What a run minimises: a loss over flat parameter vectors with a leading particle axis."""

    dim: int

    def value_and_grad(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


class _Param:
    """The optimizer-facing parameter: `.data` updated in place, `.grad` set by the run."""

    __slots__ = ("data", "grad")

    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.grad: np.ndarray | None = None


@dataclass
class Racer:
    """One optimizer in the race, with every hyperparameter it actually uses."""

    name: str
    hyperparameters: dict[str, Any]
    label: str

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, **self.hyperparameters}


@dataclass
class Tolerances:
    grad: float = 1e-8
    step: float = 1e-10


@dataclass
class StepRecord:
    """Everything one step produced, per racer (rows), as float64 arrays."""

    step: int
    points: np.ndarray
    losses: np.ndarray
    grads: np.ndarray
    updates: np.ndarray
    velocity: np.ndarray
    scale: np.ndarray
    status: list[str]
    # Racers whose status changed at this step, with the reason in words.
    events: dict[int, str] = field(default_factory=dict)
    active: np.ndarray | None = None


def _label(name: str, hp: dict[str, Any]) -> str:
    display = OPTIMIZERS[name].display_name
    return f"{display}, lr {hp['lr']:g}" if "lr" in hp else display


def make_racers(configs: Sequence[dict[str, Any]]) -> list[Racer]:
    """Validate each optimizer config through the registry; ValueError names the problem."""
    racers = []
    for i, cfg in enumerate(configs):
        cfg = dict(cfg)
        name = str(cfg.pop("name", "")).lower()
        if name not in OPTIMIZERS:
            known = ", ".join(OPTIMIZERS)
            raise ValueError(f"optimizer {i + 1}: unknown optimizer '{name}', use one of {known}")
        try:
            hp = validate_hyperparameters(name, **cfg)
        except ValueError as exc:
            raise ValueError(f"optimizer {i + 1} ({name}): {exc}") from None
        racers.append(Racer(name=name, hyperparameters=hp, label=_label(name, hp)))
    return racers


class Run:
    """Steps every racer from one start; racers of one optimizer kind share one update call.

    Racers are grouped by optimizer and every hyperparameter but the learning rate, which
    becomes a per-row array: the update rules are elementwise, so a group steps exactly as
    its members would alone, at the cost of one NumPy call per op.
    """

    def __init__(
        self,
        problem: Problem,
        racers: Sequence[Racer],
        start: Sequence[float] | np.ndarray,
        steps: int,
        tolerances: Tolerances | None = None,
    ) -> None:
        self.problem = problem
        self.racers = list(racers)
        self.steps = int(steps)
        self.tol = tolerances or Tolerances()
        n, dim = len(self.racers), problem.dim
        start = np.asarray(start, dtype=np.float64).reshape(-1)
        if start.shape != (dim,):
            raise ValueError(f"start must have {dim} numbers, got {start.size}")
        self.start = start
        self.points = np.tile(start, (n, 1))
        self.status = [RUNNING] * n
        self.stopped_at: list[int | None] = [None] * n
        self.reasons: list[str | None] = [None] * n
        self._groups = self._make_groups(n, dim)

    def _make_groups(self, n: int, dim: int) -> list[tuple[np.ndarray, _Param, Any]]:
        keys: dict[tuple, list[int]] = {}
        for i, r in enumerate(self.racers):
            rest = tuple(sorted((k, repr(v)) for k, v in r.hyperparameters.items() if k != "lr"))
            keys.setdefault((r.name, rest), []).append(i)
        groups = []
        for (name, _), rows in keys.items():
            idx = np.array(rows)
            param = _Param(self.points[idx].copy())
            hp = dict(self.racers[rows[0]].hyperparameters)
            if len(rows) > 1 and "lr" in hp:
                hp["lr"] = np.array([[self.racers[i].hyperparameters["lr"]] for i in rows])
            groups.append((idx, param, OPTIMIZERS[name].cls([param], **hp)))
        return groups

    def _state(self, n: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
        velocity = np.full((n, dim), np.nan)
        scale = np.full((n, dim), np.nan)
        for idx, _, opt in self._groups:
            view = opt.state_view(0)
            if view.get("velocity") is not None:
                velocity[idx] = view["velocity"]
            if view.get("scale") is not None:
                scale[idx] = np.broadcast_to(view["scale"], (len(idx), dim))
        return velocity, scale

    def _check(self, k: int, rec: StepRecord, active: np.ndarray) -> None:
        finite_pts = np.isfinite(rec.points).all(axis=1)
        for i in np.flatnonzero(active):
            reason = None
            if not finite_pts[i] or np.abs(rec.points[i]).max() > POINT_BOUND:
                reason = f"point left the bounded region (|coordinate| > {POINT_BOUND:g})"
            elif not np.isfinite(rec.losses[i]) or abs(rec.losses[i]) > LOSS_BOUND:
                reason = "loss overflow"
            elif not np.isfinite(rec.grads[i]).all():
                reason = "gradient overflow"
            if reason is not None:
                self._stop(i, k, DIVERGED, reason, rec)
                continue
            gnorm = float(np.linalg.norm(rec.grads[i]))
            snorm = float(np.linalg.norm(rec.updates[i])) if k > 0 else np.inf
            if gnorm <= self.tol.grad and snorm <= self.tol.step:
                self._stop(i, k, CONVERGED, f"gradient norm {gnorm:.1e}", rec)
            elif k == self.steps:
                self._stop(i, k, BUDGET, f"step budget of {self.steps} reached", rec)

    def _stop(self, i: int, k: int, status: str, reason: str, rec: StepRecord) -> None:
        self.status[i] = status
        self.stopped_at[i] = k
        self.reasons[i] = reason
        rec.status[i] = status
        rec.events[i] = reason

    def records(self) -> Iterator[StepRecord]:
        """Yield step 0 (the start) and then one record per step until every racer stops."""
        n, dim = self.points.shape
        with np.errstate(all="ignore"):
            losses, grads = self.problem.value_and_grad(self.points)
            velocity, scale = self._state(n, dim)
            active = np.ones(n, dtype=bool)
            rec = StepRecord(
                0,
                self.points.copy(),
                losses,
                grads,
                np.zeros((n, dim)),
                velocity,
                scale,
                list(self.status),
                active=active.copy(),
            )
            self._check(0, rec, active)
            yield rec
            for k in range(1, self.steps + 1):
                active = np.array([s == RUNNING for s in self.status])
                if not active.any():
                    return
                prev = self.points.copy()
                for idx, param, opt in self._groups:
                    param.grad = grads[idx]
                    opt.step()
                    self.points[idx] = param.data
                # Stopped racers keep their final point; their rows still ride along in the
                # group's arithmetic, which is cheaper than splitting groups.
                self.points[~active] = prev[~active]
                losses, grads = self.problem.value_and_grad(self.points)
                velocity, scale = self._state(n, dim)
                rec = StepRecord(
                    k,
                    self.points.copy(),
                    losses,
                    grads,
                    self.points - prev,
                    velocity,
                    scale,
                    list(self.status),
                    active=active,
                )
                self._check(k, rec, active)
                yield rec


def frame_of(rec: StepRecord) -> dict[str, Any]:
    """One step as a frame: an entry per racer that was still running when the step began."""
    rows = np.flatnonzero(rec.active) if rec.active is not None else range(len(rec.status))
    pts, grads, upd = rec.points.tolist(), rec.grads.tolist(), rec.updates.tolist()
    vel, scale, losses = rec.velocity.tolist(), rec.scale.tolist(), rec.losses.tolist()
    racers = []
    for i in rows:
        entry = {
            "i": int(i),
            "point": pts[i],
            "loss": losses[i],
            "grad": grads[i],
            "update": upd[i],
            "velocity": vel[i],
            "scale": scale[i],
            "status": rec.status[i],
        }
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


def collect(run: Run) -> list[dict[str, Any]]:
    """Drive a run to its end and gather each racer's whole trajectory (for POST /api/runs)."""
    keep: list[list[int]] = [[] for _ in run.racers]
    recs = []
    for k, rec in enumerate(run.records()):
        recs.append(rec)
        for i in np.flatnonzero(rec.active):
            keep[i].append(k)
    stacked = {
        name: np.stack([getattr(r, name) for r in recs])
        for name in ("points", "losses", "grads", "updates", "velocity", "scale")
    }
    out = summary(run)
    for i, entry in enumerate(out):
        rows = keep[i]
        entry["steps"] = len(rows) - 1
        for name, arr in stacked.items():
            entry[name] = arr[rows, i].tolist()
    return out
