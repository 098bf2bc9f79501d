"""Linear, logistic and softmax regression as run problems: a loss per particle, batched by weights.

Every model's parameters are one flat vector per particle, theta of shape (P, D). Batching
(batch, stochastic, mini-batch) is a weight matrix W of shape (P, N): particle p's loss is
sum_n W[p, n] * loss_n(theta_p), so racers on different batches share one vectorised graph.
W = None means the mean over all N examples, the full-data loss.
"""

from __future__ import annotations

import copy

import numpy as np

from app.engine import Tensor, no_grad
from app.engine import functional as F
from app.engine.losses import binary_cross_entropy_with_logits, cross_entropy, mse_loss
from app.problems.datasets import Dataset

# Grid points per chunk when drawing landscapes: keeps (chunk, N) temporaries near 1 MB.
GRID_CHUNK_ELEMENTS = 131_072


class DataProblem:
    """Shared machinery: weighted per-example losses, value_and_grad, and landscape grids."""

    dim: int = 2
    loss_name: str = ""
    param_names: tuple[str, ...] = ("w", "b")

    def __init__(self, data: Dataset) -> None:
        self.data = data

    @property
    def n(self) -> int:
        return self.data.n

    def per_example(self, theta: Tensor) -> Tensor:
        """Loss of every example for every particle, shape (P, N)."""
        raise NotImplementedError

    def subset(self, idx: np.ndarray) -> DataProblem:
        """The same model on some examples only (a mini-batch's own loss surface)."""
        d = self.data
        part = Dataset(d.x[idx], d.y[idx], d.kind, d.x_names, d.y_name, d.classes, d.meta)
        twin = copy.copy(self)
        twin.data = part
        return twin

    def _reduce(self, per: Tensor, weights: np.ndarray | None) -> Tensor:
        if weights is None:
            return per.mean(axis=1)
        return (per * weights).sum(axis=1)

    def value_and_grad(
        self, points: np.ndarray, weights: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Losses (P,) and their gradients (P, D) in float64, one backward for all particles."""
        theta = Tensor(points, requires_grad=True)
        loss = self._reduce(self.per_example(theta), weights)
        loss.backward(np.ones(loss.shape))
        return np.array(loss.data), np.array(theta.grad)

    def values(self, points: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Losses only, under no_grad, chunked so a large grid of particles stays in cache."""
        pts = np.asarray(points, dtype=np.float64)
        chunk = max(1, GRID_CHUNK_ELEMENTS // max(self.n, 1))
        out = np.empty(pts.shape[0])
        with no_grad():
            for s in range(0, pts.shape[0], chunk):
                w = None if weights is None else weights[s : s + chunk]
                out[s : s + chunk] = self._reduce(
                    self.per_example(Tensor(pts[s : s + chunk])), w
                ).data
        return out

    def grid(
        self,
        center: np.ndarray,
        axes: tuple[int, int],
        ranges: tuple[tuple[float, float], ...],
        n: int,
    ) -> dict[str, np.ndarray]:
        """Full-data loss over two parameters (the others held at `center`), an n x n grid."""
        i, j = axes
        (a0, a1), (b0, b1) = ranges
        u, v = np.linspace(a0, a1, n), np.linspace(b0, b1, n)
        pts = np.tile(np.asarray(center, dtype=np.float64), (n * n, 1))
        pts[:, i] = np.tile(u, n)
        pts[:, j] = np.repeat(v, n)
        return {"x": u, "y": v, "z": self.values(pts).reshape(n, n)}


class LinearRegression(DataProblem):
    """y_hat = w * x + b with mean squared error (the course's regression loss)."""

    loss_name = "mse"

    def per_example(self, theta: Tensor) -> Tensor:
        w, b = theta[:, 0:1], theta[:, 1:2]
        return mse_loss(w * self.data.x + b, np.broadcast_to(self.data.y, (1, self.n)), "none")

    def grid(
        self,
        center: np.ndarray,
        axes: tuple[int, int],
        ranges: tuple[tuple[float, float], ...],
        n: int,
    ) -> dict[str, np.ndarray]:
        """The exact MSE over (w, b) from the data's moments: O(1) per grid point, whatever N.

        mean((w x + b - y)^2) = w^2 var(x) - 2 w cov(x, y) + var(y) + (w mean(x) + b - mean(y))^2,
        an identity; centred moments keep the cancellation near the minimum small.
        """
        if tuple(axes) != (0, 1):
            return super().grid(center, axes, ranges, n)
        x, y = self.data.x, self.data.y
        mx, my = x.mean(), y.mean()
        dx, dy = x - mx, y - my
        vx, vy, cxy = (dx * dx).mean(), (dy * dy).mean(), (dx * dy).mean()
        (a0, a1), (b0, b1) = ranges
        w, b = np.linspace(a0, a1, n), np.linspace(b0, b1, n)
        shift = (w * mx)[None, :] + b[:, None] - my
        z = (w * w * vx - 2 * w * cxy + vy)[None, :] + shift * shift
        return {"x": w, "y": b, "z": z}


class LogisticRegression(DataProblem):
    """p = sigmoid(w * x + b), with binary cross-entropy (on logits, stable) or, to show why
    it is the wrong choice for yes/no targets, mean squared error on p.

    `racer_losses` gives each racer of a run its own loss (the BCE model and its MSE twin in
    one race); the landscape (grid, values) stays that of `loss`.
    """

    LOSSES = ("bce", "mse")

    def __init__(
        self, data: Dataset, loss: str = "bce", racer_losses: list[str] | None = None
    ) -> None:
        for name in [loss, *(racer_losses or [])]:
            if name not in self.LOSSES:
                raise ValueError(f"loss must be 'bce' or 'mse', got {name!r}")
        super().__init__(data)
        self.loss_name = loss
        self.racer_losses = list(racer_losses) if racer_losses else None
        # The rows of value_and_grad's points on each loss, in the run's internal row order.
        self._rows: dict[str, np.ndarray] | None = None

    def bind_rows(self, order: np.ndarray) -> None:
        """Called by Run: internal row r holds racer order[r]."""
        if self.racer_losses is None:
            return
        if len(order) != len(self.racer_losses):
            raise ValueError("give one loss per racer")
        own = np.array([self.racer_losses[i] for i in order])
        self._rows = {name: np.flatnonzero(own == name) for name in self.LOSSES}

    def _logits(self, theta: Tensor) -> Tensor:
        return theta[:, 0:1] * self.data.x + theta[:, 1:2]

    def _loss(self, name: str, z: Tensor) -> Tensor:
        y = np.broadcast_to(self.data.y, (1, self.n))
        if name == "bce":
            return binary_cross_entropy_with_logits(z, y, "none")
        return mse_loss(F.sigmoid(z), y, "none")

    def per_example(self, theta: Tensor) -> Tensor:
        return self._loss(self.loss_name, self._logits(theta))

    def value_and_grad(
        self, points: np.ndarray, weights: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        rows = self._rows
        if rows is None or sum(r.size for r in rows.values()) != len(points):
            return super().value_and_grad(points, weights)
        # Particles are independent: each loss's rows go through their own graph, so every
        # racer's value and gradient are exactly those of its loss alone.
        values, grads = np.empty(len(points)), np.empty(points.shape)
        for name, idx in rows.items():
            if idx.size == 0:
                continue
            theta = Tensor(points[idx], requires_grad=True)
            per = self._loss(name, self._logits(theta))
            loss = self._reduce(per, None if weights is None else weights[idx])
            loss.backward(np.ones(loss.shape))
            values[idx], grads[idx] = loss.data, theta.grad
        return values, grads


class SoftmaxRegression(DataProblem):
    """logits = X @ W + b for k classes, categorical cross-entropy; theta = (W row-major, b)."""

    loss_name = "cross_entropy"

    def __init__(self, data: Dataset) -> None:
        super().__init__(data)
        self.k = int(data.classes)
        d = data.x.shape[1]
        self.dim = d * self.k + self.k
        self.param_names = tuple(
            f"w{r + 1}{c + 1}" for r in range(d) for c in range(self.k)
        ) + tuple(f"b{c + 1}" for c in range(self.k))

    def per_example(self, theta: Tensor) -> Tensor:
        p, (n, d), k = theta.shape[0], self.data.x.shape, self.k
        W = theta[:, : d * k].reshape(p, d, k)
        b = theta[:, d * k :].reshape(p, 1, k)
        logits = (self.data.x @ W + b).reshape(p * n, k)
        per = cross_entropy(logits, np.tile(self.data.y, p), "none")
        return per.reshape(p, n)
