"""Optimizers with torch.optim's names, defaults and update rules, in NumPy.

Each optimizer follows the algorithm box of the torch 2.x documentation and, operation by
operation, the single-tensor code path of torch 2.13 (`torch/optim/adam.py:_single_tensor_adam`
and friends), so a trajectory agrees with PyTorch's to about 1e-12 relative over hundreds of
steps (tests/engine/test_optim.py replays reference trajectories recorded with torch).

The one systematic difference: torch's CPU kernels for `add(alpha=)`, `addcmul` and `lerp` use a
fused multiply-add (one rounding), NumPy has none (two roundings), so single steps can differ in
the last bit.

Parameters are any objects with `.data` (a float ndarray, updated in place) and `.grad` (an
ndarray of the same shape, or None to skip that parameter for the step, as torch does).

Every hyperparameter may be a Python float or an ndarray broadcastable against the parameter:
an lr of shape (P, 1) on a parameter of shape (P, 2) steps P independent particles, each with
its own learning rate, and every row ends bitwise equal to stepping that particle alone. The
scalar coefficients torch computes in Python floats (bias corrections, NAdam's mu) are computed
with Python's `pow` for arrays too, since NumPy's vectorised `power` may differ in the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "HyperParam",
    "NAdam",
    "Optimizer",
    "OptimizerSpec",
    "RMSprop",
    "make_optimizer",
    "validate_hyperparameters",
]

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
    m = cond(x)
    if isinstance(m, np.ndarray):
        if m.all():
            return True
        if not m.any():
            return False
    return m if isinstance(m, np.ndarray) else bool(m)


def _nonzero(x: Scalar) -> bool | np.ndarray:
    return _mask(x, lambda v: v != 0)


def _lerp_(a: np.ndarray, end: np.ndarray, w: Scalar, tmp: np.ndarray) -> None:
    """a.lerp_(end, w) as torch computes it (a + w*(end-a) if |w| < 0.5 else end - (end-a)*(1-w))."""
    np.subtract(end, a, out=tmp)
    small = _mask(w, lambda v: np.abs(v) < 0.5)
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
        hp = self.hyperparameters
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            state = self.state.get(i)
            if state is None:
                state = self.state[i] = {"step": 0, **self._init_state(p.data, hp)}
                self._work[i] = {"t": np.empty_like(p.data), "g": np.empty_like(p.data)}
            state["step"] += 1
            self._update(p.data, g, state, self._work[i], hp)

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
        state = self.state.get(i)
        shape = self.params[i].data.shape
        v, s = self._view(i, state, self.hyperparameters)
        full = {}
        for key, arr in (("velocity", v), ("scale", s)):
            full[key] = None if arr is None else np.array(np.broadcast_to(arr, shape), float)
        return full

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


# --------------------------------------------------------------------------------------------
# The optimizers.


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, as torch.optim.SGD (torch 2.x).

    Per step, with g the gradient (negated if maximize):
        g <- g + weight_decay * p                          (if weight_decay != 0)
        if momentum != 0:
            b <- g                                         (first step: a copy, no dampening)
            b <- momentum * b + (1 - dampening) * g        (later steps)
            g <- g + momentum * b  if nesterov  else  b
        p <- p - lr * g
    State: step, momentum_buffer (only when momentum != 0).
    state_view: velocity = momentum_buffer (None without momentum); scale = lr.
    Array momentum may mix zero and nonzero rows; each row follows its own branch.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: Scalar = 1e-3,
        momentum: Scalar = 0,
        dampening: Scalar = 0,
        weight_decay: Scalar = 0,
        nesterov: bool = False,
        maximize: bool = False,
    ) -> None:
        if nesterov and (np.any(np.asarray(momentum) <= 0) or np.any(np.asarray(dampening) != 0)):
            raise ValueError("nesterov momentum requires momentum > 0 and dampening = 0")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _init_state(self, p, hp):
        return {"momentum_buffer": None} if _nonzero(hp["momentum"]) is not False else {}

    def _update(self, p, g, state, work, hp):
        t = work["t"]
        if hp["maximize"]:
            g = np.negative(g, out=work["g"])
        g = _with_weight_decay(p, g, hp["weight_decay"], work)
        momentum = hp["momentum"]
        use_momentum = _nonzero(momentum)
        if use_momentum is not False:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= momentum
                np.multiply(g, 1 - hp["dampening"], out=t)
                buf += t
            if hp["nesterov"]:
                np.multiply(buf, momentum, out=t)
                t += g
                d = t
            else:
                d = buf
            if use_momentum is not True:  # mixed rows: momentum-free rows step on g
                d = np.where(use_momentum, d, g)
        else:
            d = g
        np.multiply(d, -hp["lr"], out=t)
        p += t

    def _view(self, i, state, hp):
        buf = state.get("momentum_buffer") if state else None
        return buf, hp["lr"]


class Adagrad(Optimizer):
    """Adagrad, as torch.optim.Adagrad (torch 2.x).

    State sum starts at initial_accumulator_value. Per step t = 1, 2, ...:
        g   <- g + weight_decay * p                        (if weight_decay != 0)
        clr <- lr / (1 + (t - 1) * lr_decay)
        sum <- sum + g * g
        p   <- p - clr * g / (sqrt(sum) + eps)
    State: step, sum.
    state_view: velocity = None; scale = clr / (sqrt(sum) + eps) of the last step.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: Scalar = 1e-2,
        lr_decay: Scalar = 0,
        weight_decay: Scalar = 0,
        initial_accumulator_value: Scalar = 0,
        eps: Scalar = 1e-10,
    ) -> None:
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        super().__init__(params, defaults)

    def _init_state(self, p, hp):
        s = np.empty_like(p)
        s[...] = hp["initial_accumulator_value"]
        return {"sum": s}

    @staticmethod
    def _clr(hp, step):
        return hp["lr"] / (1 + (step - 1) * hp["lr_decay"])

    def _update(self, p, g, state, work, hp):
        t, s = work["t"], state["sum"]
        g = _with_weight_decay(p, g, hp["weight_decay"], work)
        clr = self._clr(hp, state["step"])
        np.multiply(g, g, out=t)
        s += t
        std = work.setdefault("std", np.empty_like(p))
        np.sqrt(s, out=std)
        std += hp["eps"]
        np.multiply(g, -clr, out=t)
        t /= std
        p += t

    def _view(self, i, state, hp):
        if not state:
            return None, None
        return None, self._clr(hp, state["step"]) / (np.sqrt(state["sum"]) + hp["eps"])


