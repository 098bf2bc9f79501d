"""Regression-lab problems: closed forms, finite differences, lstsq, and batch semantics."""

from __future__ import annotations

import numpy as np
import pytest

from app.problems.batching import BatchSampler
from app.problems.datasets import blobs_2d, linear_1d, two_class_1d
from app.problems.models import LinearRegression, LogisticRegression, SoftmaxRegression
from app.racers import make_racers
from app.run_output import collect
from app.runs import Run
from app.web.wire import dumps
from tests.engine.gradcheck import numerical_grad


def _logsumexp(a: np.ndarray) -> np.ndarray:
    m = a.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis=-1, keepdims=True)))[..., 0]


def reference_loss(problem, theta: np.ndarray) -> float:
    """The loss written out independently in NumPy, for one parameter vector."""
    d = problem.data
    if isinstance(problem, LinearRegression):
        return float(np.mean((theta[0] * d.x + theta[1] - d.y) ** 2))
    if isinstance(problem, LogisticRegression):
        z = theta[0] * d.x + theta[1]
        p = 1 / (1 + np.exp(-z))
        if problem.loss_name == "mse":
            return float(np.mean((p - d.y) ** 2))
        return float(np.mean(-(d.y * np.log(p) + (1 - d.y) * np.log(1 - p))))
    k, dim = problem.k, d.x.shape[1]
    logits = d.x @ theta[: dim * k].reshape(dim, k) + theta[dim * k :]
    return float(np.mean(_logsumexp(logits) - logits[np.arange(d.n), d.y]))


PROBLEMS = {
    "linear": lambda: LinearRegression(linear_1d(n=40, seed=3)),
    "logistic_bce": lambda: LogisticRegression(two_class_1d(n=30, seed=4), "bce"),
    "logistic_mse": lambda: LogisticRegression(two_class_1d(n=30, seed=4), "mse"),
    "softmax": lambda: SoftmaxRegression(blobs_2d(n=45, classes=4, seed=5)),
}


@pytest.mark.parametrize("name", PROBLEMS)
def test_loss_matches_closed_form_and_gradient_matches_finite_differences(name, rng):
    problem = PROBLEMS[name]()
    thetas = rng.normal(0, 0.7, (3, problem.dim))
    values, grads = problem.value_and_grad(thetas)
    for theta, v, g in zip(thetas, values, grads, strict=True):
        assert v == pytest.approx(reference_loss(problem, theta), rel=1e-12)
        fd = numerical_grad(lambda t: reference_loss(problem, t), theta.copy())
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", PROBLEMS)
def test_weighted_batch_loss_is_the_mean_over_the_batch(name, rng):
    problem = PROBLEMS[name]()
    thetas = rng.normal(0, 0.5, (2, problem.dim))
    batch = np.array([0, 3, 7])
    weights = np.zeros((2, problem.n))
    weights[:, batch] = 1 / 3
    values, grads = problem.value_and_grad(thetas, weights)
    sub = type(problem).__new__(type(problem))
    sub.__dict__.update(problem.__dict__)
    d = problem.data
    sub.data = type(d)(d.x[batch], d.y[batch], d.kind, d.x_names, d.y_name, d.classes)
    expected_v, expected_g = sub.value_and_grad(thetas)
    np.testing.assert_allclose(values, expected_v, rtol=1e-12)
    np.testing.assert_allclose(grads, expected_g, rtol=1e-10, atol=1e-14)


def test_linear_regression_converges_to_lstsq():
    data = linear_1d(n=60, slope=-1.5, intercept=0.7, noise=0.8, seed=11)
    (run,) = collect(
        Run(LinearRegression(data), make_racers([{"name": "sgd", "lr": 0.1}]), (0.0, 0.0), 3000)
    )
    A = np.stack([data.x, np.ones(data.n)], axis=1)
    solution, *_ = np.linalg.lstsq(A, data.y, rcond=None)
    np.testing.assert_allclose(run["points"][-1], solution, atol=1e-7)


def test_landscape_grid_equals_direct_loss():
    problem = LinearRegression(linear_1d(n=30, seed=2))
    grid = problem.grid(np.zeros(2), (0, 1), ((-1.0, 3.0), (-2.0, 2.0)), 21)
    for j, i in [(0, 0), (5, 17), (20, 20), (13, 2)]:
        theta = np.array([grid["x"][i], grid["y"][j]])
        assert grid["z"][j, i] == pytest.approx(reference_loss(problem, theta), rel=1e-12)


@pytest.mark.parametrize(
    ("variant", "size", "expected"),
    [("batch", None, 50), ("stochastic", None, 1), ("minibatch", 8, 8)],
)
def test_variants_use_the_right_number_of_examples(variant, size, expected):
    sampler = BatchSampler(50, variant, size, seed=1)
    sizes = [len(sampler.next()) for _ in range(6)]
    assert sizes[0] == expected
    # Mini-batches of 8 over 50 examples: 6 full ones, then the remaining 2 close the epoch.
    if variant == "minibatch":
        assert sizes == [8] * 6 and len(sampler.next()) == 2 and sampler.epoch == 1


