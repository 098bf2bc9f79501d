"""Arithmetic ops: + - * / ** unary minus and matmul."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.engine.ops._common import _lift, _pair
from app.engine.tensor import Tensor, _make, _send


def add(a: Any, b: Any) -> Tensor:
    a, b = _pair(a, b)
    out = _make(a.data + b.data, (a, b))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d(a+b)/da = 1, d(a+b)/db = 1
            if a.requires_grad:
                _send(a, g)
            if b.requires_grad:
                _send(b, g)

        out._backward = backward
    return out


def sub(a: Any, b: Any) -> Tensor:
    a, b = _pair(a, b)
    out = _make(a.data - b.data, (a, b))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d(a-b)/da = 1, d(a-b)/db = -1
            if a.requires_grad:
                _send(a, g)
            if b.requires_grad:
                _send(b, -g, True)

        out._backward = backward
    return out


def mul(a: Any, b: Any) -> Tensor:
    a, b = _pair(a, b)
    out = _make(a.data * b.data, (a, b))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d(a*b)/da = b, d(a*b)/db = a
            if a.requires_grad:
                _send(a, g * b.data, True)
            if b.requires_grad:
                _send(b, g * a.data, True)

        out._backward = backward
    return out


def div(a: Any, b: Any) -> Tensor:
    a, b = _pair(a, b)
    q = a.data / b.data
    out = _make(q, (a, b))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -(a/b)/b
            if a.requires_grad:
                _send(a, g / b.data, True)
            if b.requires_grad:
                _send(b, -g * q / b.data, True)

        out._backward = backward
    return out


def neg(a: Any) -> Tensor:
    a = _lift(a)
    out = _make(-a.data, (a,))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d(-a)/da = -1
            _send(a, -g, True)

        out._backward = backward
    return out


def pow(a: Any, b: Any) -> Tensor:  # noqa: A001 - mirrors operator.pow
    """a ** b for a Tensor base, a Tensor exponent, or both."""
    if not isinstance(b, Tensor):
        return _pow_const(_lift(a), b)
    a, b = _pair(a, b)
    p = a.data**b.data
    out = _make(p, (a, b))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            if a.requires_grad:
                # d(a^b)/da = b a^(b-1)
                _send(a, g * b.data * a.data ** (b.data - 1), True)
            if b.requires_grad:
                # d(a^b)/db = a^b ln a, taken as 0 where a == 0 and b >= 0 (as torch: 0^b is flat)
                with np.errstate(divide="ignore", invalid="ignore"):
                    d = p * np.log(a.data)
                d = np.where((a.data == 0) & (b.data >= 0), 0.0, d)
                _send(b, g * d, True)

        out._backward = backward
    return out


def _pow_const(a: Tensor, c: Any) -> Tensor:
    if not isinstance(c, int | float):
        c = np.asarray(c, dtype=a.data.dtype)
    out = _make(a.data**c, (a,))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d(a^c)/da = c a^(c-1)
            if isinstance(c, int | float) and c == 2:
                _send(a, (2 * g) * a.data, True)
            else:
                _send(a, g * c * a.data ** (c - 1), True)

        out._backward = backward
    return out


def matmul(a: Any, b: Any) -> Tensor:
    """a @ b with NumPy's rules: 1-D operands, 2-D, and batched (broadcast) stacks."""
    a, b = _pair(a, b)
    out = _make(np.asarray(a.data @ b.data), (a, b))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            A, B = a.data, b.data
            # d(A@B)/dA = g @ B^T, d(A@B)/dB = A^T @ g (vectors promoted to matrices)
            if A.ndim == 1 and B.ndim == 1:
                ga, gb = g * B, g * A
            elif A.ndim == 1:
                ga = (B @ g[..., :, None])[..., 0]
                gb = A[:, None] * g[..., None, :]
            elif B.ndim == 1:
                ga = g[..., :, None] * B
                gb = (np.swapaxes(A, -1, -2) @ g[..., :, None])[..., 0]
            else:
                ga = g @ np.swapaxes(B, -1, -2) if a.requires_grad else None
                gb = np.swapaxes(A, -1, -2) @ g if b.requires_grad else None
            if a.requires_grad:
                _send(a, ga, True)
            if b.requires_grad:
                _send(b, gb, True)

        out._backward = backward
    return out
