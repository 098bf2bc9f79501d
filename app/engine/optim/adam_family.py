"""Adam, AdamW and NAdam with torch.optim's names, defaults and update rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from app.engine.optim.base import (
    Optimizer,
    Scalar,
    _lerp_,
    _nonzero,
    _pow,
    _with_weight_decay,
)


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

    _scratch = ("denom",)

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
        denom = work["denom"]
        _, step_size = self._denom(v, hp, state["step"], out=denom)
        np.multiply(m, -step_size, out=t)
        t /= denom
        p += t

    def _view(self, i, state, hp):
        if not state:
            return None, None
        # The last step left its denominator in the work buffer (v has not moved since).
        step_size = hp["lr"] / (1 - _pow(hp["betas"][0], state["step"]))
        return state["exp_avg"], step_size / self._work[i]["denom"]


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

    _scratch = ("denom",)

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
        denom = self._denom(v, hp, step, out=work["denom"])
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
        # The last step left its denominator in the work buffer (v has not moved since).
        return state["exp_avg"], hp["lr"] / self._work[i]["denom"]
