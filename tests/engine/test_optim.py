"""Optimizers: replay of PyTorch reference trajectories, particles, registry, state."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.optim import OPTIMIZERS, HyperParam, make_optimizer, validate_hyperparameters

REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "optim_trajectories.json").read_text()
)
QUAD_A = np.array(REFERENCE["quadratic_A"])


class P:
    """Stand-in parameter: the optimizers only touch `.data` and `.grad`."""

    def __init__(self, data) -> None:
        self.data = np.array(data, dtype=np.float64)
        self.grad = None


# Closed-form gradients over points of shape (..., 2); only elementwise ops, so a row of a
# batch gets exactly the gradient it would get alone.
def _rosenbrock(x, y):
    return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], -1)


def _quadratic(x, y):
    (a, b), (_, c) = QUAD_A
    return np.stack([a * x + b * y, b * x + c * y], -1)


def _beale(x, y):
    y2 = y * y
    t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y2 * y
    return np.stack(
        [
            2 * t1 * (y - 1) + 2 * t2 * (y2 - 1) + 2 * t3 * (y2 * y - 1),
            2 * t1 * x + 2 * t2 * (2 * x * y) + 2 * t3 * (3 * x * y2),
        ],
        -1,
    )


GRADIENTS = {
    "rosenbrock": _rosenbrock,
    "quadratic": _quadratic,
    "beale": _beale,
    "neg_quadratic": lambda x, y: -_quadratic(x, y),
}


def grad(function: str, points: np.ndarray) -> np.ndarray:
    return GRADIENTS[function](points[..., 0], points[..., 1])


# ---------------------------------------------------------------------------------------------
# Agreement with torch.optim (tests/engine/reference, from scripts/make_torch_reference.py)


def _run_id(run):
    return f"{run['function']}-{run['hyperparameters']}"


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_reference_covers_optimizer(name):
    runs = REFERENCE["optimizers"].get(name)
    assert runs, f"no torch reference trajectories for '{name}': add it to CASES in the script"
    assert {"rosenbrock", "quadratic"} <= {r["function"] for r in runs}
    assert all(len(r["points"]) >= 501 for r in runs)
    # Every hyperparameter is moved off its default in at least one reference run.
    varied = {k for r in runs for k, v in r["hyperparameters"].items()}
    for h in OPTIMIZERS[name].hyperparameters:
        assert any(
            h.name in r["hyperparameters"]
            and r["hyperparameters"][h.name] != (list(h.default) if h.type == "pair" else h.default)
            for r in runs
        ), f"{name}: no reference run varies {h.name} (varied: {sorted(varied)})"


@pytest.mark.parametrize(
    "name,run",
    [(name, run) for name, runs in REFERENCE["optimizers"].items() for run in runs],
    ids=[
        f"{name}-{_run_id(run)}" for name, runs in REFERENCE["optimizers"].items() for run in runs
    ],
)
def test_matches_torch_trajectory(name, run):
    expected = np.array(run["points"])
    p = P(expected[0])
    opt = make_optimizer(name, [p], **run["hyperparameters"])
    for k in range(1, len(expected)):
        p.grad = grad(run["function"], p.data)
        opt.step()
        if not np.allclose(p.data, expected[k], rtol=1e-9, atol=1e-12):
            pytest.fail(f"step {k}: {p.data.tolist()} != torch {expected[k].tolist()}")


# ---------------------------------------------------------------------------------------------
# Particles: one optimizer over P rows equals P optimizers, bitwise.


def _settings(name):
    """The reference hyperparameter settings used on Rosenbrock (their lr suits it)."""
    runs = REFERENCE["optimizers"][name]
    return [r["hyperparameters"] for r in runs if r["function"] == "rosenbrock"]


def _unique(seq):
    out = []
    for s in seq:
        if s not in out:
            out.append(s)
    return out


def _race(name, hp_batch, hp_rows, starts, steps=60):
    """Step all rows together with hp_batch, and each row alone with hp_rows[i]."""
    batch = P(starts)
    opt = make_optimizer(name, [batch], **hp_batch)
    alone = [P(starts[i : i + 1]) for i in range(len(starts))]
    opts = [make_optimizer(name, [a], **hp) for a, hp in zip(alone, hp_rows, strict=True)]
    for _ in range(steps):
        batch.grad = grad("rosenbrock", batch.data)
        opt.step()
        for a, o in zip(alone, opts, strict=True):
            a.grad = grad("rosenbrock", a.data)
            o.step()
    return batch.data, np.concatenate([a.data for a in alone])


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_particles_with_own_lr_match_single_runs_bitwise(name, rng):
    n = 7
    starts = np.array([-1.5, 2.0]) + 0.3 * rng.standard_normal((n, 2))
    for hp in _unique(_settings(name)):
        lr = hp.get("lr", OPTIMIZERS[name].defaults()["lr"])
        lrs = lr * rng.uniform(0.5, 1.0, n)
        rows = [{**hp, "lr": float(v)} for v in lrs]
        together, alone = _race(name, {**hp, "lr": lrs[:, None]}, rows, starts)
        assert np.isfinite(together).all()
        assert np.array_equal(together, alone), hp


def _array_values(h: HyperParam, n: int, rng) -> tuple[np.ndarray, list]:
    """Per-row values inside h's bounds; zero-default floats mix zero and nonzero rows."""
    if h.default == 0:
        vals = np.where(np.arange(n) % 2 == 0, 0.0, rng.uniform(0.01, 0.3, n))
    else:
        vals = h.default * rng.uniform(0.5, 1.0, n)
    return vals[:, None], [float(v) for v in vals]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_particles_with_every_float_hyperparameter_per_row(name, rng):
    n = 6
    starts = np.array([-1.5, 2.0]) + 0.3 * rng.standard_normal((n, 2))
    batch_hp, row_hps = {}, [{} for _ in range(n)]
    for h in OPTIMIZERS[name].hyperparameters:
        if h.type == "float":
            col, vals = _array_values(h, n, rng)
            if h.name == "lr" and name == "sgd":
                col, vals = col / 5, [v / 5 for v in vals]
        elif h.type == "pair":
            cols = [h.default[k] * rng.uniform(0.5, 1.0, n)[:, None] for k in range(2)]
            col = tuple(cols)
            vals = [(float(a), float(b)) for a, b in zip(cols[0][:, 0], cols[1][:, 0], strict=True)]
        else:
            continue
        batch_hp[h.name] = col
        for i in range(n):
            row_hps[i][h.name] = vals[i]
    for extra in ({}, {"centered": True}, {"amsgrad": True}):
        if all(OPTIMIZERS[name].hyperparameter(k) for k in extra):
            rows = [{**r, **extra} for r in row_hps]
            together, alone = _race(name, {**batch_hp, **extra}, rows, starts, steps=40)
            assert np.isfinite(together).all()
            assert np.array_equal(together, alone), extra


