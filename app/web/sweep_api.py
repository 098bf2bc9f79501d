"""Learning-rate sweep: final loss after N steps against a log-spaced lr grid, one Run for all."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from app.engine.optim import OPTIMIZERS
from app.problems.surfaces import SurfaceProblem
from app.racers import make_racers
from app.runs import DIVERGED, Run
from app.web.builders import check_point, resolve_surface
from app.web.errors import ApiError
from app.web.schemas import ErrorResponse, OptimizerConfig, StrictNumber, SurfaceSpec
from app.web.wire import WireResponse

router = APIRouter(prefix="/api", tags=["api"])


class SweepRequest(BaseModel):
    """A surface, a start, a step budget, optimizers (their lr is swept) and the lr grid."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    surface: SurfaceSpec
    start: list[StrictNumber] | None = Field(None, max_length=2, examples=[[-1.2, 1.0]])
    steps: int = Field(100, ge=1, strict=True, examples=[100])
    optimizers: list[OptimizerConfig] = Field(min_length=1, max_length=64)
    lr_min: StrictNumber = Field(1e-4, gt=0, examples=[1e-4])
    lr_max: StrictNumber = Field(1.0, gt=0, examples=[1.0])
    rates: int = Field(25, ge=2, strict=True, examples=[25])


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
        if name in OPTIMIZERS and not any(h.name == "lr" for h in OPTIMIZERS[name].hyperparameters):
            raise ApiError(f"optimizer {i + 1} ({name}) has no learning rate to sweep")
        cfg.pop("lr", None)
        configs.extend({**cfg, "lr": lr} for lr in lrs)
    try:
        racers = make_racers(configs)
    except ValueError as exc:
        # Name the optimizer, not its racer number in the grid.
        raise ApiError(_per_optimizer(str(exc), req.rates)) from None
    surface = resolve_surface(req.surface, settings)
    start = req.start if req.start is not None else list(surface.start)
    if len(start) != 2:
        raise ApiError(f"start must have 2 numbers, got {len(start)}")
    check_point(start, "start")
    run = Run(SurfaceProblem(surface.fn), racers, start, req.steps)
    return run, {"surface": surface.info, "lrs": lrs}


def _per_optimizer(message: str, rates: int) -> str:
    head, _, rest = message.partition(":")
    words = head.split()
    if len(words) >= 2 and words[0] == "optimizer" and words[1].isdigit():
        words[1] = str((int(words[1]) - 1) // rates + 1)
        return " ".join(words) + ":" + rest
    return message


def final_losses(run: Run) -> tuple[np.ndarray, np.ndarray]:
    """Drive the run; each racer's loss at its last step, and the step it stopped at."""
    n = len(run.racers)
    last = np.full(n, np.nan)
    step = np.zeros(n, dtype=int)
    for rec in run.records():
        live = rec.active
        last[live] = rec.losses[live]
        step[live] = rec.step
    return last, step


def sweep_result(run: Run, lrs: list[float]) -> list[dict[str, Any]]:
    last, step = final_losses(run)
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
    run, info = build_sweep(body, request.app.state.settings)
    curves = await asyncio.to_thread(sweep_result, run, info["lrs"])
    return WireResponse(
        {
            "surface": info["surface"],
            "start": run.start.tolist(),
            "steps": run.steps,
            "lrs": info["lrs"],
            "curves": curves,
        }
    )
