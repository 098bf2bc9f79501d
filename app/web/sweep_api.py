"""Learning-rate sweep: final loss after N steps against a log-spaced lr grid, one Run for all.

On a surface, on data with a model (the regression lab) or on a network (the network lab):
each (optimizer, lr) is one racer of a single Run, built by the same code as a race, so a swept
racer ends where the same racer raced alone would (a mini-batch racer draws the same batches
at every rate). Bit for bit on surfaces and data; to rounding on a network, whose stacked layer
products round in another order.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any, Literal

import numpy as np
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.engine.optim import OPTIMIZERS
from app.run_output import RunTooLong
from app.runs import DIVERGED, Run
from app.web.builders import run_for, split_racers
from app.web.errors import ApiError
from app.web.heavy import in_heavy_pool
from app.web.network_schemas import NetworkSpec
from app.web.schemas import DataSpec, ErrorResponse, OptimizerConfig, StrictNumber, SurfaceSpec
from app.web.wire import WireResponse

router = APIRouter(prefix="/api", tags=["api"])


class SweepRequest(BaseModel):
    """A surface (or data and a model, or a network), a start, a step budget, optimizers
    (their lr is swept) and the lr grid. A network starts from its seeded initial weights."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    surface: SurfaceSpec | None = None
    data: DataSpec | None = None
    model: Literal["linear", "logistic", "logistic_mse", "softmax"] | None = None
    network: NetworkSpec | None = None
    # A softmax model's start has 3 numbers per class (at most 5 classes).
    start: list[StrictNumber] | None = Field(None, max_length=15, examples=[[-1.2, 1.0]])
    steps: int = Field(100, ge=1, strict=True, examples=[100])
    optimizers: list[OptimizerConfig] = Field(min_length=1, max_length=64)
    lr_min: StrictNumber = Field(1e-4, gt=0, examples=[1e-4])
    lr_max: StrictNumber = Field(1.0, gt=0, examples=[1.0])
    rates: int = Field(25, ge=2, strict=True, examples=[25])

    @model_validator(mode="after")
    def _one_problem(self) -> SweepRequest:
        given = [k for k in ("surface", "data", "network") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'surface', 'data' or 'network'")
        if self.network is not None and self.start is not None:
            raise ValueError("a network sweep starts from the network's seeded weights: no 'start'")
        if self.data is not None and self.model is None:
            raise ValueError("'data' needs a 'model': linear, logistic, logistic_mse or softmax")
        if self.data is None and self.model is not None:
            raise ValueError("'model' goes with 'data' only")
        return self


# Every step of a sweep computes each racer's model over every training row at once. Bounded
# like the heaviest race (8 racers over 5,000 rows through 6 x 16 units, 3.84 million): 320
# racers through that network took 6 GB in one request.
SWEEP_WORK = 4_000_000


def _units(problem: Any) -> int:
    """Numbers per training row and racer: a network's units past its inputs, else parameters."""
    sizes = getattr(problem, "sizes", None)
    return sum(sizes[1:]) if sizes else problem.dim


def check_work(run: Run, optimizers: int, rates: int) -> None:
    """ApiError when racers x training rows x units passes SWEEP_WORK, saying what would fit."""
    rows = getattr(run.problem, "n", 1)
    per_rate = optimizers * rows * _units(run.problem)
    if per_rate * rates <= SWEEP_WORK:
        return
    head = f"sweep too large for one answer: {optimizers * rates} racers over {rows} rows; "
    fit = SWEEP_WORK // per_rate
    if fit >= 2:
        raise ApiError(head + f"ask for at most {fit} rates")
    raise ApiError(head + "use fewer optimizers, a smaller network or fewer points")


def lr_grid(lo: float, hi: float, n: int) -> list[float]:
    """n log-spaced learning rates from lo to hi, both ends included."""
    return np.geomspace(lo, hi, n).tolist()


def build_sweep(req: SweepRequest, settings: Any) -> tuple[Run, dict[str, Any]]:
    """Validate against the limits; one racer per (optimizer, lr), optimizer by optimizer."""
    if req.steps > settings.max_steps:
        raise ApiError(f"steps must be at most {settings.max_steps}, got {req.steps}")
    if len(req.optimizers) > settings.max_optimizers:
        raise ApiError(
            f"at most {settings.max_optimizers} optimizers per sweep, got {len(req.optimizers)}"
        )
    if req.rates > settings.max_sweep_rates:
        raise ApiError(f"rates must be at most {settings.max_sweep_rates}, got {req.rates}")
    if not req.lr_min < req.lr_max:
        raise ApiError("lr_min must be smaller than lr_max")
    lrs = lr_grid(req.lr_min, req.lr_max, req.rates)
    configs = []
    for i, opt in enumerate(req.optimizers):
        cfg = opt.as_dict()
        name = str(cfg.get("name", "")).lower()
        lr = (
            next((h for h in OPTIMIZERS[name].hyperparameters if h.name == "lr"), None)
            if (name in OPTIMIZERS)
            else None
        )
        if name in OPTIMIZERS and lr is None:
            raise ApiError(f"optimizer {i + 1} ({name}) has no learning rate to sweep")
        if lr is not None and req.lr_max > lr.max:
            # Said of the grid's end the user typed, not of a rate inside the grid.
            raise ApiError(f"lr_max must be at most {lr.max:g} for {name}, got {req.lr_max:g}")
        cfg.pop("lr", None)
        configs.extend({**cfg, "lr": lr} for lr in lrs)
    try:
        racers, variants, losses = split_racers(configs)
    except ValueError as exc:
        # Name the optimizer, not its racer number in the grid.
        raise ApiError(_per_optimizer(str(exc), req.rates)) from None
    try:
        run, info = run_for(req, racers, variants, losses, settings, sweep=True)
    except ApiError as exc:
        exc.message = _per_optimizer(exc.message, req.rates)  # a batch size, say
        raise
    check_work(run, len(req.optimizers), req.rates)
    return run, {**info, "lrs": lrs}


def _per_optimizer(message: str, rates: int) -> str:
    """A refusal about racer k of the optimizer x rate grid, said of its optimizer instead."""
    field = re.match(r"optimizers\.(\d+)\.", message)
    if field:
        return f"optimizers.{int(field.group(1)) // rates}.{message[field.end() :]}"
    head, _, rest = message.partition(":")
    words = head.split()
    if len(words) >= 2 and words[0] == "optimizer" and words[1].isdigit():
        words[1] = str((int(words[1]) - 1) // rates + 1)
        return " ".join(words) + ":" + rest
    return message


def final_losses(
    run: Run, max_seconds: float | None = None, deadline: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Drive the run; each racer's loss at its last step, and the step it stopped at.
    RunTooLong once computing passes max_seconds, or the clock (time.monotonic) passes
    `deadline` (set when the request arrived, so time spent queued counts)."""
    n = len(run.racers)
    last = np.full(n, np.nan)
    step = np.zeros(n, dtype=int)
    if max_seconds is not None:
        mine = time.monotonic() + max_seconds
        deadline = mine if deadline is None else min(deadline, mine)
    for rec in run.records():
        if deadline is not None and time.monotonic() > deadline:
            raise RunTooLong(rec.step, max_seconds)
        live = rec.active
        last[live] = rec.losses[live]
        step[live] = rec.step
    return last, step


def sweep_result(
    run: Run, lrs: list[float], max_seconds: float | None = None, deadline: float | None = None
) -> list[dict[str, Any]]:
    last, step = final_losses(run, max_seconds, deadline)
    n = len(lrs)
    curves = []
    for j in range(len(run.racers) // n):
        rows = range(j * n, (j + 1) * n)
        first = run.racers[j * n]
        hp = {k: v for k, v in first.hyperparameters.items() if k != "lr"}
        status = [run.status[i] for i in rows]
        # A diverged racer has no final loss worth plotting: null, and its status says why.
        losses = [
            None if status[k] == DIVERGED or not math.isfinite(last[i]) else float(last[i])
            for k, i in enumerate(rows)
        ]
        finite = [(v, lrs[k]) for k, v in enumerate(losses) if v is not None]
        curves.append(
            {
                "optimizer": {"name": first.name, **hp},
                "label": first.label.split(",")[0],
                "final_loss": losses,
                "status": status,
                "stopped_at": [int(step[i]) for i in rows],
                "best_lr": min(finite)[1] if finite else None,
            }
        )
    return curves


REFUSED = {422: {"model": ErrorResponse, "description": "Refused input, in plain words"}}


@router.post("/sweep", responses=REFUSED)
async def sweep(request: Request, body: SweepRequest) -> WireResponse:
    """Final loss after `steps` steps for each optimizer over a log-spaced learning-rate grid."""
    settings = request.app.state.settings
    deadline = time.monotonic() + settings.max_request_seconds
    run, info = build_sweep(body, settings)
    lrs = info.pop("lrs")
    try:
        curves = await in_heavy_pool(sweep_result, run, lrs, settings.max_request_seconds, deadline)
    except RunTooLong as exc:
        raise ApiError(
            f"sweep takes too long for one answer: step {exc.step} of {run.steps} after "
            f"{exc.seconds:g} s; ask for fewer steps or fewer rates"
        ) from None
    return WireResponse(
        {
            **info,
            "start": run.start.tolist(),
            "steps": run.steps,
            "lrs": lrs,
            "curves": curves,
        }
    )
