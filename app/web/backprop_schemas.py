"""Request models of the backprop lab: the network, its numbers, and what to compute."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# Every number a student types is bounded: sigmoid and tanh saturate long before 100.
Bounded = Annotated[float, Field(strict=True, ge=-100, le=100)]
# A tiny batch: every node shows one number per example, which must fit in its box.
MAX_BATCH = 3
# Parameters get more room: training may carry them past what a student would type.
ParamValue = Annotated[float, Field(strict=True, ge=-10_000, le=10_000)]


class BackpropRequest(BaseModel):
    """A tiny network with one training example; params default to the network's own."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    network: Literal["neuron", "mlp", "softmax"] = "mlp"
    activation: Literal["sigmoid", "tanh"] = "sigmoid"
    loss: Literal["mse", "bce"] = Field("mse", description="ignored by softmax (cross-entropy)")
    x: tuple[Bounded, Bounded] = (0.5, 1.0)
    target: Bounded = Field(1.0, description="y; the class, 0 or 1, for softmax")
    examples: list[tuple[Bounded, Bounded, Bounded]] | None = Field(
        None,
        min_length=1,
        max_length=MAX_BATCH,
        description="a tiny batch of (x1, x2, y) rows, in place of x and target",
    )
    params: dict[str, ParamValue] | None = Field(None, max_length=16)
    lr: float = Field(0.5, gt=0, le=10)


class TrainRequest(BackpropRequest):
    steps: int = Field(10, ge=1, description="at most Settings.max_backprop_steps")


class LandscapeRequest(BackpropRequest):
    axes: tuple[str, str] = Field(("w11", "w12"), description="two parameter names")
    n: int = Field(41, ge=5, le=101)
    span: float = Field(2.0, gt=0, le=20)
    center: tuple[Bounded, Bounded] | None = Field(None, description="default: the axes' values")
