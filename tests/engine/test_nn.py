"""nn: shapes, parameter names and order, seeded init and its scale, whole-MLP gradients."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine import Tensor
from app.engine import functional as F
from app.engine.losses import mse_loss
from app.engine.nn import ACTIVATIONS, MLP, Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh
from tests.engine.gradcheck import numerical_grad


def test_linear_shapes_and_forward(rng) -> None:
    layer = Linear(3, 5, rng=rng)
    assert layer.weight.shape == (3, 5) and layer.bias.shape == (5,)
    x = rng.normal(size=(7, 3))
    np.testing.assert_allclose(layer(x).data, x @ layer.weight.data + layer.bias.data, rtol=1e-15)
    assert layer(rng.normal(size=(2, 7, 3))).shape == (2, 7, 5)
    assert Linear(3, 5, bias=False, rng=rng).bias is None
    assert [n for n, _ in Linear(3, 5, bias=False, rng=rng).named_parameters()] == ["weight"]


def test_mlp_named_parameters_order_and_names() -> None:
    mlp = MLP([2, 16, 16, 1], activation="tanh", seed=0)
    names = [n for n, _ in mlp.named_parameters()]
    assert names == [
        "layers.0.weight",
        "layers.0.bias",
        "layers.2.weight",
        "layers.2.bias",
        "layers.4.weight",
        "layers.4.bias",
    ]
    shapes = [p.shape for p in mlp.parameters()]
    assert shapes == [(2, 16), (16,), (16, 16), (16,), (16, 1), (1,)]
    assert mlp(np.zeros((9, 2))).shape == (9, 1)
    with_out = MLP([2, 3, 1], out_activation="sigmoid", seed=0)
    assert [type(m).__name__ for m in with_out.layers] == ["Linear", "Tanh", "Linear", "Sigmoid"]


def test_same_seed_same_weights_and_rng_advances() -> None:
    a, b, c = MLP([2, 8, 1], seed=3), MLP([2, 8, 1], seed=3), MLP([2, 8, 1], seed=4)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(pa.data, pb.data)
    assert not np.array_equal(a.parameters()[0].data, c.parameters()[0].data)
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    np.testing.assert_array_equal(
        MLP([2, 4, 1], rng=g1).parameters()[0].data, MLP([2, 4, 1], rng=g2).parameters()[0].data
    )


@pytest.mark.parametrize(
    ("init", "theory"),
    [("xavier", np.sqrt(2 / (400 + 600))), ("he", np.sqrt(2 / 400))],
)
def test_init_scale_matches_theory(init, theory) -> None:
    w = Linear(400, 600, init=init, rng=np.random.default_rng(1)).weight.data
    # 240,000 draws: the sample std is within 1% of the true std with overwhelming probability
    assert abs(w.std() / theory - 1) < 0.01
    assert abs(w.mean()) < 0.01 * theory
    if init == "xavier":
        assert np.abs(w).max() <= np.sqrt(6 / 1000)  # Glorot uniform bound


def test_activations_are_callable_modules() -> None:
    x = np.array([-2.0, -0.5, 0.5, 2.0])
    refs = {
        "tanh": np.tanh(x),
        "relu": np.maximum(x, 0),
        "sigmoid": 1 / (1 + np.exp(-x)),
        "leaky_relu": np.where(x > 0, x, 0.01 * x),
        "identity": x,
    }
    assert set(ACTIVATIONS) == set(refs)
    for name, ref in refs.items():
        np.testing.assert_allclose(ACTIVATIONS[name](Tensor(x)).data, ref, rtol=1e-15)
    for cls in (Tanh, ReLU, Sigmoid, Identity):
        assert cls()(x).shape == x.shape
    np.testing.assert_allclose(LeakyReLU(0.2)(x).data, np.where(x > 0, x, 0.2 * x))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "leaky_relu"])
def test_mlp_gradient_matches_finite_differences(activation, rng) -> None:
    mlp = MLP([3, 5, 4, 2], activation=activation, out_activation="tanh", rng=rng)
    x = rng.normal(size=(6, 3))
    y = rng.normal(size=(6, 2))
    params = mlp.parameters()
    mse_loss(mlp(x), y).backward()

    def numpy_loss() -> float:
        # the same network, written out in NumPy from the parameter arrays
        act = {
            "tanh": np.tanh,
            "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
            "leaky_relu": lambda v: np.where(v > 0, v, 0.01 * v),
        }[activation]
        w1, b1, w2, b2, w3, b3 = (p.data for p in params)
        h = act(act(x @ w1 + b1) @ w2 + b2)
        return float(((np.tanh(h @ w3 + b3) - y) ** 2).mean())

    for name, p in mlp.named_parameters():
        original = p.data.copy()

        def f(v: np.ndarray, p: Tensor = p) -> float:
            p.data[...] = v
            return numpy_loss()

        expected = numerical_grad(f, original)
        p.data[...] = original
        np.testing.assert_allclose(p.grad, expected, rtol=1e-6, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "leaky_relu"])
def test_fused_dense_layers_give_the_layer_by_layer_bits(activation, rng) -> None:
    """MLP runs Linear + activation as one fused node; the numbers must be exactly those of
    the separate Linear and activation ops."""
    mlp = MLP([3, 6, 5, 1], activation=activation, out_activation="sigmoid", rng=rng)
    x = rng.normal(size=(7, 3))
    y = rng.normal(size=(7, 1))
    fused = mse_loss(mlp(x), y)
    fused.backward()
    fused_grads = [p.grad.copy() for p in mlp.parameters()]
    mlp.zero_grad()
    h = Tensor(x)
    for layer in mlp.layers:  # one module at a time: separate linear and activation nodes
        h = layer.forward(h)
    separate = mse_loss(h, y)
    separate.backward()
    assert fused.item() == separate.item()
    for a, p in zip(fused_grads, mlp.parameters(), strict=True):
        np.testing.assert_array_equal(a, p.grad)


def test_zero_grad_clears_every_parameter(rng) -> None:
    mlp = MLP([2, 3, 1], rng=rng)
    F.sum(mlp(np.ones((4, 2)))).backward()
    assert all(p.grad is not None for p in mlp.parameters())
    mlp.zero_grad()
    assert all(p.grad is None for p in mlp.parameters())


def test_training_reduces_loss(rng) -> None:
    mlp = MLP([1, 16, 1], activation="tanh", rng=rng)
    x = np.linspace(-2, 2, 64)[:, None]
    y = np.sin(x)
    first = None
    for _ in range(300):
        mlp.zero_grad()
        loss = mse_loss(mlp(x), y)
        loss.backward()
        first = loss.item() if first is None else first
        for p in mlp.parameters():
            p.data -= 0.1 * p.grad
    assert loss.item() < 0.1 * first


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError):
        MLP([2, 3, 1], activation="swish")
    with pytest.raises(ValueError):
        Linear(2, 3, init="orthogonal")
    with pytest.raises(ValueError):
        MLP([2])


def test_float32_mlp() -> None:
    mlp = MLP([2, 4, 1], seed=0, dtype=np.float32)
    x = Tensor(np.ones((3, 2)), dtype=np.float32)
    out = mlp(x)
    assert out.dtype == np.float32
    out.sum().backward()
    assert all(p.grad.dtype == np.float32 for p in mlp.parameters())