# ---------------------------------------------------------------------------------------------
# Registry and validation


def test_registry_shape():
    assert list(OPTIMIZERS) == ["sgd", "adagrad", "rmsprop", "adam", "adamw", "nadam", "adadelta"]
    for key, spec in OPTIMIZERS.items():
        assert spec.display_name and spec.description and spec.cls.__doc__
        assert "torch" in spec.cls.__doc__
        names = [h.name for h in spec.hyperparameters]
        assert names[0] == "lr" and len(set(names)) == len(names)
        opt = make_optimizer(key, [P([0.0])])
        assert opt.hyperparameters == spec.defaults()
        for h in spec.hyperparameters:
            d = h.as_dict()
            json.dumps(d)
            assert d["type"] in ("float", "int", "bool", "pair")
            assert h.check(h.default) == h.default


TORCH_DEFAULTS = {
    "sgd": dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False),
    "adagrad": dict(lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10),
    "rmsprop": dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False),
    "adam": dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False),
    "adamw": dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False),
    "nadam": dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3),
    "adadelta": dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_defaults_are_torchs(name):
    assert OPTIMIZERS[name].defaults() == TORCH_DEFAULTS[name]
    assert OPTIMIZERS[name].cls([P([0.0])]).hyperparameters == TORCH_DEFAULTS[name]


