"""Losses against closed forms written here in plain math, saturated inputs, and gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.engine import Tensor
from app.engine.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
)
from tests.engine.gradcheck import check_grads

REDUCTIONS = ["mean", "sum", "none"]


def reduce(per: np.ndarray, reduction: str, n: int | None = None) -> np.ndarray:
    if reduction == "none":
        return per
    return per.sum() / (per.size if n is None else n) if reduction == "mean" else per.sum()


# -- closed forms, element by element with the math module -------------------------------------


def bce_closed(p: float, y: float) -> float:
    log_p = max(math.log(p), -100.0) if p > 0 else -100.0
    log_q = max(math.log(1 - p), -100.0) if p < 1 else -100.0
    return -(y * log_p + (1 - y) * log_q)


def bce_logits_closed(z: float, y: float) -> float:
    # -(y log s(z) + (1-y) log(1-s(z))) with log s(z) = -log(1+e^-z), log(1-s(z)) = -log(1+e^z)
    def log1pexp(t: float) -> float:
        return t + math.log1p(math.exp(-t)) if t > 0 else math.log1p(math.exp(t))

    return y * log1pexp(-z) + (1 - y) * log1pexp(z)


def ce_closed(row: list[float], target: list[float]) -> float:
    m = max(row)
    lse = m + math.log(sum(math.exp(v - m) for v in row))
    return -sum(t * (v - lse) for v, t in zip(row, target, strict=True))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_closed_form_and_grad(reduction, rng) -> None:
    pred, target = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    per = np.array(
        [
            [(p - t) ** 2 for p, t in zip(r1, r2, strict=True)]
            for r1, r2 in zip(pred, target, strict=True)
        ]
    )
    out = mse_loss(pred, target, reduction=reduction)
    np.testing.assert_allclose(out.data, reduce(per, reduction), rtol=1e-14)
    check_grads(lambda a, b: mse_loss(a, b, reduction=reduction), pred, target)


def test_mse_broadcasts_target(rng) -> None:
    check_grads(lambda a, b: mse_loss(a, b), rng.normal(size=(4, 3)), rng.normal(size=(3,)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_closed_form_and_grad(reduction, rng) -> None:
    p, y = rng.uniform(0.05, 0.95, size=(6,)), rng.uniform(0, 1, size=(6,))
    per = np.array([bce_closed(a, b) for a, b in zip(p, y, strict=True)])
    out = binary_cross_entropy(p, y, reduction=reduction)
    np.testing.assert_allclose(out.data, reduce(per, reduction), rtol=1e-13)
    check_grads(lambda a, b: binary_cross_entropy(a, b, reduction=reduction), p, y)


def test_bce_at_zero_and_one_is_clamped_to_100() -> None:
    p = np.array([0.0, 1.0, 0.0, 1.0])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    t = Tensor(p, requires_grad=True)
    out = binary_cross_entropy(t, y, reduction="none")
    np.testing.assert_array_equal(out.data, [100.0, 100.0, 0.0, 0.0])
    out.backward(np.ones(4))
    assert np.all(np.isfinite(t.grad))
    # torch: (p - y) / max(p (1 - p), 1e-12)
    np.testing.assert_array_equal(t.grad, [-1e12, 1e12, 0.0, 0.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_closed_form_and_grad(reduction, rng) -> None:
    z, y = rng.normal(scale=3, size=(3, 4)), rng.uniform(0, 1, size=(3, 4))
    per = np.array(
        [
            [bce_logits_closed(a, b) for a, b in zip(r, s, strict=True)]
            for r, s in zip(z, y, strict=True)
        ]
    )
    out = binary_cross_entropy_with_logits(z, y, reduction=reduction)
    np.testing.assert_allclose(out.data, reduce(per, reduction), rtol=1e-13)
    check_grads(lambda a, b: binary_cross_entropy_with_logits(a, b, reduction=reduction), z, y)


def test_bce_with_logits_saturated_is_exact_and_finite() -> None:
    z = Tensor([1000.0, -1000.0, 1000.0, -1000.0], requires_grad=True)
    y = np.array([0.0, 1.0, 1.0, 0.0])
    out = binary_cross_entropy_with_logits(z, y, reduction="none")
    np.testing.assert_array_equal(out.data, [1000.0, 1000.0, 0.0, 0.0])
    out.backward(np.ones(4))
    # d/dz = sigmoid(z) - y
    np.testing.assert_array_equal(z.grad, [1.0, -1.0, 0.0, 0.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_class_indices(reduction, rng) -> None:
    logits = rng.normal(scale=2, size=(5, 4))
    target = np.array([0, 3, 1, 1, 2])
    onehot = np.eye(4)[target]
    per = np.array([ce_closed(list(r), list(t)) for r, t in zip(logits, onehot, strict=True)])
    out = cross_entropy(logits, target, reduction=reduction)
    np.testing.assert_allclose(out.data, reduce(per, reduction), rtol=1e-13)
    check_grads(lambda z: cross_entropy(z, target, reduction=reduction), logits)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_probabilities(reduction, rng) -> None:
    logits = rng.normal(scale=2, size=(5, 3))
    probs = rng.dirichlet(np.ones(3), size=5)
    per = np.array([ce_closed(list(r), list(t)) for r, t in zip(logits, probs, strict=True)])
    out = cross_entropy(logits, probs, reduction=reduction)
    np.testing.assert_allclose(out.data, reduce(per, reduction), rtol=1e-13)
    check_grads(lambda z, p: cross_entropy(z, p, reduction=reduction), logits, probs)


def test_cross_entropy_one_hot_equals_indices(rng) -> None:
    logits = rng.normal(size=(6, 3))
    target = rng.integers(0, 3, size=6)
    a = cross_entropy(logits, target).item()
    b = cross_entropy(logits, np.eye(3)[target]).item()
    assert math.isclose(a, b, rel_tol=1e-14)


def test_cross_entropy_saturated_is_exact_and_finite() -> None:
    z = Tensor([[1000.0, 0.0], [0.0, -1000.0]], requires_grad=True)
    out = cross_entropy(z, np.array([1, 0]), reduction="none")
    np.testing.assert_array_equal(out.data, [1000.0, 0.0])
    out.backward(np.ones(2))
    # softmax - onehot
    np.testing.assert_array_equal(z.grad, [[1.0, -1.0], [0.0, 0.0]])
    mean = cross_entropy(Tensor([[1000.0, 0.0]]), np.array([1]))
    assert mean.item() == 1000.0


@pytest.mark.filterwarnings("error")
def test_losses_raise_no_warnings_at_extremes() -> None:
    z = np.array([-1e4, -50.0, 0.0, 50.0, 1e4])
    binary_cross_entropy_with_logits(z, np.ones(5)).item()
    binary_cross_entropy(np.array([0.0, 0.5, 1.0]), np.array([1.0, 0.5, 0.0])).item()
    cross_entropy(np.array([[1e4, -1e4, 0.0]]), np.array([1])).item()


def test_mean_scales_gradient_by_one_over_n() -> None:
    z = Tensor(np.zeros((4, 2)), requires_grad=True)
    cross_entropy(z, np.array([0, 1, 0, 1])).backward()
    # (softmax - onehot) / N with softmax = 1/2
    np.testing.assert_allclose(z.grad, np.array([[-0.5, 0.5], [0.5, -0.5]] * 2) / 4, rtol=1e-15)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="reduction"):
        mse_loss(np.ones(2), np.ones(2), reduction="avg")
    with pytest.raises(ValueError):
        cross_entropy(np.ones((2, 3)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError):
        cross_entropy(np.ones(3), np.array([0]))


def test_float32_loss_stays_float32() -> None:
    z = Tensor([[1.0, -2.0], [0.5, 0.0]], requires_grad=True, dtype=np.float32)
    loss = cross_entropy(z, np.array([0, 1])) + binary_cross_entropy_with_logits(z, np.ones((2, 2)))
    assert loss.dtype == np.float32
    loss.backward()
    assert z.grad.dtype == np.float32
