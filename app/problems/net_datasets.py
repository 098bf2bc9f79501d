"""Seeded 2D datasets for the network lab (classification and regression), split into train and test.

Every generator draws points in roughly [-3, 3]^2 and takes `noise` as the standard deviation of
Gaussian jitter in those units (added to the inputs for classification, to the target for
regression), so 0.5 blurs any boundary but keeps the shape recognisable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.problems.datasets import CsvError, Dataset, read_csv_table

HALF_WIDTH = 3.0  # the generators' inputs lie in about [-3, 3]^2
DOMAIN_PAD = 0.5  # heatmap margin around the data, in input units
MAX_CLASSES = 10


@dataclass(frozen=True)
class NetData:
    """A train/test split of one dataset, with the domain its heatmap covers."""

    train: Dataset
    test: Dataset
    kind: str  # "binary", "multiclass" or "regression"
    classes: int
    domain: tuple[tuple[float, float], tuple[float, float]]
    # Inputs enter the network as (x - shift) / scale: identity for the generators, the train
    # set's mean and standard deviation for CSV data, whose units can be anything.
    shift: tuple[float, float] = (0.0, 0.0)
    scale: tuple[float, float] = (1.0, 1.0)
    # A CSV file's text class labels, in class order (class k is class_names[k]).
    class_names: tuple[str, ...] | None = None


def _spread(rng: np.random.Generator, x: np.ndarray, noise: float) -> np.ndarray:
    return x + noise * rng.standard_normal(x.shape)


def circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 inside radius 1.2, class 0 on a ring from 1.8 to 2.8."""
    y = np.arange(n) % 2
    r = np.where(y == 1, rng.uniform(0.0, 1.2, n), rng.uniform(1.8, 2.8, n))
    t = rng.uniform(0.0, 2 * np.pi, n)
    return _spread(rng, np.stack([r * np.cos(t), r * np.sin(t)], axis=1), noise), y


def xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 where x1 and x2 have the same sign; points keep 0.3 off the axes, as Playground."""
    y = np.arange(n) % 2
    s1 = rng.choice([-1.0, 1.0], n)
    signs = np.stack([s1, np.where(y == 1, s1, -s1)], axis=1)
    x = rng.uniform(0.3, HALF_WIDTH, (n, 2)) * signs
    return _spread(rng, x, noise), y


def gaussians(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two round Gaussian clouds (std 0.6) around (1.5, 1.5) and (-1.5, -1.5)."""
    y = np.arange(n) % 2
    centres = np.where(y[:, None] == 1, 1.5, -1.5)
    return _spread(rng, centres + 0.6 * rng.standard_normal((n, 2)), noise), y


def _arms(n: int, arms: int, noise: float, rng: np.random.Generator):
    y = np.arange(n) % arms
    s = rng.uniform(0.0, 1.0, n)
    r = 0.2 + 2.8 * s
    # 1.75 turns per arm, as in TensorFlow Playground's spiral.
    t = 1.75 * 2 * np.pi * s + 2 * np.pi * y / arms
    return _spread(rng, np.stack([r * np.cos(t), r * np.sin(t)], axis=1), noise), y


def spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved arms, 1.75 turns each, radius 0.2 to 3."""
    return _arms(n, 2, noise, rng)


def spiral3(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three interleaved arms, 120 degrees apart."""
    return _arms(n, 3, noise, rng)


