"""Run: steps several optimizers together on one problem and yields per-step records (no web)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from app.engine.optim import OPTIMIZERS
from app.racers import Racer

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
START_UNDEFINED = "the loss is not defined at the start (outside the function's domain)"
LEFT_DOMAIN = "left the function's domain (the loss is not a number there)"


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
    velocity: np.ndarray | None
    scale: np.ndarray | None
    status: list[str]
    # Racers whose status changed at this step, with the reason in words.
    events: dict[int, str] = field(default_factory=dict)
    active: np.ndarray | None = None
    # Per-racer extras of batched problems: batch loss, epoch, iteration, batch indices.
    extra: dict[str, list] = field(default_factory=dict)


class Run:
    """Steps every racer from one start; racers of one optimizer kind share one update call.

    Racers are grouped by optimizer and every hyperparameter but the learning rate, which
    becomes a per-row array: the update rules are elementwise, so a group steps exactly as
    its members would alone, at the cost of one NumPy call per op. Internally the rows are
    ordered group by group, so each group's parameter is a view into one array that the
    optimizer updates in place; records are put back in racer order.
    """

    def __init__(
        self,
        problem: Problem,
        racers: Sequence[Racer],
        start: Sequence[float] | np.ndarray,
        steps: int,
        tolerances: Tolerances | None = None,
        samplers: Sequence[Any] | None = None,
        extras: bool = True,
    ) -> None:
        self.problem = problem
        # One BatchSampler per racer (app.problems.batching) makes each step's gradient that
        # of the racer's own batch; records still carry the full-data loss and gradient.
        self.samplers = list(samplers) if samplers is not None else None
        if self.samplers is not None and len(self.samplers) != len(racers):
            raise ValueError("give one batch sampler per racer")
        self.racers = list(racers)
        # Optional problem hooks. frame_extras(record) -> {key: one value per racer} adds
        # per-racer extras to every record (a network's test loss, accuracy, heatmaps);
        # light_frames leaves per-parameter state out of records and frames, for problems
        # with thousands of parameters.
        # extras=False drops them: a learning-rate sweep wants final losses, not heatmaps.
        self._extras = getattr(problem, "frame_extras", None) if extras else None
        self.light = bool(getattr(problem, "light_frames", False))
        self.steps = int(steps)
        self.tol = tolerances or Tolerances()
        n, dim = len(self.racers), problem.dim
        start = np.asarray(start, dtype=np.float64).reshape(-1)
        if start.shape != (dim,):
            raise ValueError(f"start must have {dim} numbers, got {start.size}")
        self.start = start
        self.status = [RUNNING] * n
        self.stopped_at: list[int | None] = [None] * n
        self.reasons: list[str | None] = [None] * n
        self._active = np.ones(n, dtype=bool)
        self._x = np.tile(start, (n, 1))
        self._g = np.zeros_like(self._x)
        self._groups, order = self._make_groups()
        self._order = np.array(order)
        self._inv = np.argsort(self._order)
        # Racers in distinct groups, in order, need no permutation (the common race).
        self._identity = bool((self._order == np.arange(n)).all())
        # A problem whose racers differ in more than their optimizer (the regression lab's
        # per-racer loss) learns which racer each internal row holds.
        bind = getattr(problem, "bind_rows", None)
        if bind is not None:
            bind(self._order)

    def _make_groups(self) -> tuple[list[tuple[slice, _Param, Any]], list[int]]:
        keys: dict[tuple, list[int]] = {}
        for i, r in enumerate(self.racers):
            rest = tuple(sorted((k, repr(v)) for k, v in r.hyperparameters.items() if k != "lr"))
            keys.setdefault((r.name, rest), []).append(i)
        groups, order = [], []
        for (name, _), rows in keys.items():
            sl = slice(len(order), len(order) + len(rows))
            order.extend(rows)
            param = _Param(self._x[sl])  # a view: the optimizer moves the run's own rows
            param.grad = self._g[sl]  # a view too: each step's gradient is copied in once
            hp = dict(self.racers[rows[0]].hyperparameters)
            if len(rows) > 1 and "lr" in hp:
                hp["lr"] = np.array([[self.racers[i].hyperparameters["lr"]] for i in rows])
            groups.append((sl, param, OPTIMIZERS[name].cls([param], **hp)))
        return groups, order

    @property
    def points(self) -> np.ndarray:
        """Current points in racer order."""
        return self._x[self._inv]

    def _state(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        if self.light:
            return None, None
        # NaN marks "none": optimizers without a velocity, and every row before its first step.
        velocity = np.full(self._x.shape, np.nan)
        scale = velocity.copy()
        for sl, _, opt in self._groups:
            v, s = opt.live_state_view(0)
            # Assignment broadcasts scalars and copies live buffers in one go.
            if v is not None:
                velocity[sl] = v
            if s is not None:
                scale[sl] = s
        if self._identity:
            return velocity, scale
        return velocity[self._inv], scale[self._inv]

    def _check(self, k: int, rec: StepRecord) -> None:
        pts, losses, grads = rec.points, rec.losses, rec.grads
        gsq = (grads * grads).sum(axis=1)
        # Fast path, a few NumPy calls: no running racer left the bounds (NaN fails every
        # comparison), none is close enough to converge, and the budget is not reached.
        live = self._active
        fp, fl, fg = (pts, losses, gsq) if live.all() else (pts[live], losses[live], gsq[live])
        if (
            k < self.steps
            and np.abs(fp).max() <= POINT_BOUND
            and np.abs(fl).max() <= LOSS_BOUND
            and fg.min() > self.tol.grad**2
            and np.isfinite(fg).all()
        ):
            return
        out_of_bounds = ~(np.abs(pts) <= POINT_BOUND).all(axis=1)
        bad_loss = ~(np.abs(losses) <= LOSS_BOUND)
        # NaN, not overflow: f is undefined there (log or sqrt of a negative number).
        undefined = np.isnan(losses)
        bad_grad = ~np.isfinite(grads).all(axis=1)
        gnorm = np.sqrt(gsq)
        snorm = np.sqrt((rec.updates * rec.updates).sum(axis=1)) if k > 0 else np.inf
        done = (gnorm <= self.tol.grad) & (snorm <= self.tol.step)
        changed = out_of_bounds | bad_loss | bad_grad | done | (k == self.steps)
        # Only racers whose status changes reach this Python loop.
        for i in np.flatnonzero(self._active & changed):
            if out_of_bounds[i]:
                reason = f"point left the bounded region (|coordinate| > {POINT_BOUND:g})"
                self._stop(i, k, DIVERGED, reason, rec)
            elif undefined[i] and k == 0:
                self._stop(i, k, DIVERGED, START_UNDEFINED, rec)
            elif undefined[i]:
                self._stop(i, k, DIVERGED, LEFT_DOMAIN, rec)
            elif bad_loss[i]:
                self._stop(i, k, DIVERGED, "loss overflow", rec)
            elif bad_grad[i]:
                self._stop(i, k, DIVERGED, "gradient overflow", rec)
            elif done[i]:
                self._stop(i, k, CONVERGED, f"gradient norm {gnorm[i]:.1e}", rec)
            else:
                self._stop(i, k, BUDGET, f"step budget of {self.steps} reached", rec)

    def _stop(self, i: int, k: int, status: str, reason: str, rec: StepRecord) -> None:
        self.status[i] = status
        self.stopped_at[i] = k
        self.reasons[i] = reason
        self._active[i] = False
        rec.status[i] = status
        rec.events[i] = reason

    def _record(
        self,
        k: int,
        losses: np.ndarray,
        grads: np.ndarray,
        prev: np.ndarray | None,
        extra: dict[str, list] | None = None,
    ) -> StepRecord:
        x = self._x
        updates = np.zeros_like(x) if prev is None else x - prev
        points = x.copy()
        if not self._identity:
            inv = self._inv
            points, losses, grads, updates = points[inv], losses[inv], grads[inv], updates[inv]
        velocity, scale = self._state()
        rec = StepRecord(
            k,
            points,
            losses,
            grads,
            updates,
            velocity,
            scale,
            list(self.status),
            active=self._active.copy(),
            extra=extra or {},
        )
        self._check(k, rec)
        if self._extras is not None:
            rec.extra.update(self._extras(rec))
        return rec

    def records(self) -> Iterator[StepRecord]:
        """Yield step 0 (the start) and then one record per step until every racer stops."""
        yield self._first()
        for k in range(1, self.steps + 1):
            if not self._active.any():
                return
            yield self._advance(k)

    # errstate is entered per step, never across a yield: the WebSocket consumes records from
    # worker threads, and a context variable set in one thread cannot be reset in another.
    def _first(self) -> StepRecord:
        with np.errstate(all="ignore"):
            self._losses, self._grads = self.problem.value_and_grad(self._x)
            return self._record(0, self._losses, self._grads, None)

    def _batch_step(self) -> tuple[np.ndarray, dict[str, list]]:
        """Each racer's batch gradient at the current point, and what the frames say of it."""
        n_examples = self.problem.n
        weights = np.zeros((len(self.racers), n_examples))
        batches = []
        for row, i in enumerate(self._order):
            idx = self.samplers[i].next()
            weights[row, idx] = 1.0 / len(idx)
            batches.append(idx)
        batch_losses, grads = self.problem.value_and_grad(self._x, weights)
        inv = self._inv
        extra = {
            "batch_loss": batch_losses[inv].tolist(),
            "epoch": [s.epoch for s in self.samplers],
            "iteration": [s.iteration for s in self.samplers],
            # Full batches are implied ("all"), so frames stay small for big datasets.
            "batch": [
                None if len(b) == n_examples else b.tolist() for b in (batches[j] for j in inv)
            ],
        }
        return grads, extra

    def _advance(self, k: int) -> StepRecord:
        x = self._x
        with np.errstate(all="ignore"):
            prev = x.copy()
            if self.samplers is None:
                step_grads, extra = self._grads, None
            else:
                step_grads, extra = self._batch_step()
            self._g[...] = step_grads
            for _, _, opt in self._groups:
                opt.step()
            if self.stopped_at.count(None) < len(self.racers):
                # Stopped racers keep their final point; their rows still ride along in the
                # group's arithmetic, which is cheaper than splitting groups.
                stopped = ~self._active[self._order]
                x[stopped] = prev[stopped]
            self._losses, self._grads = self.problem.value_and_grad(x)
            return self._record(k, self._losses, self._grads, prev, extra)