class RMSprop(Optimizer):
    """RMSprop, as torch.optim.RMSprop (torch 2.x).

    Per step:
        g  <- g + weight_decay * p                         (if weight_decay != 0)
        v  <- alpha * v + (1 - alpha) * g * g              (square_avg)
        if centered: m <- lerp(m, g, 1 - alpha); a <- sqrt(v - m * m) + eps   (grad_avg)
        else:        a <- sqrt(v) + eps
        if momentum > 0: b <- momentum * b + g / a;  p <- p - lr * b
        else:            p <- p - lr * g / a
    State: step, square_avg, momentum_buffer (if momentum > 0), grad_avg (if centered).
    state_view: velocity = momentum_buffer (None without momentum); scale = lr / a, from the
    current state (equal to the last step's).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: Scalar = 1e-2,
        alpha: Scalar = 0.99,
        eps: Scalar = 1e-8,
        weight_decay: Scalar = 0,
        momentum: Scalar = 0,
        centered: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
        )
        super().__init__(params, defaults)

    def _init_state(self, p, hp):
        st = {"square_avg": np.zeros_like(p)}
        if _nonzero(hp["momentum"]) is not False:
            st["momentum_buffer"] = np.zeros_like(p)
        if hp["centered"]:
            st["grad_avg"] = np.zeros_like(p)
        return st

    def _update(self, p, g, state, work, hp):
        t = work["t"]
        alpha = hp["alpha"]
        g = _with_weight_decay(p, g, hp["weight_decay"], work)
        sq = state["square_avg"]
        sq *= alpha
        np.multiply(g, 1 - alpha, out=t)
        t *= g
        sq += t
        avg = work.setdefault("avg", np.empty_like(p))
        if hp["centered"]:
            ga = state["grad_avg"]
            _lerp_(ga, g, 1 - alpha, t)
            np.multiply(ga, ga, out=t)
            np.subtract(sq, t, out=avg)
            np.sqrt(avg, out=avg)
        else:
            np.sqrt(sq, out=avg)
        avg += hp["eps"]
        lr = hp["lr"]
        use_momentum = _nonzero(hp["momentum"])
        if use_momentum is not False:
            buf = state["momentum_buffer"]
            if use_momentum is not True:  # mixed rows: keep the plain update for momentum 0
                plain = (-lr * g) / avg
            buf *= hp["momentum"]
            np.divide(g, avg, out=t)
            buf += t
            np.multiply(buf, -lr, out=t)
            if use_momentum is not True:
                np.copyto(t, plain, where=~np.broadcast_to(use_momentum, t.shape))
            p += t
        else:
            np.multiply(g, -lr, out=t)
            t /= avg
            p += t

    def _view(self, i, state, hp):
        if not state:
            return None, None
        sq = state["square_avg"]
        if hp["centered"]:
            sq = sq - state["grad_avg"] * state["grad_avg"]
        return state.get("momentum_buffer"), hp["lr"] / (np.sqrt(sq) + hp["eps"])


class Adam(Optimizer):
    """Adam, as torch.optim.Adam (torch 2.x); AdamW is the same with decoupled weight decay.

    Per step t = 1, 2, ...:
        p  <- p * (1 - lr * weight_decay)                  (AdamW only)
        g  <- g + weight_decay * p                         (Adam, if weight_decay != 0)
        m  <- lerp(m, g, 1 - beta1)                        (exp_avg)
        v  <- beta2 * v + (1 - beta2) * g * g              (exp_avg_sq)
        v^ <- max(v^, v)                                   (max_exp_avg_sq, if amsgrad)
        denom <- sqrt(v or v^) / sqrt(1 - beta2**t) + eps
        p  <- p - (lr / (1 - beta1**t)) * m / denom
    State: step, exp_avg, exp_avg_sq, max_exp_avg_sq (if amsgrad).
    state_view: velocity = exp_avg; scale = lr / (1 - beta1**t) / denom of the last step.
    """

    _decoupled = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: Scalar = 1e-3,
        betas: tuple[Scalar, Scalar] = (0.9, 0.999),
        eps: Scalar = 1e-8,
        weight_decay: Scalar = 0,
        amsgrad: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad
        )
        super().__init__(params, defaults)

    def _init_state(self, p, hp):
        st = {"exp_avg": np.zeros_like(p), "exp_avg_sq": np.zeros_like(p)}
        if hp["amsgrad"]:
            st["max_exp_avg_sq"] = np.zeros_like(p)
        return st

    @staticmethod
    def _denom(v, hp, step, out=None):
        """sqrt(v) / sqrt(1 - beta2**step) + eps and the step size lr / (1 - beta1**step)."""
        beta1, beta2 = hp["betas"]
        step_size = hp["lr"] / (1 - _pow(beta1, step))
        bc2_sqrt = _pow(1 - _pow(beta2, step), 0.5)
        out = np.sqrt(v, out=out)
        out /= bc2_sqrt
        out += hp["eps"]
        return out, step_size

    def _update(self, p, g, state, work, hp):
        t = work["t"]
        beta1, beta2 = hp["betas"]
        lr, wd = hp["lr"], hp["weight_decay"]
        if self._decoupled:
            if _nonzero(wd) is not False:
                p *= 1 - lr * wd
        else:
            g = _with_weight_decay(p, g, wd, work)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        _lerp_(m, g, 1 - beta1, t)
        v *= beta2
        np.multiply(g, 1 - beta2, out=t)
        t *= g
        v += t
        if hp["amsgrad"]:
            vmax = state["max_exp_avg_sq"]
            np.maximum(vmax, v, out=vmax)
            v = vmax
        denom = work.setdefault("denom", np.empty_like(p))
        _, step_size = self._denom(v, hp, state["step"], out=denom)
        np.multiply(m, -step_size, out=t)
        t /= denom
        p += t

    def _view(self, i, state, hp):
        if not state:
            return None, None
        v = state["max_exp_avg_sq"] if hp["amsgrad"] else state["exp_avg_sq"]
        denom, step_size = self._denom(v, hp, state["step"])
        return state["exp_avg"], step_size / denom


class AdamW(Adam):
    """AdamW, as torch.optim.AdamW (torch 2.x): Adam whose weight decay shrinks the parameter,
    p <- p * (1 - lr * weight_decay), before the moment updates instead of entering the
    gradient. Default weight_decay is 1e-2. State and state_view as Adam."""

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: Scalar = 1e-3,
        betas: tuple[Scalar, Scalar] = (0.9, 0.999),
        eps: Scalar = 1e-8,
        weight_decay: Scalar = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(
            params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad
        )


class NAdam(Optimizer):
    """NAdam (Adam with Nesterov momentum), as torch.optim.NAdam (torch 2.x,
    decoupled_weight_decay=False).

    With mu_t = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay)) and mu_product = prod mu_1..mu_t,
    per step t = 1, 2, ...:
        g  <- g + weight_decay * p                         (if weight_decay != 0)
        m  <- lerp(m, g, 1 - beta1)                        (exp_avg)
        v  <- beta2 * v + (1 - beta2) * g * g              (exp_avg_sq)
        denom <- sqrt(v / (1 - beta2**t)) + eps
        p  <- p - lr * (1 - mu_t) / (1 - mu_product) * g / denom
        p  <- p - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / denom
    State: step, mu_product, exp_avg, exp_avg_sq.
    state_view: velocity = exp_avg; scale = lr / denom of the last step (the two momentum
    weights above multiply it).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: Scalar = 2e-3,
        betas: tuple[Scalar, Scalar] = (0.9, 0.999),
        eps: Scalar = 1e-8,
        weight_decay: Scalar = 0,
        momentum_decay: Scalar = 4e-3,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
        )
        super().__init__(params, defaults)

    def _init_state(self, p, hp):
        return {"mu_product": 1.0, "exp_avg": np.zeros_like(p), "exp_avg_sq": np.zeros_like(p)}

    @staticmethod
    def _denom(v, hp, step, out=None):
        out = np.divide(v, 1 - _pow(hp["betas"][1], step), out=out)
        np.sqrt(out, out=out)
        out += hp["eps"]
        return out

    def _update(self, p, g, state, work, hp):
        t = work["t"]
        beta1, beta2 = hp["betas"]
        lr, md = hp["lr"], hp["momentum_decay"]
        step = state["step"]
        g = _with_weight_decay(p, g, hp["weight_decay"], work)
        mu = beta1 * (1.0 - 0.5 * _pow(0.96, step * md))
        mu_next = beta1 * (1.0 - 0.5 * _pow(0.96, (step + 1) * md))
        mu_product = state["mu_product"] = state["mu_product"] * mu
        m, v = state["exp_avg"], state["exp_avg_sq"]
        _lerp_(m, g, 1 - beta1, t)
        v *= beta2
        np.multiply(g, 1 - beta2, out=t)
        t *= g
        v += t
        denom = self._denom(v, hp, step, out=work.setdefault("denom", np.empty_like(p)))
        np.multiply(g, -lr * (1.0 - mu) / (1.0 - mu_product), out=t)
        t /= denom
        p += t
        mu_product_next = mu_product * mu_next
        np.multiply(m, (-lr * mu_next) / (1.0 - mu_product_next), out=t)
        t /= denom
        p += t

    def _view(self, i, state, hp):
        if not state:
            return None, None
        return state["exp_avg"], hp["lr"] / self._denom(state["exp_avg_sq"], hp, state["step"])


