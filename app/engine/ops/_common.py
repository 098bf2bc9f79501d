"""Helpers shared by the op modules: lifting operands to Tensors, axes, scalars."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.engine.tensor import Tensor

# Subgradients at kinks (documented choices):
#   abs'(0) = 0, relu'(0) = 0, leaky_relu'(0) = negative_slope (as torch);
#   max/min (reductions) and maximum/minimum split the gradient equally among tied entries;
#   clip passes the gradient where lo <= x <= hi, bounds included (as torch.clamp), else 0.
# Backward closures capture the output's array, never the output Tensor: a Tensor holding a
# closure that holds the Tensor is a reference cycle, and graphs would then wait for the
# garbage collector instead of being freed as soon as the loss is dropped.


def _lift(x: Any, dtype: Any = np.float64) -> Tensor:
    """A Tensor as is; anything else as a constant leaf of `dtype` (a Tensor operand's dtype,
    so float32 graphs stay float32 when mixed with Python or NumPy numbers)."""
    if isinstance(x, Tensor):
        return x
    return Tensor._leaf(np.asarray(x, dtype=dtype))


def _pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    if isinstance(a, Tensor):
        if type(b) is float or type(b) is int:
            return a, _scalar(b)
        return a, _lift(b, a.data.dtype)
    if isinstance(b, Tensor):
        if type(a) is float or type(a) is int:
            return _scalar(a), b
        return _lift(a, b.data.dtype), b
    a = _lift(a)
    return a, _lift(b)


def _scalar(x: float) -> Tensor:
    """A Python number as an internal constant operand. Its .data stays a Python number:
    NumPy treats those as weakly typed (float32 stays float32), and converting one to an
    array would cost more than the op it feeds. Never returned to callers."""
    t = _new(Tensor)
    t.data = x
    t.grad = t._backward = None
    t.requires_grad = False
    t._parents = ()
    return t


_new = object.__new__


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis
