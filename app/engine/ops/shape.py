"""Shape ops: reshape, transpose, indexing, concatenate and stack."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from app.engine.ops._common import _lift
from app.engine.tensor import Tensor, _make, _send


def reshape(x: Any, *shape: Any) -> Tensor:
    x = _lift(x)
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])
    out = _make(x.data.reshape(shape), (x,))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # reshape moves no values: the gradient is reshaped back
            _send(x, g.reshape(x.data.shape))

        out._backward = backward
    return out


def transpose(x: Any, *axes: Any) -> Tensor:
    x = _lift(x)
    if len(axes) == 1 and isinstance(axes[0], tuple | list):
        axes = tuple(axes[0])
    perm = tuple(axes) if axes else tuple(reversed(range(x.data.ndim)))
    out = _make(x.data.transpose(perm), (x,))
    if out.requires_grad:
        inverse = tuple(np.argsort(perm))

        def backward(g: np.ndarray) -> None:
            # transposing permutes values: the gradient takes the inverse permutation
            _send(x, g.transpose(inverse))

        out._backward = backward
    return out


def _basic(idx: Any) -> bool:
    parts = idx if isinstance(idx, tuple) else (idx,)
    return builtins.all(
        p is None or p is Ellipsis or isinstance(p, slice) or type(p) is int for p in parts
    )


def getitem(x: Any, idx: Any) -> Tensor:
    """x[idx] for ints, slices, None, Ellipsis, integer arrays and boolean masks."""
    x = _lift(x)
    if isinstance(idx, Tensor):
        idx = idx.data
    elif isinstance(idx, tuple):
        idx = tuple(i.data if isinstance(i, Tensor) else i for i in idx)
    basic = _basic(idx)
    out = _make(np.asarray(x.data[idx]), (x,))
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            # d x[idx]/dx scatters g back; repeated fancy indices add up (np.add.at)
            full = np.zeros_like(x.data)
            if basic:
                full[idx] = g
            else:
                np.add.at(full, idx, g)
            _send(x, full, True)

        out._backward = backward
    return out


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    ts = [_lift(t) for t in tensors]
    out = _make(np.concatenate([t.data for t in ts], axis=axis), tuple(ts))
    if out.requires_grad:
        ends = np.cumsum([t.data.shape[axis] for t in ts])[:-1]

        def backward(g: np.ndarray) -> None:
            # each input receives its own slice of g
            for t, part in zip(ts, np.split(g, ends, axis=axis), strict=True):
                if t.requires_grad:
                    _send(t, part)

        out._backward = backward
    return out


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    ts = [_lift(t) for t in tensors]
    out = _make(np.stack([t.data for t in ts], axis=axis), tuple(ts))
    if out.requires_grad:
        ax = axis % out.data.ndim

        def backward(g: np.ndarray) -> None:
            # each input receives its own index of g along the new axis
            for i, t in enumerate(ts):
                if t.requires_grad:
                    _send(t, g[(slice(None),) * ax + (i,)])

        out._backward = backward
    return out
