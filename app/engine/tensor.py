"""Tensor: a NumPy array that records the ops applied to it, and reverse-mode backward()."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["Tensor", "no_grad", "enable_grad", "is_grad_enabled", "unbroadcast"]


class _GradMode(threading.local):
    # Per thread, so a no_grad() in one server worker never disables graphs in another.
    enabled = True


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True unless inside no_grad() on this thread."""
    return _mode.enabled


class no_grad:
    """Context manager (and decorator) inside which ops record no graph: results never
    require grad, so forward passes run at bare NumPy cost. Per thread."""

    __slots__ = ("_prev",)

    def __enter__(self) -> no_grad:
        self._prev = _mode.enabled
        _mode.enabled = False
        return self

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self._prev

    def __call__(self, fn: Callable) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with no_grad():
                return fn(*args, **kwargs)

        wrapper.__name__ = getattr(fn, "__name__", "wrapper")
        wrapper.__doc__ = fn.__doc__
        return wrapper


class enable_grad(no_grad):
    """Context manager that turns graph recording back on inside a no_grad() block."""

    __slots__ = ()

    def __enter__(self) -> enable_grad:
        self._prev = _mode.enabled
        _mode.enabled = True
        return self


def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum g over the axes that broadcasting added or stretched, so it has `shape`.

    Every gradient goes through here. Returns g itself (no copy) when the shape already
    matches; otherwise a fresh array."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra and shape and g.shape[extra:] == shape:
        # Only leading axes to sum (a bias broadcast over a batch): one BLAS vector-matrix
        # product is about 5x faster than g.sum(axis=0) for (256, 16).
        if extra == 1 and len(shape) == 1:
            return np.dot(_ones(g.shape[0], g.dtype), g)
        rows = g.reshape(-1, g[(0,) * extra].size)
        return np.dot(_ones(rows.shape[0], g.dtype), rows).reshape(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    # sum() over every axis gives a NumPy scalar; keep arrays everywhere.
    return np.asarray(g).reshape(shape)


_ONES: dict[tuple[int, np.dtype], np.ndarray] = {}


def _ones(n: int, dtype: np.dtype) -> np.ndarray:
    """A read-only vector of n ones, kept between calls: allocating it cost as much as the
    product it feeds. A batch size rarely changes, so the cache stays tiny; it is emptied
    should it ever grow past a few dozen sizes."""
    key = (n, dtype)
    v = _ONES.get(key)
    if v is None:
        if len(_ONES) >= 64:
            _ONES.clear()
        v = np.ones(n, dtype=dtype)
        v.flags.writeable = False
        _ONES[key] = v
    return v


def _send(t: Tensor, g: np.ndarray, fresh: bool = False) -> None:
    """Add the gradient g (for a result that t fed) into t.grad.

    `fresh` says g was made for t alone and nobody else holds it, so it may become t.grad
    without a copy. Leaf grads are always arrays t owns (optimizers zero them in place);
    intermediate grads may share memory with one another, so they are never updated in place.
    """
    if type(g) is not np.ndarray:  # a NumPy scalar from 0-d arithmetic
        g = np.asarray(g)
        fresh = True
    data = t.data
    if g.shape != data.shape:
        g = unbroadcast(g, data.shape)
        fresh = True
    if g.dtype is not data.dtype and g.dtype != data.dtype:
        g = g.astype(data.dtype)
        fresh = True
    if t._backward is None:  # a leaf
        if t.grad is None:
            t.grad = g if fresh else g.copy()
        else:
            t.grad += g
    elif t.grad is None:
        t.grad = g
    else:
        t.grad = t.grad + g


def _make(data: np.ndarray, parents: tuple[Tensor, ...]) -> Tensor:
    """Wrap an op's result without copying; record parents only when a gradient can flow.

    Parents that need no grad stay in `_parents` (the walk skips them): filtering here would
    cost more than the walk does."""
    t = _new(Tensor)
    # ufuncs on 0-d arrays return NumPy scalars; .data is always an ndarray
    t.data = data if type(data) is np.ndarray else np.asarray(data)
    t.grad = None
    t._backward = None
    t.requires_grad = False
    t._parents = ()
    if _mode.enabled:
        for p in parents:
            if p.requires_grad:
                t.requires_grad = True
                t._parents = parents
                break
    return t


_new = object.__new__


class Tensor:
    """An n-d float array with an optional gradient.

    Tensor(data, requires_grad=False, dtype=None) copies `data` (as torch.tensor does) into a
    float64 array, or `dtype` when given. Results of ops hold their parents and a backward
    closure; backward() fills `.grad` on every tensor of the graph that requires grad
    (intermediate results included, which the step-through view reads). Operators and
    methods (+ - * / ** @, indexing, sum, exp, ...) are installed from the op table in
    app/engine/ops.py.
    """

    __slots__ = ("data", "grad", "requires_grad", "_backward", "_parents", "__weakref__")
    # NumPy defers to our reflected operators (ndarray + Tensor -> Tensor.__radd__) instead of
    # looping over a Tensor as an object array.
    __array_ufunc__ = None

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        if isinstance(data, Tensor):
            data = data.data
        self.data: np.ndarray = np.array(data, dtype=np.float64 if dtype is None else dtype)
        self.grad: np.ndarray | None = None
        self.requires_grad = bool(requires_grad)
        self._backward: Callable[[np.ndarray], None] | None = None
        self._parents: tuple[Tensor, ...] = ()

    # -- array-like attributes ----------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> float:
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        data = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return data.copy() if copy and data is self.data else data

    def __bool__(self) -> bool:
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.data)

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({np.array2string(self.data, precision=4)}{grad})"

    # -- graph --------------------------------------------------------------------------------
    def detach(self) -> Tensor:
        """The same data (shared) as a new leaf that requires no grad."""
        return Tensor._leaf(self.data)

    @staticmethod
    def _leaf(data: np.ndarray) -> Tensor:
        return _make(data, ())

    def zero_grad(self) -> None:
        self.grad = None

    def _topo_order(self) -> list[Tensor]:
        """Nodes that require grad, each after every node that consumes it (root first).

        Iterative post-order DFS: recursion would overflow on long chains."""
        order: list[Tensor] = []
        seen = {self}  # Tensors hash by identity
        stack = [(self, iter(self._parents))]
        while stack:
            node, parents = stack[-1]
            for p in parents:
                if p.requires_grad and p not in seen:
                    seen.add(p)
                    stack.append((p, iter(p._parents)))
                    break
            else:
                stack.pop()
                order.append(node)
        order.reverse()
        return order

    def backward(self, grad: Any = None) -> None:
        """Fill `.grad` of every tensor this one depends on. Leaf grads accumulate across
        calls; intermediate grads are recomputed. `grad` defaults to 1 for a scalar."""
        if not self.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad")
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() needs a grad argument for a non-scalar of shape {self.shape}"
                )
            seed = np.ones_like(self.data)
        else:
            g = grad.data if isinstance(grad, Tensor) else grad
            if type(g) is np.ndarray and g.shape == self.data.shape and g.dtype == self.data.dtype:
                seed = g.copy()  # the common case, without broadcast_to's overhead
            else:
                seed = np.array(np.broadcast_to(g, self.data.shape), dtype=self.data.dtype)
        order = self._topo_order()
        for node in order:
            if node._backward is not None:
                node.grad = None  # intermediate grads belong to this pass only
        _send(self, seed, fresh=True)
        for node in order:
            if node._backward is not None and node.grad is not None:
                node._backward(node.grad)


# The op table installs operators and methods on Tensor; imported last because it needs Tensor.
from app.engine import ops as _ops  # noqa: E402, F401
