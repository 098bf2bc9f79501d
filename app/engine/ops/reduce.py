"""Reductions (sum, mean, max, min) and the numerically stable softmax family."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as np

from app.engine.ops._common import _axis, _lift
from app.engine.tensor import Tensor, _make, _send


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    x, axis = _lift(x), _axis(axis)
    out = _make(np.asarray(x.data.sum(axis=axis, keepdims=keepdims)), (x,))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d(sum x)/dx_i = 1: spread g back over the summed axes (a view, no copy)
            if not keepdims and axis is not None:
                g = np.expand_dims(g, axis)
            _send(x, np.broadcast_to(g, x.data.shape))

        out._backward = backward
    return out


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    x, axis = _lift(x), _axis(axis)
    out = _make(np.asarray(x.data.mean(axis=axis, keepdims=keepdims)), (x,))
    if out.requires_grad:
        n = x.data.size // builtins.max(out.data.size, 1)

        def backward(g: np.ndarray) -> None:
            # d(mean x)/dx_i = 1/n
            g = g / n
            if not keepdims and axis is not None:
                g = np.expand_dims(g, axis)
            _send(x, np.broadcast_to(g, x.data.shape))

        out._backward = backward
    return out


def _extreme(x: Any, axis: Any, keepdims: bool, fn: Callable) -> Tensor:
    x, axis = _lift(x), _axis(axis)
    m = fn(x.data, axis=axis, keepdims=True)
    data = m if keepdims else m.reshape(()) if axis is None else np.squeeze(m, axis)
    out = _make(np.asarray(data), (x,))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d max(x)/dx_i = [x_i is the max] / (number of tied maxima)
            hit = x.data == m
            share = hit / hit.sum(axis=axis, keepdims=True)
            if not keepdims and axis is not None:
                g = np.expand_dims(g, axis)
            _send(x, g * share, True)

        out._backward = backward
    return out


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Maximum over axis; ties share the gradient equally."""
    return _extreme(x, axis, keepdims, np.max)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Minimum over axis; ties share the gradient equally."""
    return _extreme(x, axis, keepdims, np.min)


def softmax(x: Any, axis: int = -1) -> Tensor:
    x = _lift(x)
    e = np.exp(x.data - x.data.max(axis=axis, keepdims=True))  # <= 1: no overflow
    s = e / e.sum(axis=axis, keepdims=True)
    out = _make(s, (x,))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d softmax/dx: J^T g = s * (g - sum(g s))
            _send(x, s * (g - (g * s).sum(axis=axis, keepdims=True)), True)

        out._backward = backward
    return out


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    x = _lift(x)
    z = x.data - x.data.max(axis=axis, keepdims=True)
    y = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
    out = _make(y, (x,))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d log_softmax/dx: J^T g = g - softmax(x) * sum(g)
            _send(x, g - np.exp(y) * g.sum(axis=axis, keepdims=True), True)

        out._backward = backward
    return out
