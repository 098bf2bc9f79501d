"""The op table: each op is a NumPy forward plus a closure that adds into its parents' grad.

Ops live in small modules by kind; this package re-exports them all and installs the
operators and methods on Tensor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.engine.ops._common import _axis, _lift, _pair, _scalar  # noqa: F401
from app.engine.ops.arith import (  # noqa: F401
    add,
    div,
    matmul,
    mul,
    neg,
    pow,
    sub,
)
from app.engine.ops.dense import linear  # noqa: F401
from app.engine.ops.pointwise import (  # noqa: F401
    _sigmoid,
    abs,
    clip,
    cos,
    cosh,
    exp,
    leaky_relu,
    log,
    log1p,
    maximum,
    minimum,
    relu,
    sigmoid,
    sin,
    sinh,
    softplus,
    sqrt,
    tan,
    tanh,
    where,
)
from app.engine.ops.reduce import (  # noqa: F401
    log_softmax,
    max,
    mean,
    min,
    softmax,
    sum,
)
from app.engine.ops.shape import (  # noqa: F401
    concatenate,
    getitem,
    reshape,
    stack,
    transpose,
)
from app.engine.tensor import Tensor


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
