"""The op table: each op is a NumPy forward plus a closure that adds into its parents' grad."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from app.engine.tensor import Tensor, _make, _send

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


# -- arithmetic --------------------------------------------------------------------------------


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


def linear(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """x @ weight + bias as one fused op; weight has shape (in, out), bias (out,)."""
    x, weight = _pair(x, weight)
    y = x.data @ weight.data
    parents: tuple[Tensor, ...] = (x, weight)
    if bias is not None:
        bias = _lift(bias, weight.data.dtype)
        y += bias.data  # y is ours: add in place, saving a temporary
        parents = (x, weight, bias)
    out = _make(np.asarray(y), parents)
    if out.requires_grad:

        def backward(g: np.ndarray) -> None:
            W, X = weight.data, x.data
            # d(xW+b)/dx = g W^T, d/dW = x^T g (summed over batch dims), d/db = sum of g
            if x.requires_grad:
                _send(x, g @ W.T, True)
            if weight.requires_grad:
                if X.ndim == 2:
                    _send(weight, X.T @ g, True)
                else:
                    _send(weight, X.reshape(-1, X.shape[-1]).T @ g.reshape(-1, g.shape[-1]), True)
            if bias is not None and bias.requires_grad:
                _send(bias, g)  # unbroadcast sums the batch axes

        out._backward = backward
    return out


# -- elementwise functions ---------------------------------------------------------------------

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


# -- reductions --------------------------------------------------------------------------------


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


# -- shape ops ---------------------------------------------------------------------------------


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


# -- installing operators and methods on Tensor ------------------------------------------------


def _swap(op: Callable[[Any, Any], Tensor]) -> Callable[[Tensor, Any], Tensor]:
    def reflected(self: Tensor, other: Any) -> Tensor:
        return op(other, self)

    reflected.__name__ = f"r{op.__name__}"
    return reflected


METHODS: dict[str, Callable] = {
    "__add__": add,
    "__radd__": add,
    "__sub__": sub,
    "__rsub__": _swap(sub),
    "__mul__": mul,
    "__rmul__": mul,
    "__truediv__": div,
    "__rtruediv__": _swap(div),
    "__pow__": pow,
    "__rpow__": _swap(pow),
    "__matmul__": matmul,
    "__rmatmul__": _swap(matmul),
    "__neg__": neg,
    "__getitem__": getitem,
    "sum": sum,
    "mean": mean,
    "max": max,
    "min": min,
    "reshape": reshape,
    "transpose": transpose,
    "exp": exp,
    "log": log,
    "log1p": log1p,
    "sqrt": sqrt,
    "abs": abs,
    "__abs__": abs,
    "sin": sin,
    "cos": cos,
    "tan": tan,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "relu": relu,
    "clip": clip,
    "softmax": softmax,
    "log_softmax": log_softmax,
}

for _name, _fn in METHODS.items():
    setattr(Tensor, _name, _fn)
Tensor.T = property(lambda self: transpose(self), doc="The reversed-axes transpose.")
