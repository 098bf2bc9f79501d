"""What a network run shows besides its loss: heatmaps, accuracy, test loss, layer norms, step
ratios, frames.

A mixin of app/problems/networks.NetworkProblem, which supplies forward, loss_of, penalty, the
data and the parameter layout (slots).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from app.engine import Tensor, no_grad
from app.problems.network_parts import packed

HEATMAP_N = 100
HEATMAP_BAND = 1000  # grid points per forward pass (see heatmap)


class NetworkViews:
    """Predictions and per-frame extras of a NetworkProblem."""

    def scores(self, z: np.ndarray) -> np.ndarray:
        """What the heatmap shows for outputs z (P, M, out): P(class 1) for a binary task;
        for several classes, the predicted class plus 0.999 x its probability (the floor is
        the class); the prediction itself for regression."""
        if self.task == "regression":
            return z[..., 0]
        if self.out == 1:
            return _sigmoid(z[..., 0])
        probs = _sigmoid(z) if self.loss_name == "bce" else _softmax(z)
        if self.task == "binary":
            return probs[..., 1]
        return probs.argmax(axis=-1) + 0.999 * probs.max(axis=-1)

    def predict(self, points: np.ndarray, x: np.ndarray, dtype: Any = np.float64) -> np.ndarray:
        """Output values (P, N, out) without gradients."""
        with no_grad():
            return self.forward(Tensor(points, dtype=dtype), x.astype(dtype)).data

    def grid_inputs(self) -> np.ndarray:
        """Features of the heatmap grid over the data domain, float32: row = x2, column = x1."""
        if getattr(self, "_grid", None) is None:
            (a0, a1), (b0, b1) = self.data.domain
            n = self.heatmap_n
            g1, g2 = np.meshgrid(np.linspace(a0, a1, n), np.linspace(b0, b1, n))
            self._grid = self.inputs(np.stack([g1.ravel(), g2.ravel()], axis=1)).astype(np.float32)
        return self._grid

    def heatmap(self, point: np.ndarray) -> np.ndarray:
        """The decision boundary (or regression surface) of one parameter vector, (n, n) float32."""
        n, grid = self.heatmap_n, self.grid_inputs()
        theta = np.asarray(point).reshape(1, -1)
        out = np.empty(n * n, dtype=np.float32)
        # Bands of rows keep each matmul under OpenBLAS's threading threshold: a second BLAS
        # thread on a busy server turned 40 us products into 3 ms waits here.
        for s in range(0, n * n, HEATMAP_BAND):
            out[s : s + HEATMAP_BAND] = self.scores(
                self.predict(theta, grid[s : s + HEATMAP_BAND], np.float32)
            )[0]
        return out.reshape(n, n)

    def accuracy(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Share of correct predictions per particle; z (P, N, out)."""
        pred = (z[..., 0] > 0) if self.out == 1 else z.argmax(axis=-1)
        return (pred == y).mean(axis=1)

    def metrics(self, points: np.ndarray) -> dict[str, np.ndarray]:
        """Test loss (no regularisation) and train/test accuracy per particle."""
        seen = self._seen
        if seen is not None and np.array_equal(seen[0], points):
            z = seen[1]
        else:
            z = self.predict(points, self.x_all)
        ztr, zte = z[:, : self.n], z[:, self.n :]
        with no_grad():
            test_loss = self.loss_of(Tensor(zte), self.t_test).data.mean(axis=1)
        out = {"test_loss": test_loss}
        if self.task != "regression":
            out["train_acc"] = self.accuracy(ztr, self.data.train.y)
            out["test_acc"] = self.accuracy(zte, self.data.test.y)
        return out

    def layer_norms(self, rows: np.ndarray) -> list[list[float]]:
        """Frobenius norm of each layer's weights, per row of flat vectors (P, D)."""
        # One reduceat over every slot (weights and biases alternate), then keep the weights.
        sums = np.add.reduceat(rows * rows, self._starts, axis=1)[:, ::2]
        return np.sqrt(sums).tolist()

    def step_ratios(self, rec: Any) -> list[float | None]:
        """How far each racer's last step went, as a fraction of the way to the bottom along its
        own direction: stepRatio of static/js/components/diagnosis-rules.js on the whole flat
        vector, c |d|^2 / |g_{k-1} . d| with d = x_k - x_{k-1} and c = (g_k - g_{k-1}) . d / |d|^2.
        Light frames carry no gradients, so the page cannot work it out itself. 0 or less where
        the loss curves down (or not at all) along d: no bottom lies ahead. None where it is
        undefined: the first step, no step, not downhill, a batched racer (its step follows its
        batch, not this loss), or overflow."""
        n = len(rec.status)
        last = self._last_grads
        # Each record's full-data gradients, in racer order, are the next step's g_{k-1}.
        self._last_grads = (rec.step, rec.grads)
        if last is None or last[0] != rec.step - 1:
            return [None] * n
        d, g0, g1 = rec.updates, last[1], rec.grads
        # Three dot products per racer; c |d|^2 is (g_k - g_{k-1}) . d itself. The rest is a
        # handful of racers in plain floats, cheaper than more NumPy calls on arrays of one.
        dds, slopes = (d * d).sum(axis=1).tolist(), (g0 * d).sum(axis=1).tolist()
        bends = ((g1 - g0) * d).sum(axis=1).tolist()
        batch = rec.extra.get("batch") or [None] * n
        out: list[float | None] = []
        for dd, slope, bend, b in zip(dds, slopes, bends, batch, strict=True):
            r = bend / -slope if slope < 0 else math.nan
            out.append(r if b is None and dd > 0 and math.isfinite(r) else None)
        return out

    def frame_extras(self, rec: Any) -> dict[str, list]:
        """Per-racer extras for a run's frame (the Run hook): losses, accuracy, norms, step
        ratio, heatmap."""
        n = len(rec.status)
        rows = np.flatnonzero(rec.active) if rec.active is not None else np.arange(n)
        keys = ("train_loss", "test_loss", "train_acc", "test_acc", "layer_norms", "step_ratio")
        out: dict[str, list] = {k: [None] * n for k in keys}
        ratios = self.step_ratios(rec)
        if not len(rows):
            return out
        pts = rec.points[rows]
        m = self.metrics(pts)
        train = rec.losses[rows] - self.penalty(pts)
        wn, gn = self.layer_norms(pts), self.layer_norms(rec.grads[rows])
        heat = rec.step % self.heatmap_every == 0
        maps: dict[int, Any] = {}
        for j, i in enumerate(rows):
            out["train_loss"][i] = float(train[j])
            out["test_loss"][i] = float(m["test_loss"][j])
            if "train_acc" in m:
                out["train_acc"][i] = float(m["train_acc"][j])
                out["test_acc"][i] = float(m["test_acc"][j])
            out["layer_norms"][i] = {"weight": wn[j], "grad": gn[j]}
            out["step_ratio"][i] = ratios[i]
            if heat or i in rec.events:
                maps[int(i)] = packed(self.heatmap(pts[j]))
        if maps:
            out["heatmap"] = [maps.get(i) for i in range(n)]
        return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
