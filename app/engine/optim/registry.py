"""OPTIMIZERS: the single source of optimizer names, hyperparameters and bounds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.engine.optim.adam_family import Adam, AdamW, NAdam
from app.engine.optim.base import Optimizer
from app.engine.optim.sgd_family import SGD, Adadelta, Adagrad, RMSprop

HYPER_TYPES = ("float", "int", "bool", "pair")


@dataclass(frozen=True)
class HyperParam:
    """One hyperparameter: torch's name, its type, default and allowed range.

    type is "float", "int", "bool" or "pair" (two floats, e.g. betas; min/max apply to each).
    Bounds are closed unless min_open / max_open; bool hyperparameters have no bounds. `log`
    hints that a slider should move on a log scale.
    """

    name: str
    type: str
    default: Any
    description: str
    min: float | None = None
    max: float | None = None
    min_open: bool = False
    max_open: bool = False
    log: bool = False

    def as_dict(self) -> dict[str, Any]:
        default = list(self.default) if isinstance(self.default, tuple) else self.default
        return {
            "name": self.name,
            "type": self.type,
            "default": default,
            "min": self.min,
            "max": self.max,
            "min_open": self.min_open,
            "max_open": self.max_open,
            "log": self.log,
            "description": self.description,
        }

    def bounds_text(self) -> str:
        lo = f"> {self.min:g}" if self.min_open else f">= {self.min:g}"
        hi = f"< {self.max:g}" if self.max_open else f"<= {self.max:g}"
        return f"must be {lo} and {hi}"

    def check(self, value: Any) -> Any:
        """The value coerced to its type (float, int, bool, tuple, or float64 array for
        particles); ValueError naming the hyperparameter if it is of the wrong kind or range."""
        if self.type == "bool":
            if isinstance(value, bool | np.bool_):
                return bool(value)
            raise ValueError(f"{self.name} must be true or false, got {value!r}")
        if self.type == "pair":
            if isinstance(value, str | bytes) or not hasattr(value, "__len__") or len(value) != 2:
                raise ValueError(f"{self.name} must be a pair of numbers, got {value!r}")
            return tuple(self._number(v, f"{self.name}[{k}]") for k, v in enumerate(value))
        return self._number(value, self.name)

    def _number(self, value: Any, label: str) -> Any:
        if isinstance(value, bool | np.bool_) or not isinstance(
            value, int | float | np.integer | np.floating | np.ndarray
        ):
            raise ValueError(f"{label} must be a number, got {value!r}")
        arr = np.asarray(value)
        if arr.dtype.kind not in "iuf":
            raise ValueError(f"{label} must be a number, got {value!r}")
        if not np.isfinite(arr).all():
            raise ValueError(f"{label} must be a finite number, got {value!r}")
        if self.type == "int" and not np.array_equal(arr, np.round(arr)):
            raise ValueError(f"{label} must be a whole number, got {value!r}")
        too_low = arr <= self.min if self.min_open else arr < self.min
        too_high = arr >= self.max if self.max_open else arr > self.max
        if np.any(too_low) or np.any(too_high):
            bad = value if arr.ndim == 0 else arr[too_low | too_high].ravel()[0]
            shown = f"{bad:g}" if isinstance(bad, int | float | np.number) else repr(bad)
            raise ValueError(f"{label} {self.bounds_text()}, got {shown}")
        if isinstance(value, np.ndarray) and value.ndim > 0:
            return arr.astype(np.float64)
        return int(arr) if self.type == "int" else float(arr)


@dataclass(frozen=True)
class OptimizerSpec:
    """A registry entry: the class, its display name, a one-line description and its
    hyperparameters in torch's constructor order."""

    cls: type[Optimizer]
    display_name: str
    description: str
    hyperparameters: tuple[HyperParam, ...] = field(default_factory=tuple)

    def defaults(self) -> dict[str, Any]:
        return {h.name: h.default for h in self.hyperparameters}

    def hyperparameter(self, name: str) -> HyperParam | None:
        return next((h for h in self.hyperparameters if h.name == name), None)


def _lr(default: float) -> HyperParam:
    return HyperParam("lr", "float", default, "learning rate", 0.0, 10.0, min_open=True, log=True)


def _eps(default: float) -> HyperParam:
    return HyperParam(
        "eps",
        "float",
        default,
        "added to the denominator for stability",
        0.0,
        1.0,
        min_open=True,
        log=True,
    )


def _wd(default: float = 0.0, text: str = "L2 penalty added to the gradient") -> HyperParam:
    return HyperParam("weight_decay", "float", default, text, 0.0, 1.0)


def _momentum(text: str) -> HyperParam:
    return HyperParam("momentum", "float", 0.0, text, 0.0, 1.0, max_open=True)


_BETAS = HyperParam(
    "betas",
    "pair",
    (0.9, 0.999),
    "decay rates of the running means of the gradient and its square",
    0.0,
    1.0,
    max_open=True,
)