@pytest.mark.parametrize(
    "name,hp,message",
    [
        ("adam", {"betas1": 0.9}, "unknown hyperparameter 'betas1' for adam"),
        ("sgd", {"lr": -1}, "lr must be > 0 and <= 10, got -1"),
        ("sgd", {"lr": 0}, "lr must be > 0 and <= 10, got 0"),
        ("sgd", {"lr": 11.5}, "lr must be > 0 and <= 10, got 11.5"),
        ("sgd", {"lr": "fast"}, "lr must be a number, got 'fast'"),
        ("sgd", {"lr": True}, "lr must be a number"),
        ("sgd", {"lr": float("nan")}, "lr must be a finite number"),
        ("sgd", {"momentum": 1.0}, "momentum must be >= 0 and < 1, got 1"),
        ("sgd", {"nesterov": 1}, "nesterov must be true or false, got 1"),
        ("sgd", {"nesterov": True}, "nesterov momentum requires momentum > 0 and dampening = 0"),
        ("adam", {"betas": (0.9, 1.0)}, "betas[1] must be >= 0 and < 1, got 1"),
        ("adam", {"betas": 0.9}, "betas must be a pair of numbers"),
        ("adam", {"eps": 0}, "eps must be > 0 and <= 1, got 0"),
        ("adamw", {"weight_decay": 2}, "weight_decay must be >= 0 and <= 1, got 2"),
        ("adam", {"lr": np.array([[0.1], [-0.2]])}, "lr must be > 0 and <= 10, got -0.2"),
        ("lbfgs", {}, "unknown optimizer 'lbfgs', use one of sgd, adagrad"),
    ],
)
def test_make_optimizer_messages(name, hp, message):
    with pytest.raises(ValueError) as exc:
        make_optimizer(name, [P([0.0, 0.0])], **hp)
    assert message in str(exc.value)


def test_make_optimizer_coerces():
    opt = make_optimizer("ADAM", [P([0.0])], lr=1, betas=[0.5, 0.9], amsgrad=np.bool_(True))
    assert opt.hyperparameters == {
        "lr": 1.0,
        "betas": (0.5, 0.9),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "amsgrad": True,
    }
    assert type(opt.hyperparameters["lr"]) is float
    lrs = np.array([[0.1], [0.2]])
    opt = make_optimizer("sgd", [P(np.zeros((2, 2)))], lr=lrs)
    np.testing.assert_array_equal(opt.hyperparameters["lr"], lrs)
    with pytest.raises(ValueError, match="empty parameter list"):
        make_optimizer("sgd", [])


def _in_bounds(h: HyperParam):
    if h.type == "bool":
        return st.booleans()
    lo = st.floats(h.min, h.max, exclude_min=h.min_open, exclude_max=h.max_open)
    return st.tuples(lo, lo) if h.type == "pair" else lo


def _out_of_bounds(h: HyperParam):
    below = st.floats(-1e6, h.min, exclude_max=not h.min_open)
    above = st.floats(h.max, 1e6, exclude_min=not h.max_open)
    return below | above


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_bounds_accept_inside_and_reject_outside(name, data):
    spec = OPTIMIZERS[name]
    hp = {h.name: data.draw(_in_bounds(h), label=h.name) for h in spec.hyperparameters}
    if name == "sgd":
        hp["nesterov"] = False
    assert validate_hyperparameters(name, **hp) == hp
    h = data.draw(st.sampled_from([h for h in spec.hyperparameters if h.type == "float"]))
    bad = data.draw(_out_of_bounds(h), label="bad")
    with pytest.raises(ValueError, match=f"^{h.name} must be"):
        make_optimizer(name, [P([0.0])], **{**hp, h.name: bad})


