"""Learning-rate schedules: closed forms, torch's schedulers, driving an optimizer."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.optim import make_optimizer
from app.engine.schedules import SCHEDULES, Scheduler, lr_at, validate_schedule

REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "optim_trajectories.json").read_text()
)["schedules"]


class P:
    def __init__(self, data) -> None:
        self.data = np.array(data, dtype=np.float64)
        self.grad = None


@pytest.mark.parametrize("kind", list(SCHEDULES))
def test_matches_torch_scheduler(kind):
    ref = REFERENCE.get(kind)
    assert ref, f"no torch reference for schedule '{kind}': add it to the script"
    ours = [
        lr_at(kind, ref["base_lr"], k, **ref["hyperparameters"]) for k in range(len(ref["lrs"]))
    ]
    np.testing.assert_allclose(ours, ref["lrs"], rtol=1e-9, atol=1e-15)


@given(
    base=st.floats(1e-6, 10),
    step=st.integers(0, 10_000),
    step_size=st.integers(1, 500),
    gamma=st.floats(0.01, 1.0),
    t_max=st.integers(1, 1000),
    eta_min=st.floats(0, 1e-3),
)
def test_closed_forms(base, step, step_size, gamma, t_max, eta_min):
    assert lr_at("constant", base, step) == base
    assert lr_at("step", base, step, step_size=step_size, gamma=gamma) == base * gamma ** (
        step // step_size
    )
    assert lr_at("exponential", base, step, gamma=gamma) == base * gamma**step
    cos = lr_at("cosine", base, step, T_max=t_max, eta_min=eta_min)
    assert cos == eta_min + (base - eta_min) * (1 + math.cos(math.pi * step / t_max)) / 2
    # Like torch's closed form, eta_min + (base - eta_min) need not round back to base exactly.
    assert math.isclose(lr_at("cosine", base, 0, T_max=t_max, eta_min=eta_min), base, rel_tol=1e-9)
    assert math.isclose(lr_at("cosine", base, t_max, T_max=t_max, eta_min=eta_min), eta_min)


def test_defaults_and_validation():
    assert list(SCHEDULES) == ["constant", "step", "exponential", "cosine"]
    assert validate_schedule("step") == {"step_size": 30, "gamma": 0.1}
    assert validate_schedule("Cosine", T_max=10.0) == {"T_max": 10, "eta_min": 0.0}
    for spec in SCHEDULES.values():
        assert spec.display_name and spec.description
        json.dumps([h.as_dict() for h in spec.hyperparameters])
    for kind, hp, message in [
        ("linear", {}, "unknown schedule 'linear', use one of constant, step"),
        ("step", {"gama": 0.5}, "unknown hyperparameter 'gama' for schedule step"),
        ("constant", {"gamma": 0.5}, "unknown hyperparameter 'gamma' for schedule constant"),
        ("step", {"step_size": 0}, "step_size must be >= 1"),
        ("step", {"step_size": 2.5}, "step_size must be a whole number"),
        ("exponential", {"gamma": 0}, "gamma must be > 0 and <= 1, got 0"),
        ("cosine", {"eta_min": -1}, "eta_min must be >= 0"),
    ]:
        with pytest.raises(ValueError) as exc:
            validate_schedule(kind, **hp)
        assert message in str(exc.value)
    with pytest.raises(ValueError, match="step must be >= 0"):
        lr_at("constant", 0.1, -1)


def test_scheduler_drives_optimizer_lr():
    p = P([1.0, -2.0])
    opt = make_optimizer("sgd", [p], lr=0.1)
    sched = Scheduler(opt, "step", step_size=3, gamma=0.5)
    for k in range(10):
        assert (
            opt.hyperparameters["lr"] == sched.lr == lr_at("step", 0.1, k, step_size=3, gamma=0.5)
        )
        before = p.data.copy()
        p.grad = np.array([1.0, 1.0])
        opt.step()
        np.testing.assert_array_equal(p.data, before - sched.lr * p.grad)
        sched.step()
    assert sched.last_step == 10


def test_scheduler_with_particle_lrs():
    base = np.array([[0.1], [0.2], [0.4]])
    opt = make_optimizer("adam", [P(np.zeros((3, 2)))], lr=base)
    sched = Scheduler(opt, "cosine", T_max=20, eta_min=1e-3)
    for _ in range(7):
        sched.step()
    expected = np.array([lr_at("cosine", float(b), 7, T_max=20, eta_min=1e-3) for b in base[:, 0]])
    np.testing.assert_array_equal(opt.hyperparameters["lr"][:, 0], expected)
