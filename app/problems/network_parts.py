"""The network lab's vocabulary: input features, activations, losses per task, and why a mismatch."""

from __future__ import annotations

import base64
from collections.abc import Callable

import numpy as np

from app.engine import Tensor
from app.engine import functional as F

# Each feature maps raw inputs (N, 2) to one column; the page shows them as input neurons.
FEATURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x1": lambda x: x[:, 0],
    "x2": lambda x: x[:, 1],
    "x1sq": lambda x: x[:, 0] ** 2,
    "x2sq": lambda x: x[:, 1] ** 2,
    "x1x2": lambda x: x[:, 0] * x[:, 1],
    "sin_x1": lambda x: np.sin(x[:, 0]),
    "sin_x2": lambda x: np.sin(x[:, 1]),
}

LEAKY_SLOPE = 0.01  # torch.nn.LeakyReLU's default

ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "tanh": F.tanh,
    "relu": F.relu,
    "sigmoid": F.sigmoid,
    "leaky_relu": lambda t: F.leaky_relu(t, LEAKY_SLOPE),
    "linear": lambda t: t,
}

# ReLU-like units start from He (Kaiming) normal weights, the others from Xavier (Glorot) uniform.
INIT = {"tanh": "xavier", "sigmoid": "xavier", "linear": "xavier", "relu": "he", "leaky_relu": "he"}

LOSSES = ("mse", "bce", "ce")
DEFAULT_LOSS = {"binary": "bce", "multiclass": "ce", "regression": "mse"}


def feature_matrix(x: np.ndarray, names: list[str] | tuple[str, ...]) -> np.ndarray:
    """Raw inputs (N, 2) -> the chosen features (N, F), float64."""
    return np.stack([FEATURES[f](x) for f in names], axis=1).astype(np.float64)


def output_units(task: str, classes: int, loss: str) -> int:
    """One unit for a yes/no sigmoid or a regression value; one per class for softmax or
    one-vs-rest outputs (and two for categorical cross-entropy on a binary task)."""
    if task == "regression":
        return 1
    if task == "binary":
        return 2 if loss == "ce" else 1
    return classes


def loss_note(task: str, loss: str, classes: int) -> str | None:
    """Why a loss that does not match the task is allowed, and what to expect; None if it fits."""
    if task == "regression" and loss != "mse":
        raise ValueError(
            f"loss '{loss}' needs class labels: a regression target takes mse (mean squared error)"
        )
    if loss == DEFAULT_LOSS[task]:
        return None
    if loss == "mse":
        return (
            "MSE on a classification task: the predicted probabilities are compared with 0/1 "
            "targets by squared error. It is allowed and it trains, but when the network is "
            "confidently wrong the sigmoid/softmax saturates and the gradient almost vanishes, "
            "so learning is slower than with cross-entropy. With several classes the squared "
            "errors are averaged over all n × C outputs (as PyTorch's mse_loss does): the "
            "course's 1/n Σ, divided by the number of classes C."
        )
    if loss == "ce":
        return (
            "Categorical cross-entropy on two classes: two output neurons with softmax. It is "
            "equivalent to binary cross-entropy with one sigmoid output, with one extra set of "
            "weights."
        )
    return (
        f"Binary cross-entropy on {classes} classes: each class gets its own yes/no sigmoid "
        "output (one-vs-rest). It trains, but the outputs need not sum to 1, unlike softmax "
        "with categorical cross-entropy. The loss is the mean over all n × C outputs."
    )


def one_hot(y: np.ndarray, k: int, dtype=np.float64) -> np.ndarray:
    out = np.zeros((len(y), k), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out


def packed(arr: np.ndarray) -> dict:
    """Plotly's typed-array form of a float32 grid, as app/web/wire.typed_array writes it (the
    problem layer cannot import the web layer; tests/problems/test_networks.py checks they agree)."""
    data = np.ascontiguousarray(arr, dtype="<f4")
    return {
        "dtype": "f4",
        "bdata": base64.b64encode(data.tobytes()).decode("ascii"),
        "shape": list(data.shape),
    }
