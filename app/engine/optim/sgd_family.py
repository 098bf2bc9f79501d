"""SGD, Adagrad, RMSprop and Adadelta with torch.optim's names, defaults and update rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from app.engine.optim.base import (
    Optimizer,
    Scalar,
    _lerp_,
    _nonzero,
    _with_weight_decay,
)


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

    _scratch = ("std",)

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
        std = work["std"]
        np.sqrt(s, out=std)
        std += hp["eps"]
        np.multiply(g, -clr, out=t)
        t /= std
        p += t

    def _view(self, i, state, hp):
        if not state:
            return None, None
        # sqrt(sum) + eps of the last step is still in its work buffer.
        return None, self._clr(hp, state["step"]) / self._work[i]["std"]


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

    _scratch = ("avg",)

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
        avg = work["avg"]
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
        # The last step's sqrt(square_avg [- grad_avg^2]) + eps is still in its work buffer.
        return state.get("momentum_buffer"), hp["lr"] / self._work[i]["avg"]


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

    _scratch = ("std", "ratio")

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
        std = work["std"]
        np.add(sq, eps, out=std)
        np.sqrt(std, out=std)
        ratio = work["ratio"]
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
