"""NetworkProblem against a plain NumPy reference: losses, finite-difference gradients, outputs."""

from __future__ import annotations

import numpy as np
import pytest

from app.problems.net_datasets import generate
from app.problems.network_parts import ACTIVATIONS, LEAKY_SLOPE, feature_matrix, packed
from app.problems.networks import NetworkProblem
from app.web.wire import typed_array
from tests.engine.gradcheck import numerical_grad

REF_ACT = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "leaky_relu": lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
    "linear": lambda z: z,
}
ALL_FEATURES = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sin_x1", "sin_x2"]


def ref_outputs(p: NetworkProblem, theta: np.ndarray, x_raw: np.ndarray) -> np.ndarray:
    """One particle's outputs (N, out), written out layer by layer from the documented layout."""
    x = (x_raw - p.data.shift) / p.data.scale
    cols = {
        "x1": x[:, 0],
        "x2": x[:, 1],
        "x1sq": x[:, 0] ** 2,
        "x2sq": x[:, 1] ** 2,
        "x1x2": x[:, 0] * x[:, 1],
        "sin_x1": np.sin(x[:, 0]),
        "sin_x2": np.sin(x[:, 1]),
    }
    h = np.stack([cols[f] for f in p.features], axis=1)
    sizes, off = p.sizes, 0
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        W = theta[off : off + a * b].reshape(a, b)
        off += a * b
        bias = theta[off : off + b]
        off += b
        h = h @ W + bias
        if i < len(sizes) - 2:
            h = REF_ACT[p.activation](h)
    assert off == p.dim
    return h