class Adadelta(Optimizer):
    """Adadelta, as torch.optim.Adadelta (torch 2.x).

    Per step:
        g  <- g + weight_decay * p                         (if weight_decay != 0)
        v  <- rho * v + (1 - rho) * g * g                  (square_avg)
        d  <- sqrt(u + eps) / sqrt(v + eps) * g            (u: acc_delta before this step)
        u  <- rho * u + (1 - rho) * d * d                  (acc_delta)
        p  <- p - lr * d
    State: step, square_avg, acc_delta.
    state_view: velocity = None; scale = lr * sqrt(u + eps) / sqrt(v + eps) of the last step
    (kept from the step itself, since u has moved on since).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: Scalar = 1.0,
        rho: Scalar = 0.9,
        eps: Scalar = 1e-6,
        weight_decay: Scalar = 0,
    ) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)
        super().__init__(params, defaults)

    def _init_state(self, p, hp):
        return {"square_avg": np.zeros_like(p), "acc_delta": np.zeros_like(p)}

    def _update(self, p, g, state, work, hp):
        t = work["t"]
        rho, eps = hp["rho"], hp["eps"]
        g = _with_weight_decay(p, g, hp["weight_decay"], work)
        sq, acc = state["square_avg"], state["acc_delta"]
        sq *= rho
        np.multiply(g, 1 - rho, out=t)
        t *= g
        sq += t
        std = work.setdefault("std", np.empty_like(p))
        np.add(sq, eps, out=std)
        np.sqrt(std, out=std)
        ratio = work.setdefault("ratio", np.empty_like(p))
        np.add(acc, eps, out=ratio)
        np.sqrt(ratio, out=ratio)
        ratio /= std
        delta = np.multiply(ratio, g, out=std)
        acc *= rho
        np.multiply(delta, 1 - rho, out=t)
        t *= delta
        acc += t
        np.multiply(delta, -hp["lr"], out=t)
        p += t

    def _view(self, i, state, hp):
        if not state:
            return None, None
        return None, hp["lr"] * self._work[i]["ratio"]


# --------------------------------------------------------------------------------------------
# The registry: the single source for the web API schema and the page's pickers.

HYPER_TYPES = ("float", "int", "bool", "pair")


@dataclass(frozen=True)
class HyperParam:
    """One hyperparameter: torch's name, its type, default and allowed range.

    type is "float", "int", "bool" or "pair" (two floats, e.g. betas; min/max apply to each).
    Bounds are closed unless min_open / max_open; bool hyperparameters have no bounds. `log`
    hints that a slider should move on a log scale.
    """

    name: str
    type: str
    default: Any
    description: str
    min: float | None = None
    max: float | None = None
    min_open: bool = False
    max_open: bool = False
    log: bool = False

    def as_dict(self) -> dict[str, Any]:
        default = list(self.default) if isinstance(self.default, tuple) else self.default
        return {
            "name": self.name,
            "type": self.type,
            "default": default,
            "min": self.min,
            "max": self.max,
            "min_open": self.min_open,
            "max_open": self.max_open,
            "log": self.log,
            "description": self.description,
        }

    def bounds_text(self) -> str:
        lo = f"> {self.min:g}" if self.min_open else f">= {self.min:g}"
        hi = f"< {self.max:g}" if self.max_open else f"<= {self.max:g}"
        return f"must be {lo} and {hi}"

    def check(self, value: Any) -> Any:
        """The value coerced to its type (float, int, bool, tuple, or float64 array for
        particles); ValueError naming the hyperparameter if it is of the wrong kind or range."""
        if self.type == "bool":
            if isinstance(value, bool | np.bool_):
                return bool(value)
            raise ValueError(f"{self.name} must be true or false, got {value!r}")
        if self.type == "pair":
            if isinstance(value, str | bytes) or not hasattr(value, "__len__") or len(value) != 2:
                raise ValueError(f"{self.name} must be a pair of numbers, got {value!r}")
            return tuple(self._number(v, f"{self.name}[{k}]") for k, v in enumerate(value))
        return self._number(value, self.name)

    def _number(self, value: Any, label: str) -> Any:
        if isinstance(value, bool | np.bool_) or not isinstance(
            value, int | float | np.integer | np.floating | np.ndarray
        ):
            raise ValueError(f"{label} must be a number, got {value!r}")
        arr = np.asarray(value)
        if arr.dtype.kind not in "iuf":
            raise ValueError(f"{label} must be a number, got {value!r}")
        if not np.isfinite(arr).all():
            raise ValueError(f"{label} must be a finite number, got {value!r}")
        if self.type == "int" and not np.array_equal(arr, np.round(arr)):
            raise ValueError(f"{label} must be a whole number, got {value!r}")
        too_low = arr <= self.min if self.min_open else arr < self.min
        too_high = arr >= self.max if self.max_open else arr > self.max
        if np.any(too_low) or np.any(too_high):
            bad = value if arr.ndim == 0 else arr[too_low | too_high].ravel()[0]
            shown = f"{bad:g}" if isinstance(bad, int | float | np.number) else repr(bad)
            raise ValueError(f"{label} {self.bounds_text()}, got {shown}")
        if isinstance(value, np.ndarray) and value.ndim > 0:
            return arr.astype(np.float64)
        return int(arr) if self.type == "int" else float(arr)


@dataclass(frozen=True)
class OptimizerSpec:
    """A registry entry: the class, its display name, a one-line description and its
    hyperparameters in torch's constructor order."""

    cls: type[Optimizer]
    display_name: str
    description: str
    hyperparameters: tuple[HyperParam, ...] = field(default_factory=tuple)

    def defaults(self) -> dict[str, Any]:
        return {h.name: h.default for h in self.hyperparameters}

    def hyperparameter(self, name: str) -> HyperParam | None:
        return next((h for h in self.hyperparameters if h.name == name), None)


