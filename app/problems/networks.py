"""Small fully connected networks on 2D data as run problems: flat parameters per particle.

theta has shape (P, D): P particles (racers, or landscape grid points), each the flat vector of
every layer's weights W_l (in, out), row-major, then its bias b_l (out,). The forward pass is a
batched matmul over particles through the engine, so one backward gives every racer's gradient.
The loss is the mean per-example data loss plus l1 * sum|W| + l2 * sum W^2 over the weights
(biases are not regularised, as in TensorFlow Playground and most textbooks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.engine import Tensor, no_grad
from app.engine import functional as F
from app.engine.losses import binary_cross_entropy_with_logits, cross_entropy, mse_loss
from app.problems.net_datasets import NetData
from app.problems.network_parts import (
    ACTIVATIONS,
    DEFAULT_LOSS,
    FEATURES,
    INIT,
    LOSSES,
    feature_matrix,
    loss_note,
    one_hot,
    output_units,
)
from app.problems.network_views import HEATMAP_N, NetworkViews

# Elements per (chunk, N, width) temporary when evaluating many particles without gradients:
# about 1 MB in float64, which stays in cache here (see DESIGN.md section 6).
CHUNK_ELEMENTS = 131_072


@dataclass(frozen=True)
class Slot:
    """One parameter tensor's place in the flat vector."""

    name: str
    kind: str  # "weight" or "bias"
    layer: int  # 1-based
    shape: tuple[int, ...]
    offset: int
    size: int

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "layer": self.layer,
            "shape": list(self.shape),
            "offset": self.offset,
        }