# ---------------------------------------------------------------------------------------------
# Parameters, state and state_view


def test_zero_grad_both_ways():
    a, b = P([1.0, 2.0]), P([3.0])
    a.grad, b.grad = np.array([1.0, 1.0]), None
    opt = make_optimizer("sgd", [a, b])
    opt.zero_grad(set_to_none=False)
    g = a.grad
    assert g is not None and not g.any() and b.grad is None
    opt.zero_grad()
    assert a.grad is None and b.grad is None


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_params_without_grad_are_skipped(name):
    a, b = P([-1.5, 2.0]), P([0.5, 0.5])
    solo = P([-1.5, 2.0])
    opt = make_optimizer(name, [a, b])
    ref = make_optimizer(name, [solo])
    for _ in range(5):
        a.grad, solo.grad = grad("rosenbrock", a.data), grad("rosenbrock", solo.data)
        opt.step()
        ref.step()
    assert np.array_equal(b.data, [0.5, 0.5]) and 1 not in opt.state
    assert np.array_equal(a.data, solo.data)
    b.grad = grad("rosenbrock", b.data)
    a.grad = None
    opt.step()
    assert opt.state[1]["step"] == 1 and opt.state[0]["step"] == 5


STATE_NAMES = [
    ("sgd", {}, {"step"}),
    ("sgd", {"momentum": 0.9}, {"step", "momentum_buffer"}),
    ("adagrad", {}, {"step", "sum"}),
    ("rmsprop", {}, {"step", "square_avg"}),
    ("rmsprop", {"momentum": 0.5, "centered": True}, {"step", "square_avg", "momentum_buffer", "grad_avg"}),
    ("adam", {}, {"step", "exp_avg", "exp_avg_sq"}),
    ("adam", {"amsgrad": True}, {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    ("adamw", {"amsgrad": True}, {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    ("nadam", {}, {"step", "mu_product", "exp_avg", "exp_avg_sq"}),
    ("adadelta", {}, {"step", "square_avg", "acc_delta"}),
]  # fmt: skip


@pytest.mark.parametrize("name,hp,names", STATE_NAMES)
def test_state_uses_torch_names(name, hp, names):
    p = P([-1.5, 2.0])
    opt = make_optimizer(name, [p], **hp)
    assert opt.state == {}
    for k in range(3):
        p.grad = grad("rosenbrock", p.data)
        opt.step()
        assert set(opt.state[0]) == names and opt.state[0]["step"] == k + 1
    for key in names - {"step", "mu_product"}:
        assert opt.state[0][key].shape == (2,)


def test_sgd_first_momentum_buffer_is_the_gradient():
    p = P([-1.5, 2.0])
    opt = make_optimizer("sgd", [p], momentum=0.9, dampening=0.5)
    p.grad = g0 = grad("rosenbrock", p.data)
    opt.step()
    np.testing.assert_array_equal(opt.state[0]["momentum_buffer"], g0)
    np.testing.assert_array_equal(opt.state_view(0)["velocity"], g0)
    assert opt.state[0]["momentum_buffer"] is not p.grad


def _expected_update_from_view(name, opt, view, g, hp):
    """The last update rebuilt from state_view, as each class's docstring says."""
    s = opt.state[0]
    if name == "nadam":
        beta1 = hp["betas"][0]
        t, md = s["step"], hp["momentum_decay"]
        mu = beta1 * (1 - 0.5 * 0.96 ** (t * md))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * md))
        mp = s["mu_product"]
        return -view["scale"] * (
            (1 - mu) / (1 - mp) * g + mu_next / (1 - mp * mu_next) * s["exp_avg"]
        )
    if name in ("adam", "adamw") or (name == "sgd" and hp.get("momentum")):
        return -view["scale"] * view["velocity"]
    if name == "rmsprop" and hp.get("momentum"):
        return -hp["lr"] * view["velocity"]
    return -view["scale"] * g


VIEW_CASES = [
    ("sgd", {"lr": 1e-4}),
    ("sgd", {"lr": 1e-4, "momentum": 0.9}),
    ("adagrad", {"lr_decay": 0.1}),
    ("rmsprop", {}),
    ("rmsprop", {"centered": True, "momentum": 0.5}),
    ("adam", {}),
    ("adam", {"amsgrad": True}),
    ("adamw", {"weight_decay": 0.0}),
    ("nadam", {}),
    ("adadelta", {}),
]


@pytest.mark.parametrize("name,hp", VIEW_CASES)
def test_state_view_explains_the_last_update(name, hp):
    p = P([-1.5, 2.0])
    opt = make_optimizer(name, [p], **hp)
    hp = opt.hyperparameters
    view = opt.state_view(0)
    assert set(view) == {"velocity", "scale"} and view["velocity"] is None
    assert (view["scale"] is None) == (name != "sgd")
    for _ in range(4):
        before = p.data.copy()
        p.grad = g = grad("rosenbrock", p.data)
        opt.step()
        view = opt.state_view(0)
        for arr in view.values():
            assert arr is None or (arr.shape == (2,) and np.isfinite(arr).all())
        np.testing.assert_allclose(
            p.data - before, _expected_update_from_view(name, opt, view, g, hp), rtol=1e-12
        )
    # The scale by its documented formula, from the state.
    s, lr = opt.state[0], hp["lr"]
    if name == "adagrad":
        clr = lr / (1 + (s["step"] - 1) * hp["lr_decay"])
        np.testing.assert_allclose(view["scale"], clr / (np.sqrt(s["sum"]) + hp["eps"]))
    elif name == "rmsprop":
        var = s["square_avg"] - (s["grad_avg"] ** 2 if hp["centered"] else 0)
        np.testing.assert_allclose(view["scale"], lr / (np.sqrt(var) + hp["eps"]))
    elif name in ("adam", "adamw"):
        (b1, b2), t = hp["betas"], s["step"]
        v = s["max_exp_avg_sq"] if hp["amsgrad"] else s["exp_avg_sq"]
        expected = lr / (1 - b1**t) / (np.sqrt(v / (1 - b2**t)) + hp["eps"])
        np.testing.assert_allclose(view["scale"], expected, rtol=1e-12)
        np.testing.assert_array_equal(view["velocity"], s["exp_avg"])
    elif name == "sgd":
        np.testing.assert_array_equal(view["scale"], [lr, lr])
    # Views are copies: drawing them must not disturb the optimizer.
    if view["velocity"] is not None:
        view["velocity"][:] = math.nan
        assert np.isfinite(opt.state_view(0)["velocity"]).all()


def test_state_view_broadcasts_particle_lr():
    p = P(np.array([[-1.5, 2.0], [0.0, 0.0]]))
    opt = make_optimizer("sgd", [p], lr=np.array([[1e-3], [2e-3]]))
    np.testing.assert_array_equal(opt.state_view(0)["scale"], [[1e-3, 1e-3], [2e-3, 2e-3]])


def test_lerp_follows_torch_branches_per_element():
    from app.engine.optim import _lerp_

    a, end = np.array([[1.0, 2.0], [3.0, -4.0]]), np.array([[0.3, -0.7], [5.0, 1.0]])
    w = np.array([[0.1], [0.7]])
    out = a.copy()
    _lerp_(out, end, w, np.empty_like(a))
    expected = np.array([a[0] + 0.1 * (end[0] - a[0]), end[1] - (end[1] - a[1]) * (1 - 0.7)])
    np.testing.assert_array_equal(out, expected)
    for k, wk in enumerate((0.1, 0.7)):
        row = a[k].copy()
        _lerp_(row, end[k], wk, np.empty(2))
        np.testing.assert_array_equal(row, expected[k])
