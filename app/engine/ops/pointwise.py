"""Elementwise functions (exp, log, tanh, sigmoid, relu, clip, maximum, where, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from app.engine.ops._common import _lift, _pair
from app.engine.tensor import Tensor, _make, _send

_Rule = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _elementwise(name: str, forward: Callable[[np.ndarray], np.ndarray], rule: _Rule):
    """An op y = forward(x) whose gradient is rule(x, y, g), a fresh array."""

    def op(x: Any) -> Tensor:
        x = _lift(x)
        y = np.asarray(forward(x.data))
        out = _make(y, (x,))
        if out.requires_grad:

            def backward(g: np.ndarray) -> None:
                _send(x, rule(x.data, y, g), True)

            out._backward = backward
        return out

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name}, differentiable."
    return op


def _tanh_rule(x: np.ndarray, y: np.ndarray, g: np.ndarray) -> np.ndarray:
    d = y * y  # d(tanh x)/dx = 1 - tanh^2 x, formed in place on one temporary
    if type(d) is not np.ndarray:  # 0-d inputs give NumPy scalars, which take no out=
        return g * (1 - d)
    np.subtract(1, d, out=d)
    d *= g
    return d


def _sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    r = 1 / (1 + e)
    return np.where(x >= 0, r, e * r)


def _sigmoid_grad(x: np.ndarray) -> np.ndarray:
    # sigmoid'(x) = e^-|x| / (1 + e^-|x|)^2, symmetric, exact in both tails
    e = np.exp(-np.abs(x))
    r = 1 / (1 + e)
    return e * r * r


# fmt: off
exp = _elementwise("exp", np.exp, lambda x, y, g: g * y)  # d(e^x)/dx = e^x
log = _elementwise("log", np.log, lambda x, y, g: g / x)  # d(ln x)/dx = 1/x
log1p = _elementwise("log1p", np.log1p, lambda x, y, g: g / (1 + x))  # d ln(1+x)/dx = 1/(1+x)
sqrt = _elementwise("sqrt", np.sqrt, lambda x, y, g: g / (2 * y))  # d(sqrt x)/dx = 1/(2 sqrt x)
abs = _elementwise("abs", np.abs, lambda x, y, g: g * np.sign(x))  # d|x|/dx = sign x (0 at 0)  # noqa: A001
sin = _elementwise("sin", np.sin, lambda x, y, g: g * np.cos(x))  # d(sin x)/dx = cos x
cos = _elementwise("cos", np.cos, lambda x, y, g: -g * np.sin(x))  # d(cos x)/dx = -sin x
tan = _elementwise("tan", np.tan, lambda x, y, g: g * (1 + y * y))  # d(tan x)/dx = 1 + tan^2 x
sinh = _elementwise("sinh", np.sinh, lambda x, y, g: g * np.cosh(x))  # d(sinh x)/dx = cosh x
cosh = _elementwise("cosh", np.cosh, lambda x, y, g: g * np.sinh(x))  # d(cosh x)/dx = sinh x
tanh = _elementwise("tanh", np.tanh, _tanh_rule)  # d(tanh x)/dx = 1 - tanh^2 x
sigmoid = _elementwise("sigmoid", _sigmoid, lambda x, y, g: g * _sigmoid_grad(x))  # s' = s(1-s)
relu = _elementwise("relu", lambda x: np.maximum(x, 0), lambda x, y, g: np.where(x > 0, g, 0))  # d relu/dx = [x > 0]
# fmt: on


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Tensor:
    x = _lift(x)
    out = _make(np.where(x.data > 0, x.data, negative_slope * x.data), (x,))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d leaky_relu/dx = 1 if x > 0 else negative_slope
            _send(x, np.where(x.data > 0, g, negative_slope * g), True)

        out._backward = backward
    return out


def softplus(x: Any, beta: float = 1.0) -> Tensor:
    """log(1 + e^(beta x)) / beta, as max(bx, 0) + log1p(e^-|bx|) so it never overflows."""
    x = _lift(x)
    bx = beta * x.data
    out = _make((np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / beta, (x,))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d softplus/dx = sigmoid(beta x)
            _send(x, g * _sigmoid(bx), True)

        out._backward = backward
    return out


def clip(x: Any, lo: Any = None, hi: Any = None) -> Tensor:
    """x clipped to [lo, hi] (either may be None); gradient passes where lo <= x <= hi."""
    x = _lift(x)
    out = _make(np.asarray(np.clip(x.data, lo, hi)), (x,))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d clip/dx = 1 on [lo, hi] (bounds included, as torch.clamp), else 0
            inside = np.ones(x.data.shape, dtype=bool)
            if lo is not None:
                inside &= x.data >= lo
            if hi is not None:
                inside &= x.data <= hi
            _send(x, np.where(inside, g, 0), True)

        out._backward = backward
    return out


def maximum(a: Any, b: Any) -> Tensor:
    return _pick(a, b, np.maximum, np.greater)


def minimum(a: Any, b: Any) -> Tensor:
    return _pick(a, b, np.minimum, np.less)


def _pick(a: Any, b: Any, fn: Callable, wins: Callable) -> Tensor:
    a, b = _pair(a, b)
    out = _make(np.asarray(fn(a.data, b.data)), (a, b))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d max(a,b)/da = [a wins] + 1/2 [a == b]; d/db = 1 - that (ties split equally)
            wa = np.where(wins(a.data, b.data), 1.0, np.where(a.data == b.data, 0.5, 0.0))
            if a.requires_grad:
                _send(a, g * wa, True)
            if b.requires_grad:
                _send(b, g * (1 - wa), True)

        out._backward = backward
    return out


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """a where cond holds, else b; cond is a boolean array (no gradient flows into it)."""
    c = np.asarray(cond.data if isinstance(cond, Tensor) else cond, dtype=bool)
    a, b = _pair(a, b)
    out = _make(np.where(c, a.data, b.data), (a, b))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d where(c,a,b)/da = [c], d/db = [not c]
            if a.requires_grad:
                _send(a, np.where(c, g, 0), True)
            if b.requires_grad:
                _send(b, np.where(c, 0, g), True)

        out._backward = backward
    return out
