"""Every op's value against NumPy and its gradient against central differences; graph mechanics."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import Tensor, is_grad_enabled, no_grad, ops
from app.engine import functional as F
from app.engine.tensor import unbroadcast
from tests.engine.gradcheck import check_grads, numerical_grad

SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

# Inputs are k/100 + OFFSET for integers k: every value is at least 0.0037 away from 0, from
# +-0.5 (the clip bounds used below) and from any other multiple of 0.01, so no input sits on
# a kink (abs, relu, clip) within the finite-difference step; `unique` rules out ties.
OFFSET = 0.0037


def values(shape, lo: float, hi: float, unique: bool = False, offset: float = OFFSET):
    ints = hnp.arrays(
        np.int64, shape, elements=st.integers(round(lo * 100), round(hi * 100)), unique=unique
    )
    return ints.map(lambda a: a / 100 + offset)


def shapes(min_dims: int = 0, max_dims: int = 3) -> st.SearchStrategy:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=3)


def one(lo: float, hi: float, min_dims: int = 0, unique: bool = False) -> st.SearchStrategy:
    return shapes(min_dims).flatmap(lambda s: values(s, lo, hi, unique).map(lambda a: (a,)))


def pair(lo=-2.0, hi=2.0, lo2=None, hi2=None, offset2=0.0087, away=0.0) -> st.SearchStrategy:
    """Two arrays of mutually broadcastable shapes. The second's offset differs, so a == b
    never holds; `away` pushes it at least that far from 0 (denominators)."""
    lo2 = lo if lo2 is None else lo2
    hi2 = hi if hi2 is None else hi2

    def build(bs):
        sa, sb = bs.input_shapes
        b = values(sb, lo2, hi2, offset=offset2).map(lambda x: x + np.sign(x) * away)
        return st.tuples(values(sa, lo, hi), b)

    return hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3).flatmap(build)


def fixed(*shapes_, lo=-2.0, hi=2.0) -> st.SearchStrategy:
    return st.tuples(*(values(s, lo, hi) for s in shapes_))


@dataclass
class Case:
    fn: Callable  # Tensors -> Tensor, through the engine
    ref: Callable  # arrays -> array, plain NumPy
    inputs: st.SearchStrategy  # tuple of float64 arrays


def softmax_ref(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax_ref(x, axis=-1):
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


MASK = np.array([[True, False, True, True, False]] * 2 + [[False] * 5] + [[True] * 5])
COND = np.array([[True, False, True, False]] * 2 + [[False, False, True, True]])
M = np.arange(12.0).reshape(3, 4) / 10 - 0.5

# name -> cases. Every public name of F and every method and operator installed on Tensor
# must appear here (test_every_op_is_tested).
CASES: dict[str, list[Case]] = {
    # elementwise
    "exp": [Case(F.exp, np.exp, one(-2, 2)), Case(lambda x: x.exp(), np.exp, one(-2, 2))],
    "log": [Case(F.log, np.log, one(0.05, 4)), Case(lambda x: x.log(), np.log, one(0.05, 4))],
    "log1p": [Case(F.log1p, np.log1p, one(-0.9, 3))],
    "sqrt": [Case(F.sqrt, np.sqrt, one(0.05, 4)), Case(lambda x: x.sqrt(), np.sqrt, one(0.1, 2))],
    "abs": [Case(F.abs, np.abs, one(-2, 2)), Case(lambda x: x.abs(), np.abs, one(-2, 2))],
    "__abs__": [Case(lambda x: abs(x), np.abs, one(-2, 2))],
    "sin": [Case(F.sin, np.sin, one(-3, 3)), Case(lambda x: x.sin(), np.sin, one(-3, 3))],
    "cos": [Case(F.cos, np.cos, one(-3, 3)), Case(lambda x: x.cos(), np.cos, one(-3, 3))],
    "tan": [Case(F.tan, np.tan, one(-1.2, 1.2))],
    "sinh": [Case(F.sinh, np.sinh, one(-2, 2))],
    "cosh": [Case(F.cosh, np.cosh, one(-2, 2))],
    "tanh": [Case(F.tanh, np.tanh, one(-3, 3)), Case(lambda x: x.tanh(), np.tanh, one(-3, 3))],
    "sigmoid": [
        Case(F.sigmoid, lambda x: 1 / (1 + np.exp(-x)), one(-8, 8)),
        Case(lambda x: x.sigmoid(), lambda x: 1 / (1 + np.exp(-x)), one(-8, 8)),
    ],
    "relu": [
        Case(F.relu, lambda x: np.maximum(x, 0), one(-2, 2)),
        Case(lambda x: x.relu(), lambda x: np.maximum(x, 0), one(-2, 2)),
    ],
    "leaky_relu": [
        Case(lambda x: F.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x), one(-2, 2)),
        Case(F.leaky_relu, lambda x: np.where(x > 0, x, 0.01 * x), one(-2, 2)),
    ],
    "softplus": [
        Case(F.softplus, lambda x: np.log(1 + np.exp(x)), one(-5, 5)),
        Case(lambda x: F.softplus(x, beta=2.0), lambda x: np.log(1 + np.exp(2 * x)) / 2, one(-3, 3)),
    ],
    "clip": [
        Case(lambda x: F.clip(x, -0.5, 0.5), lambda x: np.minimum(np.maximum(x, -0.5), 0.5), one(-1, 1)),
        Case(lambda x: x.clip(-0.5, None), lambda x: np.maximum(x, -0.5), one(-1, 1)),
        Case(lambda x: x.clip(None, 0.5), lambda x: np.minimum(x, 0.5), one(-1, 1)),
    ],
    "__neg__": [Case(lambda x: -x, np.negative, one(-2, 2))],
    # softmax family, along the last and the first axis
    "softmax": [
        Case(F.softmax, softmax_ref, one(-3, 3, min_dims=1)),
        Case(lambda x: F.softmax(x, axis=0), lambda x: softmax_ref(x, 0), one(-3, 3, 1)),
        Case(lambda x: x.softmax(), softmax_ref, one(-3, 3, 1)),
    ],
    "log_softmax": [
        Case(F.log_softmax, log_softmax_ref, one(-3, 3, min_dims=1)),
        Case(lambda x: F.log_softmax(x, 0), lambda x: log_softmax_ref(x, 0), one(-3, 3, 1)),
        Case(lambda x: x.log_softmax(), log_softmax_ref, one(-3, 3, 1)),
    ],
    # reductions
    "sum": [
        Case(F.sum, np.sum, one(-2, 2)),
        Case(lambda x: x.sum(axis=-1), lambda x: x.sum(axis=-1), one(-2, 2, 1)),
        Case(lambda x: x.sum(0, keepdims=True), lambda x: x.sum(0, keepdims=True), one(-2, 2, 1)),
        Case(lambda x: F.sum(x, axis=(0, -1)), lambda x: x.sum(axis=(0, -1)), one(-2, 2, 2)),
    ],
    "mean": [
        Case(F.mean, np.mean, one(-2, 2)),
        Case(lambda x: x.mean(axis=0), lambda x: x.mean(axis=0), one(-2, 2, 1)),
        Case(lambda x: F.mean(x, -1, keepdims=True), lambda x: x.mean(-1, keepdims=True), one(-2, 2, 1)),
    ],
    "max": [
        Case(F.max, np.max, one(-2, 2, unique=True)),
        Case(lambda x: x.max(axis=-1), lambda x: x.max(axis=-1), one(-2, 2, 1, unique=True)),
        Case(lambda x: x.max(0, keepdims=True), lambda x: x.max(0, keepdims=True), one(-2, 2, 1, True)),
    ],
    "min": [
        Case(F.min, np.min, one(-2, 2, unique=True)),
        Case(lambda x: x.min(axis=(0, -1)), lambda x: x.min(axis=(0, -1)), one(-2, 2, 2, True)),
    ],
    # arithmetic, with broadcasting
    "__add__": [Case(lambda a, b: a + b, np.add, pair())],
    "__sub__": [Case(lambda a, b: a - b, np.subtract, pair())],
    "__mul__": [Case(lambda a, b: a * b, np.multiply, pair())],
    "__truediv__": [Case(lambda a, b: a / b, np.divide, pair(away=0.3))],
    "__pow__": [
        Case(lambda a, b: a**b, np.power, pair(0.2, 2, -2, 2)),
        Case(lambda a: a**3, lambda a: a**3, one(-2, 2)),
        Case(lambda a: a**2, lambda a: a * a, one(-2, 2)),
        Case(lambda a: a**0.5, np.sqrt, one(0.1, 3)),
        Case(lambda a: a**-1.5, lambda a: 1 / a**1.5, one(0.1, 3)),
        Case(lambda a: a ** np.array([1.0, 2.0, 3.0]), lambda a: a ** np.array([1.0, 2, 3]), fixed((2, 3))),
    ],
    "__radd__": [Case(lambda a: 2.5 + a, lambda a: 2.5 + a, one(-2, 2)),
                 Case(lambda a: M + a, lambda a: M + a, fixed((4,)))],
    "__rsub__": [Case(lambda a: 2.5 - a, lambda a: 2.5 - a, one(-2, 2)),
                 Case(lambda a: M - a, lambda a: M - a, fixed((3, 1)))],
    "__rmul__": [Case(lambda a: 2.5 * a, lambda a: 2.5 * a, one(-2, 2)),
                 Case(lambda a: M * a, lambda a: M * a, fixed(()))],
    "__rtruediv__": [Case(lambda a: 2.5 / a, lambda a: 2.5 / a, one(0.3, 3))],
    "__rpow__": [Case(lambda a: 2.5**a, lambda a: 2.5**a, one(-2, 2)),
                 Case(lambda a: np.e**a, np.exp, one(-2, 2))],
    "maximum": [Case(F.maximum, np.maximum, pair()), Case(lambda a: F.maximum(a, 0.3), lambda a: np.maximum(a, 0.3), one(-1, 1))],
    "minimum": [Case(F.minimum, np.minimum, pair())],
    "where": [
        Case(lambda a, b: F.where(COND, a, b), lambda a, b: np.where(COND, a, b), fixed((3, 1), (4,))),
        Case(lambda a: F.where(COND, a, 0.0), lambda a: np.where(COND, a, 0.0), fixed((3, 4))),
    ],
    # matmul: 2-D, vectors, batched with broadcasting
    "matmul": [
        Case(F.matmul, np.matmul, fixed((3, 4), (4, 2))),
        Case(F.matmul, np.matmul, fixed((4,), (4, 2))),
        Case(F.matmul, np.matmul, fixed((3, 4), (4,))),
        Case(F.matmul, np.matmul, fixed((4,), (4,))),
        Case(F.matmul, np.matmul, fixed((2, 1, 3, 4), (3, 4, 2))),
        Case(F.matmul, np.matmul, fixed((4,), (2, 4, 3))),
        Case(F.matmul, np.matmul, fixed((2, 3, 4), (4,))),
    ],
    "__matmul__": [Case(lambda a, b: a @ b, np.matmul, fixed((2, 3, 4), (4, 2)))],
    "__rmatmul__": [Case(lambda b: M @ b, lambda b: M @ b, fixed((4, 2)))],
    "linear": [
        Case(F.linear, lambda x, w, b: x @ w + b, fixed((5, 3), (3, 4), (4,))),
        Case(F.linear, lambda x, w, b: x @ w + b, fixed((2, 5, 3), (3, 4), (4,))),
        Case(F.linear, lambda x, w: x @ w, fixed((5, 3), (3, 4))),
        Case(F.linear, lambda x, w, b: x @ w + b, fixed((3,), (3, 4), (4,))),
        # a one-unit layer: the (n, 1) @ (1, k) input gradient takes its own BLAS path
        Case(F.linear, lambda x, w, b: x @ w + b, fixed((6, 3), (3, 1), (1,))),
        # the fused dense node: linear and its activation as one op
        Case(lambda x, w, b: F.linear(x, w, b, "tanh"), lambda x, w, b: np.tanh(x @ w + b), fixed((5, 3), (3, 4), (4,))),
        Case(lambda x, w, b: F.linear(x, w, b, "sigmoid"), lambda x, w, b: 1 / (1 + np.exp(-(x @ w + b))), fixed((5, 3), (3, 1), (1,))),
        Case(lambda x, w, b: F.linear(x, w, b, "relu"), lambda x, w, b: np.maximum(x @ w + b, 0), fixed((5, 3), (3, 4), (4,))),
        Case(lambda x, w: F.linear(x, w, None, "tanh"), lambda x, w: np.tanh(x @ w), fixed((2, 5, 3), (3, 4))),
    ],
    # shape ops and indexing
    "reshape": [
        Case(lambda x: x.reshape(3, 4), lambda x: x.reshape(3, 4), fixed((2, 6))),
        Case(lambda x: x.reshape((-1,)), lambda x: x.reshape(-1), fixed((2, 3, 2))),
    ],
    "transpose": [
        Case(lambda x: x.transpose(), lambda x: x.T, fixed((2, 3))),
        Case(lambda x: x.transpose(1, 2, 0), lambda x: x.transpose(1, 2, 0), fixed((2, 3, 4))),
        Case(lambda x: x.T, lambda x: x.T, fixed((2, 3, 4))),
    ],
    "__getitem__": [
        Case(lambda x: x[1], lambda x: x[1], fixed((4, 5))),
        Case(lambda x: x[1, 2], lambda x: x[1, 2], fixed((4, 5))),
        Case(lambda x: x[1:3, ::2], lambda x: x[1:3, ::2], fixed((4, 5))),
        Case(lambda x: x[:, None, 2], lambda x: x[:, None, 2], fixed((4, 5))),
        Case(lambda x: x[..., -1], lambda x: x[..., -1], fixed((2, 4, 5))),
        Case(lambda x: x[np.array([0, 2, 2, 3, 0])], lambda x: x[[0, 2, 2, 3, 0]], fixed((4, 5))),
        Case(lambda x: x[[0, 1, 1], [2, 3, 3]], lambda x: x[[0, 1, 1], [2, 3, 3]], fixed((4, 5))),
        Case(lambda x: x[MASK], lambda x: x[MASK], fixed((4, 5))),
        Case(lambda x: x[:, np.array([4, 4, 0])], lambda x: x[:, [4, 4, 0]], fixed((4, 5))),
    ],
    "concatenate": [
        Case(lambda *t: F.concatenate(t), lambda *a: np.concatenate(a), fixed((2, 3), (1, 3), (3, 3))),
        Case(lambda *t: F.concatenate(list(t), axis=1), lambda *a: np.concatenate(a, 1), fixed((2, 1), (2, 3))),
    ],
    "stack": [
        Case(lambda *t: F.stack(t), lambda *a: np.stack(a), fixed((2, 3), (2, 3), (2, 3))),
        Case(lambda *t: F.stack(t, axis=-1), lambda *a: np.stack(a, -1), fixed((2, 3), (2, 3))),
    ],
}  # fmt: skip

PARAMS = [
    pytest.param(name, i, id=f"{name}-{i}") for name in CASES for i in range(len(CASES[name]))
]


@pytest.mark.parametrize(("name", "index"), PARAMS)
@SETTINGS
@given(data=st.data())
def test_op_value_and_gradient(name: str, index: int, data: st.DataObject) -> None:
    case = CASES[name][index]
    arrays = data.draw(case.inputs)
    check_grads(case.fn, *arrays, ref=case.ref)


def test_every_op_is_tested() -> None:
    missing = (set(F.__all__) | set(ops.METHODS)) - set(CASES)
    assert not missing, f"ops without a gradient test: {sorted(missing)}"


@pytest.mark.parametrize(
    ("sa", "sb"),
    [((3, 1), (1, 4)), ((4,), (2, 3, 4)), ((), (2, 3)), ((2, 3), ()), ((2, 1, 3), (4, 1))],
)
@pytest.mark.parametrize("op", [np.add, np.subtract, np.multiply, np.divide])
def test_broadcasting_gradients(sa, sb, op, rng) -> None:
    a = rng.uniform(0.5, 2, size=sa)
    b = rng.uniform(0.5, 2, size=sb)
    engine = {np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.divide: ops.div}[op]
    check_grads(engine, a, b, ref=op)


def test_unbroadcast_sums_added_and_stretched_axes() -> None:
    g = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(unbroadcast(g, (3, 1)), g.sum(axis=0).sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(unbroadcast(g, (4,)), g.sum(axis=(0, 1)))
    assert unbroadcast(g, ()).shape == ()
    assert unbroadcast(g, ()) == g.sum()
    assert unbroadcast(g, g.shape) is g  # no copy when nothing to reduce


# -- subgradients at kinks (documented choices) ------------------------------------------------


def grad_of(fn, x):
    t = Tensor(x, requires_grad=True)
    fn(t).sum().backward()
    return t.grad


def test_subgradients_at_kinks() -> None:
    x = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(grad_of(F.abs, x), [-1, 0, 1])
    np.testing.assert_array_equal(grad_of(F.relu, x), [0, 0, 1])
    np.testing.assert_array_equal(grad_of(lambda t: F.leaky_relu(t, 0.1), x), [0.1, 0.1, 1])
    # clip passes the gradient on the closed interval [lo, hi], as torch.clamp does
    y = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(grad_of(lambda t: F.clip(t, -1, 1), y), [0, 1, 1, 1, 0])


def test_ties_split_the_gradient_equally() -> None:
    np.testing.assert_array_equal(grad_of(F.max, [1.0, 3.0, 3.0]), [0, 0.5, 0.5])
    np.testing.assert_array_equal(grad_of(F.min, [2.0, 2.0, 2.0, 5.0]), [1 / 3, 1 / 3, 1 / 3, 0])
    m = np.array([[1.0, 4.0, 4.0], [2.0, 0.0, 1.0]])
    np.testing.assert_array_equal(grad_of(lambda t: t.max(axis=1), m), [[0, 0.5, 0.5], [1, 0, 0]])
    np.testing.assert_array_equal(
        grad_of(lambda t: F.maximum(t, 1.0), [0.0, 1.0, 2.0]), [0, 0.5, 1]
    )
    np.testing.assert_array_equal(grad_of(lambda t: F.minimum(t, t), [0.0, 1.0]), [1, 1])


# -- numerical stability -----------------------------------------------------------------------


@pytest.mark.filterwarnings("error")
def test_saturating_functions_stay_finite_without_warnings() -> None:
    x = np.array([-1e4, -1000.0, -30.0, 0.0, 30.0, 1000.0, 1e4])
    for fn in (F.sigmoid, F.softplus, F.softmax, F.log_softmax, F.tanh):
        t = Tensor(x, requires_grad=True)
        out = fn(t)
        out.backward(np.ones(x.shape))
        assert np.all(np.isfinite(out.data)), fn.__name__
        assert np.all(np.isfinite(t.grad)), fn.__name__
    np.testing.assert_array_equal(F.sigmoid(x).data[[0, -1]], [0.0, 1.0])
    np.testing.assert_array_equal(F.softplus(x).data[[0, -1]], [0.0, 1e4])
    assert F.log_softmax([1e4, 0.0]).data[1] == -1e4
    # the lower tail is computed as e^x / (1 + e^x), not 1 - (something near 1)
    np.testing.assert_allclose(F.sigmoid([-700.0]).data, [np.exp(-700.0)], rtol=1e-14)
    np.testing.assert_allclose(F.sigmoid([-30.0]).data, [1 / (1 + np.exp(30.0))], rtol=1e-14)


# -- graph mechanics ---------------------------------------------------------------------------


def test_a_tensor_used_twice_accumulates() -> None:
    x = Tensor([1.0, -2.0, 3.0], requires_grad=True)
    (x * x + x).sum().backward()  # d/dx (x^2 + x) = 2x + 1
    np.testing.assert_array_equal(x.grad, [3.0, -3.0, 7.0])


def test_backward_twice_accumulates_leaf_grads_only() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    z = y.sum()
    z.backward()
    z.backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])  # intermediate grads: this pass only


def test_leaf_grads_are_owned_and_writable() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x + 0.0
    y.sum().backward()
    assert not np.shares_memory(x.grad, y.grad)
    x.grad[...] = 0  # as Optimizer.zero_grad(set_to_none=False) does
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])
    seed = np.array([5.0, 7.0])
    w = Tensor([1.0, 1.0], requires_grad=True)
    w.backward(seed)
    w.grad += 1
    np.testing.assert_array_equal(seed, [5.0, 7.0])


def test_backward_needs_grad_for_non_scalars() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="grad argument"):
        (x * 2).backward()
    with pytest.raises(RuntimeError):
        Tensor([1.0]).backward()


def test_no_grad_builds_no_graph() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        y = (x * 2).exp().sum()
    assert is_grad_enabled()
    assert not y.requires_grad and y._parents == () and y._backward is None

    @no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad
    assert (x * 2).requires_grad


def test_no_grad_is_per_thread() -> None:
    seen = []
    entered, release = threading.Event(), threading.Event()

    def other():
        entered.wait()
        seen.append((Tensor([1.0], requires_grad=True) * 2).requires_grad)
        release.set()

    th = threading.Thread(target=other)
    th.start()
    with no_grad():
        entered.set()
        release.wait(5)
    th.join()
    assert seen == [True]


def test_detach_shares_data_and_stops_gradient() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad
    y = (x * d).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])  # d treated as a constant


def test_long_chain_backward_without_recursion() -> None:
    x = Tensor(np.array([0.5]), requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [1.0001**10_000], rtol=1e-10)


def test_graphs_are_freed_by_reference_counting() -> None:
    x = Tensor(np.ones(3), requires_grad=True)
    gc.disable()
    try:
        refs = []
        y = x
        for fn in (F.tanh, F.exp, F.sigmoid, lambda t: t / 2.0, lambda t: t**x, F.softmax):
            y = fn(y)
            refs.append(weakref.ref(y))
        y.sum().backward()
        del y
        assert all(r() is None for r in refs), "a backward closure keeps its output alive"
    finally:
        gc.enable()


def test_constants_get_no_grad_and_skip_work() -> None:
    c = Tensor([1.0, 2.0])
    x = Tensor([3.0, 4.0], requires_grad=True)
    (c * x).sum().backward()
    assert c.grad is None
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])


def test_float32_stays_float32() -> None:
    x = Tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True, dtype=np.float32)
    w = Tensor(np.ones((2, 3)), requires_grad=True, dtype=np.float32)
    y = (F.tanh(x @ w) * 2.0 + 1 - np.float64(0.5)) ** 2 / 3.0
    loss = F.softmax(y).sum() + F.sigmoid(y).mean() + y.max()
    assert y.dtype == np.float32 and loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def test_construction_and_array_protocol() -> None:
    t = Tensor([[1, 2, 3], [4, 5, 6]])
    assert t.dtype == np.float64 and t.shape == (2, 3) and t.ndim == 2 and t.size == 6
    assert len(t) == 2 and Tensor(3).item() == 3.0
    a = np.ones(2)
    t2 = Tensor(a)
    a[0] = 5  # Tensor() copies its input
    assert t2.data[0] == 1
    np.testing.assert_array_equal(np.asarray(t), t.numpy())
    assert not np.shares_memory(np.array(t), t.data)  # np.array copies, as for arrays
    assert float(Tensor(2.5)) == 2.5 and bool(Tensor(1.0)) and not bool(Tensor(0.0))
    t.zero_grad()
    assert t.grad is None


def test_numerical_grad_matches_closed_form() -> None:
    # the checker itself, against d/dx sum(x^3) = 3x^2
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    np.testing.assert_allclose(numerical_grad(lambda v: (v**3).sum(), x), 3 * x**2, rtol=1e-8)