def ref_per_example(p: NetworkProblem, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    if p.loss_name == "ce":
        zs = z - z.max(axis=1, keepdims=True)
        logp = zs - np.log(np.exp(zs).sum(axis=1, keepdims=True))
        return -logp[np.arange(len(y)), y.astype(int)]
    if p.task == "regression":
        return (z[:, 0] - y) ** 2
    if z.shape[1] == 1:
        q = sig(z[:, 0])
        if p.loss_name == "bce":
            return -(y * np.log(q) + (1 - y) * np.log(1 - q))
        return (q - y) ** 2
    onehot = np.eye(z.shape[1])[y.astype(int)]
    if p.loss_name == "bce":
        q = sig(z)
        return -(onehot * np.log(q) + (1 - onehot) * np.log(1 - q)).mean(axis=1)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return ((e / e.sum(axis=1, keepdims=True) - onehot) ** 2).mean(axis=1)


def ref_loss(p: NetworkProblem, theta: np.ndarray, weights: np.ndarray | None = None) -> float:
    per = ref_per_example(p, ref_outputs(p, theta, p.data.train.x), p.data.train.y)
    data = per.mean() if weights is None else (per * weights).sum()
    w = theta * p.weight_mask
    return data + p.l1 * np.abs(w).sum() + p.l2 * (w * w).sum()


TASKS = {"binary": "moons", "multiclass": "blobs3", "regression": "sine"}
CASES = [
    ("binary", "bce"),
    ("binary", "mse"),
    ("binary", "ce"),
    ("multiclass", "ce"),
    ("multiclass", "mse"),
    ("multiclass", "bce"),
    ("regression", "mse"),
]


def make(task, loss, activation="tanh", hidden=(4, 3), features=("x1", "x2"), l1=0.0, l2=0.0):
    data = generate(TASKS[task], 24, 0.2, 0.25, seed=7)
    return NetworkProblem(data, list(features), list(hidden), activation, loss, l1, l2)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("task, loss", CASES)
def test_gradient_matches_finite_differences(task, loss, activation):
    p = make(task, loss, activation, hidden=(4, 3), features=ALL_FEATURES, l1=0.01, l2=0.02)
    rng = np.random.default_rng(1)
    thetas = rng.normal(0, 0.7, (3, p.dim))
    losses, grads = p.value_and_grad(thetas)
    for k in range(3):
        assert losses[k] == pytest.approx(ref_loss(p, thetas[k]), rel=1e-12, abs=1e-12)
        expected = numerical_grad(lambda t: ref_loss(p, t), thetas[k])
        np.testing.assert_allclose(grads[k], expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("hidden", [(), (5,), (3, 4, 2, 3)])
@pytest.mark.parametrize("task, loss", [("binary", "bce"), ("multiclass", "ce")])
def test_gradient_for_several_depths_with_batch_weights(hidden, task, loss):
    p = make(task, loss, "sigmoid", hidden=hidden, l2=0.05)
    rng = np.random.default_rng(2)
    thetas = rng.normal(0, 0.8, (2, p.dim))
    weights = np.zeros((2, p.n))
    weights[0, [1, 4, 5]] = 1 / 3
    weights[1, :] = 1 / p.n
    losses, grads = p.value_and_grad(thetas, weights)
    for k in range(2):
        assert losses[k] == pytest.approx(ref_loss(p, thetas[k], weights[k]), rel=1e-12)
        expected = numerical_grad(lambda t, k=k: ref_loss(p, t, weights[k]), thetas[k])
        np.testing.assert_allclose(grads[k], expected, rtol=1e-5, atol=1e-7)


def test_values_float32_and_chunks_match_float64():
    p = make("binary", "bce", hidden=(8, 8))
    thetas = np.random.default_rng(3).normal(0, 0.5, (300, p.dim))
    ref = np.array([ref_loss(p, t) for t in thetas])
    np.testing.assert_allclose(p.values(thetas), ref, rtol=1e-12)
    np.testing.assert_allclose(p.values(thetas, np.float32), ref, rtol=2e-5)


def test_layout_offsets_and_initialisation():
    p = make("binary", "bce", "relu", hidden=(6, 5), features=("x1", "x2", "x1x2"))
    assert [s.name for s in p.slots] == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert p.dim == 3 * 6 + 6 + 6 * 5 + 5 + 5 * 1 + 1
    assert p.slots[1].offset == 18 and p.slots[2].offset == 24
    theta = p.initial_point(5)
    np.testing.assert_array_equal(theta, p.initial_point(5))
    assert not np.array_equal(theta, p.initial_point(6))
    assert (theta[p.weight_mask == 0] == 0).all()
    tanh = make("binary", "bce", "tanh", hidden=(16, 16))
    w2 = tanh.initial_point(1)[tanh.slots[2].offset :][: 16 * 16]
    assert np.abs(w2).max() <= np.sqrt(6 / 32)  # Xavier uniform bound
    he = make("binary", "bce", "relu", hidden=(16, 16, 16, 16))
    ws = np.concatenate([he.initial_point(s)[he.slots[2].offset :][:256] for s in range(20)])
    assert abs(ws.std() - np.sqrt(2 / 16)) < 0.02  # He normal, std sqrt(2 / fan_in)


def test_loss_defaults_and_mismatch_notes():
    assert make("binary", None).loss_name == "bce" and make("binary", None).loss_note is None
    assert make("multiclass", None).loss_name == "ce" and make("regression", None).out == 1
    assert "MSE on a classification task" in make("binary", "mse").loss_note
    assert make("binary", "ce").out == 2 and make("multiclass", "bce").out == 3
    with pytest.raises(ValueError, match="needs class labels"):
        make("regression", "bce")


@pytest.mark.parametrize("task, loss", CASES)
def test_heatmap_scores_and_accuracy_match_reference(task, loss):
    p = make(task, loss, hidden=(5,))
    theta = np.random.default_rng(4).normal(0, 1.0, p.dim)
    heat = p.heatmap(theta)
    assert heat.shape == (100, 100) and heat.dtype == np.float32
    (a0, a1), (b0, b1) = p.data.domain
    # Row = x2, column = x1: the corner [0, -1] is (x1 max, x2 min).
    corner = np.array([[a1, b0]])
    z = ref_outputs(p, theta, corner)[0]
    if task == "regression":
        expected = z[0]
    elif z.size == 1:
        expected = 1 / (1 + np.exp(-z[0]))
    else:
        probs = 1 / (1 + np.exp(-z)) if loss == "bce" else np.exp(z) / np.exp(z).sum()
        expected = probs[1] if task == "binary" else probs.argmax() + 0.999 * probs.max()
    assert heat[0, -1] == pytest.approx(expected, rel=1e-5, abs=1e-6)
    m = p.metrics(theta[None])
    zt = ref_outputs(p, theta, p.data.test.x)
    ref_test = ref_per_example(p, zt, p.data.test.y).mean()
    assert m["test_loss"][0] == pytest.approx(ref_test, rel=1e-10)
    if task != "regression":
        pred = (zt[:, 0] > 0).astype(int) if zt.shape[1] == 1 else zt.argmax(axis=1)
        assert m["test_acc"][0] == pytest.approx((pred == p.data.test.y).mean())


def test_packed_equals_the_wire_encoder():
    a = np.random.default_rng(0).normal(size=(7, 5)).astype(np.float32)
    assert packed(a) == typed_array(a, "f4")


def test_feature_matrix_columns():
    x = np.array([[0.5, -2.0]])
    np.testing.assert_allclose(
        feature_matrix(x, ALL_FEATURES),
        [[0.5, -2.0, 0.25, 4.0, -1.0, np.sin(0.5), np.sin(-2.0)]],
    )