def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's make_moons), scaled by 1.6 and centred."""
    y = np.arange(n) % 2
    t = rng.uniform(0.0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    x = np.where(y[:, None] == 0, upper, lower)
    return _spread(rng, 1.6 * (x - [0.5, 0.25]), noise), y


def blobs3(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian clouds (std 0.6) on a circle of radius 2, 120 degrees apart."""
    y = np.arange(n) % 3
    a = np.pi / 2 + 2 * np.pi * y / 3
    centres = 2.0 * np.stack([np.cos(a), np.sin(a)], axis=1)
    return _spread(rng, centres + 0.6 * rng.standard_normal((n, 2)), noise), y


def plane(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Regression: y = 0.5 x1 - 0.3 x2, plus noise on y."""
    x = rng.uniform(-HALF_WIDTH, HALF_WIDTH, (n, 2))
    return x, 0.5 * x[:, 0] - 0.3 * x[:, 1] + noise * rng.standard_normal(n)


def sine(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Regression: y = sin(x1) cos(x2 / 2), plus noise on y."""
    x = rng.uniform(-HALF_WIDTH, HALF_WIDTH, (n, 2))
    return x, np.sin(x[:, 0]) * np.cos(x[:, 1] / 2) + noise * rng.standard_normal(n)


Generator = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]
# id -> (generator, task, classes)
GENERATORS: dict[str, tuple[Generator, str, int]] = {
    "circle": (circle, "binary", 2),
    "xor": (xor, "binary", 2),
    "gaussians": (gaussians, "binary", 2),
    "spiral": (spiral, "binary", 2),
    "moons": (moons, "binary", 2),
    "blobs3": (blobs3, "multiclass", 3),
    "spiral3": (spiral3, "multiclass", 3),
    "plane": (plane, "regression", 0),
    "sine": (sine, "regression", 0),
}
DATASET_IDS = (*GENERATORS, "csv")


def _streams(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    # Independent streams for the points and the split, so changing the split keeps the points.
    a, b = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(a), np.random.default_rng(b)


def split(
    x: np.ndarray,
    y: np.ndarray,
    kind: str,
    classes: int,
    test_fraction: float,
    rng: np.random.Generator,
    names: tuple[str, ...] | None = None,
    standardise: bool = False,
) -> NetData:
    """Shuffle and split into train and test (each keeps at least one point)."""
    n = len(y)
    n_test = min(n - 1, max(1, int(round(n * test_fraction))))
    perm = rng.permutation(n)
    te, tr = perm[:n_test], perm[n_test:]
    names = names or ("x1", "x2")
    y = y.astype(np.int64) if kind != "regression" else y.astype(np.float64)
    train = Dataset(x[tr], y[tr], kind, names, classes=classes)
    test = Dataset(x[te], y[te], kind, names, classes=classes)
    lo, hi = x.min(axis=0), x.max(axis=0)
    # CSV data has its own units: a margin of 5% of its range instead of half a unit.
    pad = np.maximum(hi - lo, 1e-9) * 0.05 if standardise else DOMAIN_PAD
    lo, hi = lo - pad, hi + pad
    domain = ((float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1])))
    if not standardise:
        return NetData(train, test, kind, classes, domain)
    mu, sd = x[tr].mean(axis=0), x[tr].std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return NetData(
        train,
        test,
        kind,
        classes,
        domain,
        (float(mu[0]), float(mu[1])),
        (float(sd[0]), float(sd[1])),
    )


def generate(name: str, n: int, noise: float, test_fraction: float, seed: int) -> NetData:
    """A generated dataset by id, seeded: same arguments, same points and split."""
    if name not in GENERATORS:
        raise ValueError(f"unknown dataset '{name}', use one of {', '.join(DATASET_IDS)}")
    fn, kind, classes = GENERATORS[name]
    points_rng, split_rng = _streams(seed)
    x, y = fn(n, noise, points_rng)
    return split(x, y, kind, classes, test_fraction, split_rng)


def from_csv(
    text: str,
    x_cols: list[str],
    y_col: str,
    test_fraction: float,
    seed: int,
    max_rows: int,
    max_bytes: int,
) -> NetData:
    """Two input columns and a target from CSV text; CsvError names what is wrong.

    A text target column holds class labels (sorted, numbered from 0). Numeric targets that are
    all whole numbers 0..K-1 (2 <= K <= 10) are class labels too (binary for K = 2, multiclass
    otherwise); anything else is a regression target. The network sees the inputs standardised.
    """
    table = read_csv_table(text.encode("utf-8"), max_rows=max_rows, max_bytes=max_bytes)
    names = table.names
    if len(x_cols) != 2:
        raise CsvError("choose exactly two input columns for x")
    for col in (*x_cols, y_col):
        if col not in names:
            raise CsvError(f"no column named '{col}': the columns are {', '.join(names)}", row=1)
    if y_col in x_cols or x_cols[0] == x_cols[1]:
        raise CsvError("the two inputs and the target must be three different columns", row=1)
    xi = [names.index(c) for c in x_cols]
    for c in xi:
        if c in table.labels:
            raise CsvError(f"input column '{names[c]}' holds text: inputs must be numbers", row=2)
    x = table.values[:, xi]
    yi = names.index(y_col)
    if not (np.abs(x) <= 1e6).all():
        raise CsvError("input values must be within ±1e6")
    if yi in table.labels:
        labels = sorted(set(table.labels[yi]))
        y = np.array([labels.index(v) for v in table.labels[yi]], dtype=np.float64)
    else:
        y = table.values[:, yi]
        if not (np.abs(y) <= 1e6).all():
            raise CsvError("target values must be within ±1e6")
    whole = np.array_equal(y, np.round(y)) and y.min() >= 0
    k = int(y.max()) + 1 if whole else 0
    if whole and 2 <= k <= MAX_CLASSES and len(np.unique(y)) == k:
        kind, classes = ("binary" if k == 2 else "multiclass"), k
    elif yi in table.labels:
        raise CsvError(f"a text target needs 2 to {MAX_CLASSES} classes, got {len(labels)}")
    else:
        kind, classes = "regression", 0
    _, split_rng = _streams(seed)
    data = split(x, y, kind, classes, test_fraction, split_rng, tuple(x_cols), standardise=True)
    if yi in table.labels:
        data = dataclasses.replace(data, class_names=tuple(labels))
    return data