OPTIMIZERS: dict[str, OptimizerSpec] = {
    "sgd": OptimizerSpec(
        SGD,
        "SGD",
        "Gradient descent, optionally with (Nesterov) momentum.",
        (
            _lr(1e-3),
            _momentum("momentum factor"),
            HyperParam("dampening", "float", 0.0, "dampening of the momentum", 0.0, 1.0),
            _wd(),
            HyperParam("nesterov", "bool", False, "use Nesterov momentum"),
            HyperParam("maximize", "bool", False, "ascend instead of descend"),
        ),
    ),
    "adagrad": OptimizerSpec(
        Adagrad,
        "Adagrad",
        "Per-coordinate steps shrink with the sum of all past squared gradients.",
        (
            _lr(1e-2),
            HyperParam("lr_decay", "float", 0.0, "learning-rate decay per step", 0.0, 1.0),
            _wd(),
            HyperParam(
                "initial_accumulator_value",
                "float",
                0.0,
                "starting value of the squared-gradient sum",
                0.0,
                10.0,
            ),
            _eps(1e-10),
        ),
    ),
    "rmsprop": OptimizerSpec(
        RMSprop,
        "RMSprop",
        "Per-coordinate steps divided by a running RMS of the gradient.",
        (
            _lr(1e-2),
            HyperParam(
                "alpha",
                "float",
                0.99,
                "decay rate of the squared-gradient average",
                0.0,
                1.0,
                max_open=True,
            ),
            _eps(1e-8),
            _wd(),
            _momentum("momentum factor"),
            HyperParam("centered", "bool", False, "divide by the variance, not the raw RMS"),
        ),
    ),
    "adam": OptimizerSpec(
        Adam,
        "Adam",
        "Momentum plus RMS scaling, with bias correction.",
        (
            _lr(1e-3),
            _BETAS,
            _eps(1e-8),
            _wd(),
            HyperParam("amsgrad", "bool", False, "divide by the largest RMS seen so far"),
        ),
    ),
    "adamw": OptimizerSpec(
        AdamW,
        "AdamW",
        "Adam with decoupled weight decay.",
        (
            _lr(1e-3),
            _BETAS,
            _eps(1e-8),
            _wd(1e-2, "decoupled decay: the parameter shrinks by lr * weight_decay per step"),
            HyperParam("amsgrad", "bool", False, "divide by the largest RMS seen so far"),
        ),
    ),
    "nadam": OptimizerSpec(
        NAdam,
        "NAdam",
        "Adam with Nesterov momentum.",
        (
            _lr(2e-3),
            _BETAS,
            _eps(1e-8),
            _wd(),
            HyperParam("momentum_decay", "float", 4e-3, "how fast the momentum warms up", 0.0, 1.0),
        ),
    ),
    "adadelta": OptimizerSpec(
        Adadelta,
        "Adadelta",
        "Steps scaled by the ratio of running RMS of updates and of gradients.",
        (
            HyperParam(
                "lr",
                "float",
                1.0,
                "coefficient applied to the delta",
                0.0,
                10.0,
                min_open=True,
                log=True,
            ),
            HyperParam("rho", "float", 0.9, "decay rate of the running averages", 0.0, 1.0),
            _eps(1e-6),
            _wd(),
        ),
    ),
}


def validate_hyperparameters(name: str, **hp: Any) -> dict[str, Any]:
    """Every hyperparameter of optimizer `name`, defaults filled in, values checked and coerced.

    ValueError with a message meant for people: "unknown optimizer 'x', use one of ...",
    "unknown hyperparameter 'betas1' for adam", "lr must be > 0 and <= 10, got -1".
    """
    key = str(name).lower()
    spec = OPTIMIZERS.get(key)
    if spec is None:
        raise ValueError(f"unknown optimizer '{name}', use one of {', '.join(OPTIMIZERS)}")
    out = spec.defaults()
    for k, v in hp.items():
        h = spec.hyperparameter(k)
        if h is None:
            known = ", ".join(h.name for h in spec.hyperparameters)
            raise ValueError(f"unknown hyperparameter '{k}' for {key} (it takes {known})")
        out[k] = h.check(v)
    # Rules that tie hyperparameters together (SGD's nesterov needs momentum > 0) live in each
    # class's constructor; building one over a placeholder parameter applies them here too.
    spec.cls([_PLACEHOLDER], **out)
    return out


# Constructors only store their parameters; none is read before the first step.
_PLACEHOLDER = object()


def make_optimizer(name: str, params: Iterable[Any], **hp: Any) -> Optimizer:
    """The optimizer `name` (a key of OPTIMIZERS, any case) over `params`, after validating
    every hyperparameter against the registry's types and bounds (ValueError otherwise)."""
    values = validate_hyperparameters(name, **hp)
    return OPTIMIZERS[str(name).lower()].cls(params, **values)