@pytest.mark.parametrize(
    ("variant", "size"), [("stochastic", None), ("minibatch", 7), ("batch", None)]
)
def test_one_epoch_visits_every_example_once(variant, size):
    n = 23
    sampler = BatchSampler(n, variant, size, seed=5)
    seen = []
    while sampler.epoch <= 1 and len(seen) < n:
        seen.extend(sampler.next().tolist())
    assert sorted(seen) == list(range(n))
    sampler.next()
    assert sampler.epoch == 2


def _race(seed: int):
    data = linear_1d(n=40, seed=0)
    configs = [{"name": "sgd", "lr": 0.05}] * 3
    samplers = [
        BatchSampler(data.n, "batch", seed=seed),
        BatchSampler(data.n, "stochastic", seed=seed),
        BatchSampler(data.n, "minibatch", 8, seed=seed),
    ]
    run = Run(LinearRegression(data), make_racers(configs), (-1.0, 3.0), 100, samplers=samplers)
    return collect(run)


def test_same_seed_same_run_bit_for_bit_and_variants_differ():
    a, b, c = _race(3), _race(3), _race(4)
    # Compared as sent on the wire (NaN placeholders become null there and compare equal).
    assert dumps(a) == dumps(b)
    assert a[1]["points"] != c[1]["points"]
    batch, sgd, mini = a
    assert batch["batch"][1] is None and len(sgd["batch"][1]) == 1 and len(mini["batch"][1]) == 8
    assert sgd["epoch"][40] == 1 and sgd["epoch"][41] == 2 and sgd["iteration"][41] == 41
    # The full-data loss of the batch racer equals its batch loss one step earlier's point.
    np.testing.assert_allclose(batch["batch_loss"][1], batch["losses"][0], rtol=1e-13)


def test_linear_moment_grid_equals_the_chunked_engine_grid():
    from app.problems.models import DataProblem

    problem = LinearRegression(linear_1d(n=5000, slope=-3.0, intercept=4.0, noise=2.0, seed=9))
    ranges = ((-6.0, 0.0), (1.0, 7.0))
    fast = problem.grid(np.zeros(2), (0, 1), ranges, 31)
    slow = DataProblem.grid(problem, np.zeros(2), (0, 1), ranges, 31)
    np.testing.assert_allclose(fast["z"], slow["z"], rtol=1e-10)


@pytest.mark.parametrize("name", ["logistic_bce", "logistic_mse", "softmax"])
def test_engine_landscape_grid_equals_direct_loss(name):
    problem = PROBLEMS[name]()
    center = np.linspace(-0.4, 0.6, problem.dim)
    # Softmax: a weight against a bias, every other parameter held at `center`.
    axes = (0, problem.dim - 1)
    grid = problem.grid(center, axes, ((-2.0, 2.0), (-1.5, 2.5)), 9)
    for j, i in [(0, 0), (3, 7), (8, 8), (6, 1)]:
        theta = center.copy()
        theta[axes[0]], theta[axes[1]] = grid["x"][i], grid["y"][j]
        assert grid["z"][j, i] == pytest.approx(reference_loss(problem, theta), rel=1e-12)


def test_racers_with_their_own_loss_match_single_loss_runs():
    """The MSE twin rides in the BCE race: each racer steps exactly as it would alone on its
    own loss, whatever order the run keeps its rows in (mixed optimizers permute them)."""
    data = two_class_1d(n=40, separation=2.5, seed=6)
    configs = [
        {"name": "sgd", "lr": 0.5},
        {"name": "adam", "lr": 0.05},
        {"name": "sgd", "lr": 0.3},
        {"name": "adam", "lr": 0.1},
    ]
    losses = ["bce", "mse", "mse", "bce"]
    variants = [("minibatch", 8), ("batch", None), ("stochastic", None), ("minibatch", 8)]

    def samplers(rows):
        return [BatchSampler(data.n, v, k, seed=2) for v, k in (variants[i] for i in rows)]

    problem = LogisticRegression(data, "bce", losses)
    run = Run(problem, make_racers(configs), (-3.0, 2.5), 60, samplers=samplers(range(4)))
    assert not (run._order == np.arange(4)).all()  # the rows really are permuted
    together = collect(run)
    for i, loss in enumerate(losses):
        problem = LogisticRegression(data, loss)
        racer = make_racers([configs[i]])
        (single,) = collect(Run(problem, racer, (-3.0, 2.5), 60, samplers=samplers([i])))
        assert together[i]["points"] == single["points"]
        assert together[i]["losses"] == single["losses"]
        assert together[i]["batch_loss"] == single["batch_loss"]
    # The twins' losses are MSE values: at the start, the MSE of sigmoid against the labels.
    z = -3.0 * data.x + 2.5
    p = 1 / (1 + np.exp(-z))
    assert together[1]["losses"][0] == pytest.approx(np.mean((p - data.y) ** 2), rel=1e-12)
    with pytest.raises(ValueError, match="'bce' or 'mse'"):
        LogisticRegression(data, "bce", ["bce", "hinge"])
