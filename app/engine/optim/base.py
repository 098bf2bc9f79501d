"""The Optimizer base class and elementwise helpers that keep torch's rounding order."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

Scalar = float | np.ndarray


# --------------------------------------------------------------------------------------------
# Elementwise helpers that keep torch's rounding order and work for floats and arrays alike.


def _pow(base: Scalar, exp: Scalar) -> Scalar:
    """`base ** exp` with C's pow (as Python floats do), elementwise when either is an array."""
    if not isinstance(base, np.ndarray) and not isinstance(exp, np.ndarray):
        return base**exp
    b, e = np.broadcast_arrays(np.asarray(base, dtype=np.float64), np.asarray(exp, np.float64))
    pairs, inv = np.unique(np.stack([b.ravel(), e.ravel()], axis=1), axis=0, return_inverse=True)
    vals = np.array([math.pow(x, y) for x, y in pairs.tolist()])
    return vals[inv.ravel()].reshape(b.shape)


def _mask(x: Scalar, cond) -> bool | np.ndarray:
    """cond(x) as True/False when it holds for every element, else the boolean mask."""
    if type(x) is float or type(x) is int:  # the usual scalar hyperparameter: no NumPy
        return bool(cond(x))
    m = cond(x)
    if isinstance(m, np.ndarray):
        if m.all():
            return True
        if not m.any():
            return False
    return m if isinstance(m, np.ndarray) else bool(m)


def _nonzero(x: Scalar) -> bool | np.ndarray:
    if type(x) is float or type(x) is int:
        return x != 0
    return _mask(x, lambda v: v != 0)


def _lerp_(a: np.ndarray, end: np.ndarray, w: Scalar, tmp: np.ndarray) -> None:
    """a.lerp_(end, w) as torch computes it (a + w*(end-a) if |w| < 0.5 else end - (end-a)*(1-w))."""
    np.subtract(end, a, out=tmp)
    small = abs(w) < 0.5 if type(w) is float else _mask(w, lambda v: np.abs(v) < 0.5)
    if small is True:
        tmp *= w
        a += tmp
    elif small is False:
        tmp *= 1 - w
        np.subtract(end, tmp, out=a)
    else:
        np.copyto(a, np.where(small, a + w * tmp, end - tmp * (1 - w)))


def _with_weight_decay(p: np.ndarray, g: np.ndarray, wd: Scalar, work: dict) -> np.ndarray:
    """grad.add(param, alpha=weight_decay): g + wd*p, into work["g"]; g itself when wd is 0.

    With an array weight_decay the sum is formed for every row; rows whose decay is 0 get
    g + 0*p, which equals g for finite parameters."""
    if _nonzero(wd) is False:
        return g
    tmp, out = work["t"], work["g"]
    np.multiply(p, wd, out=tmp)
    return np.add(g, tmp, out=out)


# --------------------------------------------------------------------------------------------
# The base class.


class Optimizer:
    """Common machinery: parameter list, hyperparameters, lazily created per-parameter state.

    `state[i]` belongs to `params[i]` and holds torch's state names (`step` as an int plus the
    optimizer's buffers); it is created on the first step in which that parameter has a grad.
    `hyperparameters` holds every value the update uses and is read at each step, so a schedule
    may change `hyperparameters["lr"]` between steps.
    """

    # Scratch arrays a subclass's update needs besides "t" and "g", made once per parameter.
    _scratch: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        self.hyperparameters: dict[str, Any] = dict(defaults)
        self.state: dict[int, dict[str, Any]] = {}
        self._work: dict[int, dict[str, np.ndarray]] = {}

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear gradients: set every `.grad` to None (torch's default) or, with
        set_to_none=False, fill existing gradient arrays with zeros in place."""
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad[...] = 0

    def step(self) -> None:
        """One update of every parameter whose `.grad` is not None."""
        hp, states, update = self.hyperparameters, self.state, self._update
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            state = states.get(i)
            if state is None:
                state = states[i] = {"step": 0, **self._init_state(p.data, hp)}
                names = ("t", "g", *self._scratch)
                self._work[i] = {name: np.empty_like(p.data) for name in names}
            state["step"] += 1
            update(p.data, g, state, self._work[i], hp)

    def state_view(self, i: int) -> dict[str, np.ndarray | None]:
        """What a picture of parameter i's optimizer state needs, as fresh full-shape arrays.

        "velocity": the momentum-like buffer (None if the optimizer has none or it is not yet
        created). "scale": the effective per-coordinate step multiplier of the last step; each
        class's docstring gives its formula. With g the gradient after weight decay, the last
        update was:
            -scale * g         SGD without momentum, Adagrad, RMSprop without momentum, Adadelta
            -scale * velocity  SGD with momentum (not Nesterov), Adam, AdamW (plus its decay)
            -lr * velocity     RMSprop with momentum (velocity is already divided by the RMS)
        and for NAdam, -scale * (c1 * g + c2 * velocity) with the two momentum weights.
        Both are None before the parameter's first step, except SGD's scale (lr), which is
        known before. Arrays are copies broadcast to the parameter's shape.
        """
        shape = self.params[i].data.shape
        v, s = self.live_state_view(i)
        full = {}
        for key, arr in (("velocity", v), ("scale", s)):
            full[key] = None if arr is None else np.array(np.broadcast_to(arr, shape), float)
        return full

    def live_state_view(self, i: int) -> tuple[Any, Any]:
        """(velocity, scale) as state_view defines them, but neither copied nor broadcast:
        they may be live state buffers or scalars. For hot loops that copy them out at once."""
        return self._view(i, self.state.get(i), self.hyperparameters)

    # Subclasses implement these three.
    def _init_state(self, p: np.ndarray, hp: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _update(self, p, g, state, work, hp) -> None:
        raise NotImplementedError

    def _view(self, i, state, hp) -> tuple[Any, Any]:
        return None, None

    def __repr__(self) -> str:
        hp = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}({hp})"
