"""Pydantic request models; limits that depend on Settings are checked in builders.py."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.web.network_schemas import MAX_PARAMETERS, NetworkSpec

_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
# A float that refuses booleans and strings (integers are fine: JSON does not tell them apart).
StrictNumber = Annotated[float, Field(strict=True)]


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
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an integer beyond float range, such as 10**400 in the JSON
            finite = False
        if not finite:
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
            if key == "variant":
                # Not a hyperparameter: which examples each step sees (regression lab).
                if value not in ("batch", "stochastic", "minibatch"):
                    raise ValueError("variant must be 'batch', 'stochastic' or 'minibatch'")
                continue
            if key == "loss":
                # Not a hyperparameter: the racer's own loss (the logistic model's MSE twin).
                if value not in ("bce", "mse"):
                    raise ValueError("loss must be 'bce' or 'mse'")
                continue
            _check_hyper_value(key, value)
        return self

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, **(self.model_extra or {})}


class DataSpec(BaseModel):
    """Generated data (a generator and its settings) or the user's own numbers (x and y)."""

    model_config = _STRICT
    generator: Literal["linear", "two_class", "blobs"] | None = None
    n: int | None = Field(None, ge=2, examples=[50])
    seed: int = Field(0, ge=0, le=2**32 - 1)
    slope: float = Field(2.0, ge=-100, le=100)
    intercept: float = Field(1.0, ge=-100, le=100)
    noise: float = Field(0.5, ge=0, le=100)
    outliers: bool = False
    separation: float = Field(2.0, ge=0, le=100)
    classes: int = Field(3, ge=3, le=5)
    spread: float = Field(0.8, gt=0, le=10)
    # The user's own data (from a CSV they loaded): inputs x (numbers, or [x1, x2] pairs)
    # and targets y; limits on their size are checked against Settings.
    x: list[StrictNumber] | list[tuple[StrictNumber, StrictNumber]] | None = None
    # Targets: numbers, or text class labels for softmax regression (mapped to classes).
    y: list[StrictNumber] | list[Annotated[str, Field(max_length=64)]] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> DataSpec:
        if (self.generator is None) == (self.x is None and self.y is None):
            raise ValueError("give either 'generator' or both 'x' and 'y'")
        if self.generator is None and (self.x is None or self.y is None):
            raise ValueError("give both 'x' and 'y'")
        return self


class RunRequest(BaseModel):
    """A problem (a surface, or data with a model), a start, optimizers, a step budget."""

    model_config = _STRICT
    surface: SurfaceSpec | None = None
    data: DataSpec | None = None
    model: Literal["linear", "logistic", "logistic_mse", "softmax"] | None = None
    network: NetworkSpec | None = None
    # Strict: a boolean or a numeric string is a client bug, not a coordinate or a count.
    # A network's start is its flat parameter vector, hence the long limit.
    start: list[StrictNumber] | None = Field(
        None, max_length=MAX_PARAMETERS, examples=[[-1.5, 2.0]]
    )
    steps: int = Field(200, ge=1, strict=True, examples=[200])
    optimizers: list[OptimizerConfig] = Field(min_length=1, max_length=64)

    @model_validator(mode="after")
    def _one_problem(self) -> RunRequest:
        given = [k for k in ("surface", "data", "network") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'surface', 'data' or 'network'")
        if self.data is not None and self.model is None:
            raise ValueError("'data' needs a 'model': linear, logistic, logistic_mse or softmax")
        if self.data is None and self.model is not None:
            raise ValueError("'model' goes with 'data' only")
        return self


class StartMessage(RunRequest):
    """WebSocket `start`: a run request plus pacing."""

    type: str
    steps_per_second: float | None = Field(None, gt=0, strict=True)
    paused: bool = Field(False, strict=True)


# Response models. Routes return WireResponse directly (no re-validation, the one encoder), so
# these only describe the responses in the OpenAPI schema; tests/web/test_schema.py checks
# every response against them. Non-finite numbers travel as null, hence `float | None`.

Pair = Annotated[list[float], Field(min_length=2, max_length=2)]
Status = Literal["running", "converged", "diverged", "budget", "stopped"]


class ErrorResponse(BaseModel):
    """A refusal: a plain-language `detail`; formula errors add the 1-based `column`."""

    detail: str
    column: int | None = None
    # A stable name for the refusal and its numbers, so the page can say it in Indonesian.
    code: str | None = None
    params: dict[str, str | int] | None = None


class HealthResponse(BaseModel):
    status: Literal["ok"]


class SurfaceInfo(BaseModel):
    """A surface as the page shows it; custom formulas have no id, minima or note."""

    id: str | None
    name: str
    formula: str
    expression: str
    domain: Annotated[list[Pair], Field(min_length=2, max_length=2)]
    minima: list[Pair]
    min_value: float | None
    start: Pair
    log_scale: bool | None
    note: str | None
    note_key: str | None = None  # catalog key of the note in the page's language


class HyperparameterInfo(BaseModel):
    name: str
    type: Literal["float", "bool", "pair"]
    default: bool | float | Pair
    min: float | None
    max: float | None
    min_open: bool
    max_open: bool
    log: bool
    description: str


class OptimizerInfo(BaseModel):
    id: str
    name: str
    description: str
    hyperparameters: list[HyperparameterInfo]


class TypedArray(BaseModel):
    """Plotly's typed-array form: base64 of little-endian values, with dtype and shape."""

    dtype: Literal["f4", "f8", "i4", "u1"]
    bdata: str
    shape: list[int]


class LandscapeResponse(BaseModel):
    surface: SurfaceInfo
    domain: Annotated[list[Pair], Field(min_length=2, max_length=2)]
    n: int
    x: TypedArray
    y: TypedArray
    z: TypedArray
    zmin: float | None
    zmax: float | None
    nonfinite: int
    log: bool
    levels: list[float]


Vector = list[float | None]


class RacerRun(BaseModel):
    """One racer's whole trajectory, with every hyperparameter it used (one row per step)."""

    i: int
    optimizer: dict[str, Any]
    label: str
    status: Status
    stopped_at: int | None
    reason: str | None
    steps: int
    points: list[Vector]
    losses: list[float | None]
    # Network runs leave these out (thousands of parameters per step); other labs send them.
    grads: list[Vector] = []
    updates: list[Vector] = []
    velocity: list[Vector] = []
    scale: list[Vector] = []


class RunResponse(BaseModel):
    """A surface run says `surface`; a data run says `problem` (model, loss, parameters)."""

    surface: SurfaceInfo | None = None
    problem: dict[str, Any] | None = None
    start: list[float]
    steps: int
    runs: list[RacerRun]