class NetworkProblem(NetworkViews):
    """An MLP on a train/test split: losses and gradients here; heatmaps, metrics and frame
    extras from NetworkViews (app/problems/network_views.py)."""

    # Frames of networks leave out the per-parameter grad/update/velocity/scale (Run in
    # app/runs.py skips them in records; frame_of in app/run_output.py in frames).
    light_frames = True

    def __init__(
        self,
        data: NetData,
        features: list[str] | tuple[str, ...] = ("x1", "x2"),
        hidden: list[int] | tuple[int, ...] = (8, 8),
        activation: str = "tanh",
        loss: str | None = None,
        l1: float = 0.0,
        l2: float = 0.0,
        heatmap_every: int = 10,
        heatmap_n: int = HEATMAP_N,
    ) -> None:
        bad = [f for f in features if f not in FEATURES]
        if bad or not features:
            raise ValueError(f"features must be some of {', '.join(FEATURES)}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}")
        if loss is not None and loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}")
        self.data = data
        self.task, self.classes = data.kind, data.classes
        self.features, self.hidden = list(features), [int(h) for h in hidden]
        self.activation = activation
        self.loss_default = DEFAULT_LOSS[self.task]
        self.loss_name = loss or self.loss_default
        self.loss_note = loss_note(self.task, self.loss_name, self.classes)
        self.l1, self.l2 = float(l1), float(l2)
        self.heatmap_every, self.heatmap_n = int(heatmap_every), int(heatmap_n)
        self.out = output_units(self.task, self.classes, self.loss_name)
        self.sizes = [len(self.features), *self.hidden, self.out]
        self.slots: list[Slot] = []
        offset = 0
        for i, (a, b) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True), start=1):
            self.slots.append(Slot(f"W{i}", "weight", i, (a, b), offset, a * b))
            offset += a * b
            self.slots.append(Slot(f"b{i}", "bias", i, (b,), offset, b))
            offset += b
        self.dim = offset
        self._starts = np.array([s.offset for s in self.slots])
        self.weight_mask = np.zeros(offset)
        for s in self.slots[::2]:
            self.weight_mask[s.offset : s.offset + s.size] = 1.0
        self.x_train = self.inputs(data.train.x)
        self.x_test = self.inputs(data.test.x)
        self.t_train = self._targets(data.train.y)
        self.t_test = self._targets(data.test.y)
        self.n = data.train.n
        # Test points ride along in the full-data forward pass (no gradient reaches them), so
        # a frame's test loss and accuracies cost no second pass; _seen keeps that pass's outputs.
        self.x_all = np.concatenate([self.x_train, self.x_test])
        self._seen: tuple[np.ndarray, np.ndarray] | None = None
        # The last record's step and gradients, for the next frame's step ratios (NetworkViews).
        self._last_grads: tuple[int, np.ndarray] | None = None

    # -- data ---------------------------------------------------------------------------------
    def inputs(self, x: np.ndarray) -> np.ndarray:
        """Raw 2D points (N, 2) -> the network's input features (N, F)."""
        z = (np.asarray(x, dtype=np.float64) - self.data.shift) / self.data.scale
        return feature_matrix(z, self.features)

    def _targets(self, y: np.ndarray) -> np.ndarray:
        if self.loss_name == "ce":
            return y.astype(np.int64)
        if self.out > 1:
            return one_hot(y.astype(np.int64), self.out)
        return y.astype(np.float64)

    # -- forward and loss ---------------------------------------------------------------------
    def forward(self, theta: Tensor, x: np.ndarray) -> Tensor:
        """Output-layer values (P, N, out) for inputs x (N, F): logits, or the regression value."""
        p = theta.shape[0]
        act = ACTIVATIONS[self.activation]
        h: Any = x
        last = len(self.slots) // 2 - 1
        for i in range(last + 1):
            w, b = self.slots[2 * i], self.slots[2 * i + 1]
            W = theta[:, w.offset : w.offset + w.size].reshape(p, *w.shape)
            bias = theta[:, b.offset : b.offset + b.size].reshape(p, 1, b.size)
            h = F.matmul(h, W) + bias
            if i < last:
                h = act(h)
        return h

    def loss_of(self, z: Tensor, t: np.ndarray) -> Tensor:
        """Per-example data loss (P, N) of outputs z (P, N, out) against prepared targets."""
        p, n, k = z.shape
        if self.loss_name == "ce":
            return cross_entropy(z.reshape(p * n, k), np.tile(t, p), "none").reshape(p, n)
        if k == 1:
            z1 = z.reshape(p, n)
            if self.loss_name == "bce":
                return binary_cross_entropy_with_logits(z1, t, "none")
            pred = z1 if self.task == "regression" else F.sigmoid(z1)
            return mse_loss(pred, t, "none")
        if self.loss_name == "bce":
            return binary_cross_entropy_with_logits(z, t, "none").mean(axis=2)
        return mse_loss(F.softmax(z, axis=-1), t, "none").mean(axis=2)

    def penalty(self, theta: Any) -> Any:
        """l1 * sum|W| + l2 * sum W^2 per particle (a Tensor for a Tensor), or 0 without one."""
        if not (self.l1 or self.l2):
            return 0.0
        w = theta * self.weight_mask
        out: Any = 0.0
        if self.l1:
            out = out + self.l1 * (w.abs() if isinstance(w, Tensor) else np.abs(w)).sum(axis=1)
        if self.l2:
            out = out + self.l2 * (w * w).sum(axis=1)
        return out

    def value_and_grad(
        self, points: np.ndarray, weights: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Training losses (P,) with regularisation and their gradients (P, D), float64.

        weights (P, N) are each particle's batch weights (app/problems/batching.py via Run);
        only examples some particle uses go through the network.
        """
        theta = Tensor(points, requires_grad=True)
        if weights is None:
            z = self.forward(theta, self.x_all)
            loss = self.loss_of(z[:, : self.n], self.t_train).mean(axis=1)
            self._seen = (np.array(points), z.data)
        else:
            cols = np.flatnonzero(weights.any(axis=0))
            per = self.loss_of(self.forward(theta, self.x_train[cols]), self.t_train[cols])
            loss = (per * weights[:, cols]).sum(axis=1)
        loss = loss + self.penalty(theta)
        loss.backward(np.ones(loss.shape))
        return np.array(loss.data), np.array(theta.grad)

    def values(self, points: np.ndarray, dtype: Any = np.float64) -> np.ndarray:
        """Full training losses (P,) for many particles, no gradients, chunked (landscapes)."""
        pts = np.asarray(points, dtype=np.float64)
        x = self.x_train.astype(dtype)
        t = self.t_train if self.loss_name == "ce" else self.t_train.astype(dtype)
        chunk = max(1, CHUNK_ELEMENTS // (self.n * max(self.sizes)))
        out = np.empty(len(pts))
        with no_grad():
            for s in range(0, len(pts), chunk):
                theta = Tensor(pts[s : s + chunk], dtype=dtype)
                out[s : s + chunk] = self.loss_of(self.forward(theta, x), t).data.mean(axis=1)
        return out + self.penalty(pts)

    def describe_layers(self) -> list[dict[str, Any]]:
        return [s.describe() for s in self.slots]

    def initial_point(self, seed: int) -> np.ndarray:
        """Xavier-uniform (tanh, sigmoid, linear) or He-normal (ReLUs) weights, zero biases."""
        rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(3)[2])
        theta = np.zeros(self.dim)
        for s in self.slots[::2]:
            fan_in, fan_out = s.shape
            if INIT[self.activation] == "he":
                w = rng.normal(0.0, np.sqrt(2.0 / fan_in), s.shape)
            else:
                a = np.sqrt(6.0 / (fan_in + fan_out))
                w = rng.uniform(-a, a, s.shape)
            theta[s.offset : s.offset + s.size] = w.ravel()
        return theta
