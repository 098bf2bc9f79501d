"""Learning-rate schedules: the closed forms of torch.optim.lr_scheduler's schedulers.

`step` counts optimizer steps already taken (torch's `last_epoch`): the k-th update, k = 1, 2,
..., uses lr_at(kind, base_lr, k - 1, ...), so step 0 always uses base_lr.

    constant     lr = base_lr
    step         lr = base_lr * gamma ** (step // step_size)                      (StepLR)
    exponential  lr = base_lr * gamma ** step                                     (ExponentialLR)
    cosine       lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * step / T_max)) / 2
                                                                           (CosineAnnealingLR)

The cosine is periodic like torch's: after T_max steps at eta_min it climbs back to base_lr at
2 * T_max. base_lr may be an array (one learning rate per particle); the result then is too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.engine.optim import HyperParam, Optimizer

__all__ = ["SCHEDULES", "ScheduleSpec", "Scheduler", "lr_at", "validate_schedule"]


def _constant(base_lr, step):
    return base_lr


def _step(base_lr, step, step_size=30, gamma=0.1):
    return base_lr * gamma ** (step // step_size)


def _exponential(base_lr, step, gamma=0.99):
    return base_lr * gamma**step


def _cosine(base_lr, step, T_max=100, eta_min=0.0):  # noqa: N803 (torch's name)
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * step / T_max)) / 2


@dataclass(frozen=True)
class ScheduleSpec:
    """A registry entry: the closed form, a display name, a description, hyperparameters."""

    fn: Any
    display_name: str
    description: str
    hyperparameters: tuple[HyperParam, ...] = ()

    def defaults(self) -> dict[str, Any]:
        return {h.name: h.default for h in self.hyperparameters}


_GAMMA = "factor applied to the learning rate"

SCHEDULES: dict[str, ScheduleSpec] = {
    "constant": ScheduleSpec(_constant, "Constant", "The learning rate never changes."),
    "step": ScheduleSpec(
        _step,
        "Step decay",
        "Multiply the learning rate by gamma every step_size steps (StepLR).",
        (
            HyperParam("step_size", "int", 30, "steps between decays", 1, 1_000_000),
            HyperParam("gamma", "float", 0.1, _GAMMA + " at each decay", 0.0, 1.0, min_open=True),
        ),
    ),
    "exponential": ScheduleSpec(
        _exponential,
        "Exponential decay",
        "Multiply the learning rate by gamma every step (ExponentialLR).",
        (HyperParam("gamma", "float", 0.99, _GAMMA + " each step", 0.0, 1.0, min_open=True),),
    ),
    "cosine": ScheduleSpec(
        _cosine,
        "Cosine annealing",
        "Half a cosine from the learning rate down to eta_min over T_max steps "
        "(CosineAnnealingLR).",
        (
            HyperParam("T_max", "int", 100, "steps from the start to the minimum", 1, 1_000_000),
            HyperParam("eta_min", "float", 0.0, "the smallest learning rate", 0.0, 10.0),
        ),
    ),
}


def validate_schedule(kind: str, **hp: Any) -> dict[str, Any]:
    """Every hyperparameter of schedule `kind`, defaults filled in, checked against the registry."""
    key = str(kind).lower()
    spec = SCHEDULES.get(key)
    if spec is None:
        raise ValueError(f"unknown schedule '{kind}', use one of {', '.join(SCHEDULES)}")
    out = spec.defaults()
    known = {h.name: h for h in spec.hyperparameters}
    for k, v in hp.items():
        if k not in known:
            takes = ", ".join(known) or "no hyperparameters"
            raise ValueError(f"unknown hyperparameter '{k}' for schedule {key} (it takes {takes})")
        out[k] = known[k].check(v)
    return out


def lr_at(kind: str, base_lr: float | np.ndarray, step: int, **hp: Any) -> float | np.ndarray:
    """The learning rate after `step` optimizer steps under schedule `kind` (see module doc)."""
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")
    values = validate_schedule(kind, **hp)
    return SCHEDULES[str(kind).lower()].fn(base_lr, int(step), **values)


class Scheduler:
    """Sets `optimizer.hyperparameters["lr"]` from a schedule; call `.step()` after each
    optimizer step, as with torch's schedulers. The base learning rate is the optimizer's lr
    when the scheduler is made (a float, or an array with one lr per particle)."""

    def __init__(self, optimizer: Optimizer, kind: str = "constant", **hp: Any) -> None:
        self.kind = str(kind).lower()
        self.hyperparameters = validate_schedule(self.kind, **hp)
        self.optimizer = optimizer
        self.base_lr = optimizer.hyperparameters["lr"]
        self.last_step = 0
        self._fn = SCHEDULES[self.kind].fn

    @property
    def lr(self) -> float | np.ndarray:
        return self.optimizer.hyperparameters["lr"]

    def step(self) -> None:
        self.last_step += 1
        self.optimizer.hyperparameters["lr"] = self._fn(
            self.base_lr, self.last_step, **self.hyperparameters
        )
