"""Losses as fused ops (one node each, with their own stable backward): MSE, BCE, cross-entropy.

Every loss takes reduction="mean" (default), "sum" or "none" (the per-element or per-sample
losses). Gradients flow to the target as well when it is a Tensor that requires grad.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from app.engine.ops import _lift, _pair, _sigmoid
from app.engine.tensor import Tensor, _make, _send

__all__ = ["mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy"]

_REDUCTIONS = ("mean", "sum", "none")
# torch clamps log(p) at -100 in binary_cross_entropy: the only finite choice at p = 0 or 1.
LOG_FLOOR = -100.0
# torch's floor for p(1-p) in the BCE gradient, so p = 0 or 1 gives a large finite slope.
BCE_GRAD_EPS = 1e-12

# A rule maps the upstream grad, already spread to per-element shape and scaled by the
# reduction, to the gradient of one input.
_Rule = Callable[[np.ndarray], np.ndarray]


def _reduced(
    per: np.ndarray, reduction: str, n: int, parents: tuple[Tensor, ...], rules: tuple[_Rule, ...]
) -> Tensor:
    """Reduce the per-element losses `per` (n terms for the mean) into one fused node."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    if reduction == "none":
        data = per
    else:
        data = np.asarray(per.sum() / n if reduction == "mean" else per.sum())
    out = _make(data, parents)
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d mean/d per_i = 1/n, d sum/d per_i = 1
            scale = g / n if reduction == "mean" else g
            for t, rule in zip(parents, rules, strict=True):
                if t.requires_grad:
                    _send(t, rule(scale), True)

        out._backward = backward
    return out


def mse_loss(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """(pred - target)^2, averaged over every element for "mean" (shapes broadcast)."""
    pred, target = _pair(pred, target)
    diff = pred.data - target.data
    if reduction == "mean" and diff.dtype == np.float64 and diff.shape == pred.data.shape:
        # The mean as one BLAS dot product, about twice as fast as squaring then summing.
        flat = diff.reshape(-1)
        out = _make(np.asarray(np.dot(flat, flat) / diff.size), (pred, target))
        if out.requires_grad:

            def backward(g: np.ndarray) -> None:
                # d mean((p-t)^2)/dp = 2(p-t)/n, d/dt = -2(p-t)/n
                scale = 2.0 * float(g) / diff.size
                if pred.requires_grad:
                    _send(pred, diff * scale, True)
                if target.requires_grad:
                    _send(target, diff * -scale, True)

            out._backward = backward
        return out
    per = diff * diff
    # d(p-t)^2/dp = 2(p-t), d/dt = -2(p-t)
    return _reduced(
        per,
        reduction,
        per.size,
        (pred, target),
        (lambda s: (2 * s) * diff, lambda s: (-2 * s) * diff),
    )


def binary_cross_entropy(prob: Any, target: Any, reduction: str = "mean") -> Tensor:
    """-(y log p + (1-y) log(1-p)) on probabilities p, each log clamped to >= -100 (torch's rule,
    so p = 0 or 1 gives a finite loss). Prefer binary_cross_entropy_with_logits for logits."""
    prob, target = _pair(prob, target)
    p, y = prob.data, target.data
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), LOG_FLOOR)
        log_q = np.maximum(np.log1p(-p), LOG_FLOOR)
    per = -(y * log_p + (1 - y) * log_q)

    def d_prob(s: np.ndarray) -> np.ndarray:
        # dBCE/dp = (p - y) / (p (1 - p)), denominator floored at 1e-12 as torch does
        return s * (p - y) / np.maximum(p * (1 - p), BCE_GRAD_EPS)

    def d_target(s: np.ndarray) -> np.ndarray:
        # dBCE/dy = log(1-p) - log(p), with the clamped logs
        return s * (log_q - log_p)

    return _reduced(per, reduction, per.size, (prob, target), (d_prob, d_target))


def binary_cross_entropy_with_logits(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    """BCE of sigmoid(z) against y, as max(z, 0) - z y + log1p(e^-|z|): exact and finite for
    any finite z (z = 1000, y = 0 gives 1000)."""
    logits, target = _pair(logits, target)
    z, y = logits.data, target.data
    per = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))

    def d_logits(s: np.ndarray) -> np.ndarray:
        # dL/dz = sigmoid(z) - y
        return s * (_sigmoid(z) - y)

    def d_target(s: np.ndarray) -> np.ndarray:
        # dL/dy = -z
        return s * -z

    return _reduced(per, reduction, per.size, (logits, target), (d_logits, d_target))


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy of logits (N, C) against class indices (N,) or class
    probabilities / one-hot rows (N, C); "mean" divides by N. Uses log_softmax, so logits
    like [1000, 0] give the exact finite loss."""
    logits = _lift(logits)
    z = logits.data
    if z.ndim != 2:
        raise ValueError(f"cross_entropy expects logits of shape (N, C), got {z.shape}")
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = z.shape[0]
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.ndim == 1:
        if t.shape[0] != n or not np.issubdtype(t.dtype, np.integer):
            raise ValueError("class-index targets must be integers of shape (N,)")
        rows = np.arange(n)
        per = -logp[rows, t]

        def d_logits(s: np.ndarray) -> np.ndarray:
            # dCE/dz = softmax(z) - onehot(y)
            d = np.exp(logp)
            d[rows, t] -= 1
            return d * s[:, None] if s.ndim else d * s

        return _reduced(per, reduction, n, (logits,), (d_logits,))

    probs = _lift(target, z.dtype)
    y = probs.data
    if y.shape != z.shape:
        raise ValueError(f"probability targets must have the logits' shape {z.shape}")
    per = -(y * logp).sum(axis=1)

    def d_logits_p(s: np.ndarray) -> np.ndarray:
        # dCE/dz = softmax(z) sum_c y_c - y  (= softmax - y for rows that sum to 1)
        d = np.exp(logp) * y.sum(axis=1, keepdims=True) - y
        return d * s[:, None] if s.ndim else d * s

    def d_probs(s: np.ndarray) -> np.ndarray:
        # dCE/dy = -log_softmax(z)
        return -logp * (s[:, None] if s.ndim else s)

    return _reduced(per, reduction, n, (logits, probs), (d_logits_p, d_probs))
