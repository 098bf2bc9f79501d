"""Data problems from requests: datasets (generated or the user's), models and batch samplers."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.config import Settings
from app.problems.batching import BatchSampler
from app.problems.datasets import Dataset, blobs_2d, linear_1d, two_class_1d
from app.problems.models import DataProblem, LinearRegression, LogisticRegression, SoftmaxRegression
from app.web.errors import ApiError
from app.web.schemas import DataSpec

DEFAULT_N = {"linear": 50, "two_class": 60, "blobs": 150}
MIN_CLASSES, MAX_CLASSES = 2, 5
# Which task each model serves: the kind of targets it needs.
MODEL_KIND = {
    "linear": "regression",
    "logistic": "binary",
    "logistic_mse": "binary",
    "softmax": "multiclass",
}


def build_dataset(spec: DataSpec, model: str, settings: Settings) -> Dataset:
    max_rows = getattr(settings, "max_dataset_rows", 5000)
    if spec.generator is not None:
        n = spec.n or DEFAULT_N[spec.generator]
        if n > max_rows:
            raise ApiError(f"n must be at most {max_rows}, got {n}")
        if spec.generator == "linear":
            return linear_1d(n, spec.slope, spec.intercept, spec.noise, spec.outliers, spec.seed)
        if spec.generator == "two_class":
            return two_class_1d(n, spec.separation, spec.noise, spec.seed)
        return blobs_2d(n, spec.classes, spec.spread, spec.seed)
    kind = MODEL_KIND[model]
    n = len(spec.y)
    if len(spec.x) != n:
        raise ApiError(f"x has {len(spec.x)} values but y has {n}")
    if n > max_rows:
        raise ApiError(f"at most {max_rows} rows, got {n}")
    if n < 2:
        raise ApiError("need at least two rows of data")
    x = np.asarray(spec.x, dtype=np.float64)
    if not (np.abs(x) <= 1e6).all():
        raise ApiError("data values must be within ±1e6")
    if kind == "multiclass":
        if x.ndim != 2:
            raise ApiError(
                "softmax regression needs two input columns per row: x = [[x1, x2], ...]"
            )
        y, names = class_indices(spec.y)
        return Dataset(x, y, kind, ("x1", "x2"), classes=len(names), meta={"class_names": names})
    labels = [(i, v) for i, v in enumerate(spec.y) if isinstance(v, str)]
    if labels:
        i, v = labels[0]
        raise ApiError(
            f"row {i + 2}: '{v[:20]}' is not a number; the {model} model needs numeric y "
            "(text labels are classes: use softmax regression)",
            row=i + 2,
        )
    y = np.asarray(spec.y, dtype=np.float64)
    if not (np.abs(y) <= 1e6).all():
        raise ApiError("data values must be within ±1e6")
    if x.ndim != 1:
        raise ApiError(f"the {model} model takes one input column: x = [x, ...]")
    if kind == "binary":
        bad = np.flatnonzero(~np.isin(y, (0.0, 1.0)))
        if bad.size:
            i = int(bad[0])
            raise ApiError(
                f"row {i + 2}: y = {y[i]:g}, but yes/no targets must be 0 or 1 "
                "for logistic regression",
                row=i + 2,
            )
    return Dataset(x, y, kind, classes=2 if kind == "binary" else 0)


def class_indices(values: list) -> tuple[np.ndarray, list[str]]:
    """Class labels (whole numbers or text) as indices 0..k-1 in sorted label order.

    Refusals name the file row (data row i is row i + 2 under a header): a fractional or
    negative number, or more classes than MAX_CLASSES (naming where the extra one appears).
    """
    numeric = not any(isinstance(v, str) for v in values)
    if numeric:
        for i, v in enumerate(values):
            if not (v == round(v) and 0 <= v <= 1e6):
                raise ApiError(
                    f"row {i + 2}: class label {v:g} must be a whole number 0, 1, 2, ... "
                    "(or a word)",
                    row=i + 2,
                )
        keys = [int(v) for v in values]
    else:
        keys = [str(v) for v in values]
    first: dict = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
        if len(first) > MAX_CLASSES:
            raise ApiError(
                f"row {i + 2}: '{str(key)[:20]}' is class number {len(first)}; softmax "
                f"regression here takes {MIN_CLASSES} to {MAX_CLASSES} classes",
                row=i + 2,
            )
    if len(first) < MIN_CLASSES:
        raise ApiError(f"only one class ('{keys[0]}'): softmax regression needs 2 to 5 classes")
    order = sorted(first)
    index = {key: c for c, key in enumerate(order)}
    return np.array([index[k] for k in keys], dtype=np.int64), [str(k) for k in order]


def build_data_problem(
    spec: DataSpec, model: str, settings: Settings, losses: list[str | None] | None = None
) -> DataProblem:
    """The model on the data; `losses` (one per racer, None = the model's own) lets a
    logistic race carry BCE racers and their MSE twins together."""
    data = build_dataset(spec, model, settings)
    if data.kind != MODEL_KIND[model]:
        raise ApiError(f"the {model} model needs {MODEL_KIND[model]} data, not {data.kind}")
    given = [loss for loss in (losses or []) if loss is not None]
    if given and not model.startswith("logistic"):
        raise ApiError("a racer's 'loss' (bce or mse) applies to logistic regression only")
    if model == "linear":
        return LinearRegression(data)
    if model == "softmax":
        return SoftmaxRegression(data)
    own = "mse" if model == "logistic_mse" else "bce"
    racer_losses = [loss or own for loss in losses] if given else None
    return LogisticRegression(data, own, racer_losses)


def make_samplers(n: int, variants: list[tuple[str | None, Any]], seed: int) -> list[BatchSampler]:
    samplers = []
    for i, (variant, size) in enumerate(variants):
        if size is not None and (isinstance(size, bool) or not isinstance(size, int)):
            raise ApiError(f"optimizer {i + 1}: batch_size must be a whole number")
        if size is not None and variant != "minibatch":
            # Batch and stochastic fix their own size: a batch_size there is a client mistake.
            raise ApiError(f"optimizer {i + 1}: batch_size goes with variant 'minibatch'")
        try:
            samplers.append(BatchSampler(n, variant or "batch", size, seed=seed))
        except ValueError as exc:
            raise ApiError(f"optimizer {i + 1}: {exc}") from None
    return samplers


def data_problem_info(problem: DataProblem, model: str) -> dict[str, Any]:
    d = problem.data
    return {
        "model": model,
        "loss": problem.loss_name,
        "dim": problem.dim,
        "param_names": list(problem.param_names),
        "n": d.n,
        "kind": d.kind,
        "classes": d.classes,
        "losses": getattr(problem, "racer_losses", None),
    }


def dataset_payload(d: Dataset) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "n": d.n,
        "x": d.x.tolist(),
        "y": d.y.tolist(),
        "x_names": list(d.x_names),
        "y_name": d.y_name,
        "classes": d.classes,
        "class_names": d.meta.get("class_names"),
    }