def _lr(default: float) -> HyperParam:
    return HyperParam("lr", "float", default, "learning rate", 0.0, 10.0, min_open=True, log=True)


def _eps(default: float) -> HyperParam:
    return HyperParam(
        "eps",
        "float",
        default,
        "added to the denominator for stability",
        0.0,
        1.0,
        min_open=True,
        log=True,
    )


def _wd(default: float = 0.0, text: str = "L2 penalty added to the gradient") -> HyperParam:
    return HyperParam("weight_decay", "float", default, text, 0.0, 1.0)


def _momentum(text: str) -> HyperParam:
    return HyperParam("momentum", "float", 0.0, text, 0.0, 1.0, max_open=True)


_BETAS = HyperParam(
    "betas",
    "pair",
    (0.9, 0.999),
    "decay rates of the running means of the gradient and its square",
    0.0,
    1.0,
    max_open=True,
)


OPTIMIZERS: dict[str, OptimizerSpec] = {
    "sgd": OptimizerSpec(
        SGD,
        "SGD",
        "Gradient descent, optionally with (Nesterov) momentum.",
        (
            _lr(1e-3),
            _momentum("momentum factor"),
            HyperParam("dampening", "float", 0.0, "dampening of the momentum", 0.0, 1.0),
            _wd(),
            HyperParam("nesterov", "bool", False, "use Nesterov momentum"),
            HyperParam("maximize", "bool", False, "ascend instead of descend"),
        ),
    ),
    "adagrad": OptimizerSpec(
        Adagrad,
        "Adagrad",
        "Per-coordinate steps shrink with the sum of all past squared gradients.",
        (
            _lr(1e-2),
            HyperParam("lr_decay", "float", 0.0, "learning-rate decay per step", 0.0, 1.0),
            _wd(),
            HyperParam(
                "initial_accumulator_value",
                "float",
                0.0,
                "starting value of the squared-gradient sum",
                0.0,
                10.0,
            ),
            _eps(1e-10),
        ),
    ),
    "rmsprop": OptimizerSpec(
        RMSprop,
        "RMSprop",
        "Per-coordinate steps divided by a running RMS of the gradient.",
        (
            _lr(1e-2),
            HyperParam(
                "alpha",
                "float",
                0.99,
                "decay rate of the squared-gradient average",
                0.0,
                1.0,
                max_open=True,
            ),
            _eps(1e-8),
            _wd(),
            _momentum("momentum factor"),
            HyperParam("centered", "bool", False, "divide by the variance, not the raw RMS"),
        ),
    ),
    "adam": OptimizerSpec(
        Adam,
        "Adam",
        "Momentum plus RMS scaling, with bias correction.",
        (
            _lr(1e-3),
            _BETAS,
            _eps(1e-8),
            _wd(),
            HyperParam("amsgrad", "bool", False, "divide by the largest RMS seen so far"),
        ),
    ),
    "adamw": OptimizerSpec(
        AdamW,
        "AdamW",
        "Adam with decoupled weight decay.",
        (
            _lr(1e-3),
            _BETAS,
            _eps(1e-8),
            _wd(1e-2, "decoupled decay: the parameter shrinks by lr * weight_decay per step"),
            HyperParam("amsgrad", "bool", False, "divide by the largest RMS seen so far"),
        ),
    ),
    "nadam": OptimizerSpec(
        NAdam,
        "NAdam",
        "Adam with Nesterov momentum.",
        (
            _lr(2e-3),
            _BETAS,
            _eps(1e-8),
            _wd(),
            HyperParam("momentum_decay", "float", 4e-3, "how fast the momentum warms up", 0.0, 1.0),
        ),
    ),
    "adadelta": OptimizerSpec(
        Adadelta,
        "Adadelta",
        "Steps scaled by the ratio of running RMS of updates and of gradients.",
        (
            HyperParam(
                "lr",
                "float",
                1.0,
                "coefficient applied to the delta",
                0.0,
                10.0,
                min_open=True,
                log=True,
            ),
            HyperParam("rho", "float", 0.9, "decay rate of the running averages", 0.0, 1.0),
            _eps(1e-6),
            _wd(),
        ),
    ),
}


def validate_hyperparameters(name: str, **hp: Any) -> dict[str, Any]:
    """Every hyperparameter of optimizer `name`, defaults filled in, values checked and coerced.

    ValueError with a message meant for people: "unknown optimizer 'x', use one of ...",
    "unknown hyperparameter 'betas1' for adam", "lr must be > 0 and <= 10, got -1".
    """
    key = str(name).lower()
    spec = OPTIMIZERS.get(key)
    if spec is None:
        raise ValueError(f"unknown optimizer '{name}', use one of {', '.join(OPTIMIZERS)}")
    out = spec.defaults()
    for k, v in hp.items():
        h = spec.hyperparameter(k)
        if h is None:
            known = ", ".join(h.name for h in spec.hyperparameters)
            raise ValueError(f"unknown hyperparameter '{k}' for {key} (it takes {known})")
        out[k] = h.check(v)
    return out


def make_optimizer(name: str, params: Iterable[Any], **hp: Any) -> Optimizer:
    """The optimizer `name` (a key of OPTIMIZERS, any case) over `params`, after validating
    every hyperparameter against the registry's types and bounds (ValueError otherwise)."""
    values = validate_hyperparameters(name, **hp)
    return OPTIMIZERS[str(name).lower()].cls(params, **values)
