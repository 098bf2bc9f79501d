"""Pydantic request models; limits that depend on Settings are checked in builders.py."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)


class SurfaceSpec(BaseModel):
    """A catalog function by id, or the user's own formula f(x, y)."""

    model_config = _STRICT
    function: str | None = Field(None, max_length=64, examples=["rosenbrock"])
    # The real limit (200 by default) is checked later so the refusal can say where it failed.
    expression: str | None = Field(None, max_length=20_000, examples=["x**2 + 3*sin(y)"])

    @model_validator(mode="after")
    def _exactly_one(self) -> SurfaceSpec:
        if (self.function is None) == (self.expression is None):
            raise ValueError("give exactly one of 'function' or 'expression'")
        return self


def _check_hyper_value(name: str, value: Any) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError(f"hyperparameter '{name}' must be a finite number")
        return
    if isinstance(value, list) and len(value) == 2:
        for v in value:
            _check_hyper_value(name, v)
            if isinstance(v, bool):
                raise ValueError(f"hyperparameter '{name}' must be two numbers")
        return
    raise ValueError(f"hyperparameter '{name}' must be a number, a boolean or a pair of numbers")


class OptimizerConfig(BaseModel):
    """An optimizer id plus any of its torch.optim-named hyperparameters."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)
    name: str = Field(max_length=32, examples=["adam"])

    @model_validator(mode="after")
    def _values(self) -> OptimizerConfig:
        extra = self.model_extra or {}
        if len(extra) > 12:
            raise ValueError("too many hyperparameters")
        for key, value in extra.items():
            if len(key) > 32:
                raise ValueError("hyperparameter names are at most 32 characters")
            _check_hyper_value(key, value)
        return self

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, **(self.model_extra or {})}


class RunRequest(BaseModel):
    """One surface, one start, one or more optimizers, a step budget."""

    model_config = _STRICT
    surface: SurfaceSpec
    start: tuple[float, float] | None = Field(None, examples=[[-1.5, 2.0]])
    steps: int = Field(200, ge=1, examples=[200])
    optimizers: list[OptimizerConfig] = Field(min_length=1, max_length=64)


class StartMessage(RunRequest):
    """WebSocket `start`: a run request plus pacing."""

    type: str
    steps_per_second: float | None = Field(None, gt=0)
    paused: bool = False
