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
    x, y = np.asarray(spec.x, dtype=np.float64), np.asarray(spec.y, dtype=np.float64)
    if len(x) != len(y):
        raise ApiError(f"x has {len(x)} values but y has {len(y)}")
    if len(y) > max_rows:
        raise ApiError(f"at most {max_rows} rows, got {len(y)}")
    if len(y) < 2:
        raise ApiError("need at least two rows of data")
    if not (np.abs(x) <= 1e6).all() or not (np.abs(y) <= 1e6).all():
        raise ApiError("data values must be within ±1e6")
    kind = MODEL_KIND[model]
    if kind == "multiclass":
        if x.ndim != 2:
            raise ApiError(
                "softmax regression needs two input columns per row: x = [[x1, x2], ...]"
            )
        if not np.array_equal(y, np.round(y)) or y.min() < 0:
            raise ApiError("class labels must be whole numbers 0, 1, 2, ...")
        classes = int(y.max()) + 1
        if not 2 <= classes <= 10:
            raise ApiError(f"between 2 and 10 classes, got {classes}")
        return Dataset(x, y.astype(np.int64), kind, ("x1", "x2"), classes=classes)
    if x.ndim != 1:
        raise ApiError(f"the {model} model takes one input column: x = [x, ...]")
    if kind == "binary" and not np.isin(y, (0.0, 1.0)).all():
        raise ApiError("yes/no targets must be 0 or 1 for logistic regression")
    return Dataset(x, y, kind, classes=2 if kind == "binary" else 0)


def build_data_problem(spec: DataSpec, model: str, settings: Settings) -> DataProblem:
    data = build_dataset(spec, model, settings)
    if data.kind != MODEL_KIND[model]:
        raise ApiError(f"the {model} model needs {MODEL_KIND[model]} data, not {data.kind}")
    if model == "linear":
        return LinearRegression(data)
    if model == "softmax":
        return SoftmaxRegression(data)
    return LogisticRegression(data, "mse" if model == "logistic_mse" else "bce")


def make_samplers(n: int, variants: list[tuple[str | None, Any]], seed: int) -> list[BatchSampler]:
    samplers = []
    for i, (variant, size) in enumerate(variants):
        if size is not None and (isinstance(size, bool) or not isinstance(size, int)):
            raise ApiError(f"optimizer {i + 1}: batch_size must be a whole number")
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
    }
