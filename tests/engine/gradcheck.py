"""Our numerical gradient checker: central differences, independent of the engine's backward."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.engine import Tensor


def numerical_grad(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """d f / d x by central differences (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), float64."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        orig = x[i]
        x[i] = orig + eps
        up = float(f(x))
        x[i] = orig - eps
        down = float(f(x))
        x[i] = orig
        grad[i] = (up - down) / (2 * eps)
    return grad


def check_grads(
    fn: Callable[..., Tensor],
    *arrays: np.ndarray,
    ref: Callable[..., np.ndarray] | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    eps: float = 1e-6,
    seed: int = 0,
) -> None:
    """Compare the gradients backward() gives for every argument of fn with central differences.

    A non-scalar output is contracted with fixed random weights w (L = sum(w * fn(...))), so
    every output element is checked, each with its own weight. With `ref` (the same function
    written in plain NumPy) the differences are taken of ref, and fn's forward is checked
    against it, so the engine is compared with an independent reference throughout."""
    arrays = tuple(np.array(a, dtype=np.float64) for a in arrays)
    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    w = np.random.default_rng(seed).uniform(0.5, 1.5, size=out.shape)
    out.backward(w)
    if ref is not None:
        np.testing.assert_allclose(out.data, ref(*arrays), rtol=1e-12, atol=1e-12)
    forward = ref or (lambda *args: fn(*(Tensor(a) for a in args)).data)
    # Differences are taken against the unperturbed output, so outputs that a perturbation
    # leaves unchanged contribute exactly 0 and the sum adds no rounding of its own.
    base = np.asarray(forward(*arrays))

    for k, t in enumerate(tensors):

        def f(xk: np.ndarray, k: int = k) -> float:
            args = list(arrays)
            args[k] = xk
            return float((w * (np.asarray(forward(*args)) - base)).sum())

        expected = numerical_grad(f, arrays[k], eps)
        assert t.grad is not None, f"argument {k} got no gradient"
        assert t.grad.shape == arrays[k].shape, (t.grad.shape, arrays[k].shape)
        np.testing.assert_allclose(
            t.grad, expected, rtol=rtol, atol=atol, err_msg=f"gradient of argument {k}"
        )
