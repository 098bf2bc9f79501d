"""Run: racers step together exactly as they would alone, and statuses say what happened."""

from __future__ import annotations

import numpy as np
import pytest

from app.problems.surfaces import SURFACES, SurfaceProblem
from app.racers import make_racers
from app.run_output import collect, frame_of
from app.runs import BUDGET, CONVERGED, DIVERGED, Run


def problem(name: str = "rosenbrock") -> SurfaceProblem:
    return SurfaceProblem(SURFACES[name].fn)


def trajectories(configs, steps=200, start=(-1.5, 2.0), name="rosenbrock"):
    return collect(Run(problem(name), make_racers(configs), start, steps))


def test_grouped_racers_equal_solo_runs():
    configs = [
        {"name": "adam", "lr": 0.01},
        {"name": "adam", "lr": 0.05},
        {"name": "adam", "lr": 0.02, "amsgrad": True},
        {"name": "sgd", "lr": 1e-3, "momentum": 0.9},
        {"name": "sgd", "lr": 5e-4, "momentum": 0.9},
    ]
    together = trajectories(configs)
    for cfg, joint in zip(configs, together, strict=True):
        (solo,) = trajectories([cfg])
        assert solo["points"] == joint["points"]
        assert solo["losses"] == joint["losses"]


def test_quadratic_converges_with_sgd():
    (run,) = trajectories(
        [{"name": "sgd", "lr": 0.1}], steps=2000, start=(1.0, -1.0), name="quadratic"
    )
    assert run["status"] == CONVERGED
    assert np.linalg.norm(run["points"][-1]) < 1e-8


def test_budget_and_divergence():
    runs = trajectories([{"name": "sgd", "lr": 1e-4}, {"name": "sgd", "lr": 0.1}], steps=30)
    assert runs[0]["status"] == BUDGET and runs[0]["stopped_at"] == 30
    assert runs[1]["status"] == DIVERGED and runs[1]["stopped_at"] < 30
    assert "overflow" in runs[1]["reason"] or "bounded" in runs[1]["reason"]


def test_a_loss_without_a_value_is_a_domain_problem_not_an_overflow():
    from app.problems.expression import parse_formula
    from app.runs import LEFT_DOMAIN, START_UNDEFINED

    def race(formula, start, lr, steps=20):
        run = Run(
            SurfaceProblem(parse_formula(formula)),
            make_racers([{"name": "sgd", "lr": lr}]),
            start,
            steps,
        )
        return collect(run)[0]

    # log(-2) has no value: the run stops before any step.
    out = race("log(x)", (-2.0, 2.0), 0.01)
    assert (out["status"], out["stopped_at"], out["reason"]) == (DIVERGED, 0, START_UNDEFINED)
    # sqrt(x) + y²: d/dx sqrt(x) = 1 / (2 sqrt(x)), so x falls by lr / (2 sqrt(x)) per step,
    # and the first x below 0 is where the loss stops being a number.
    x, k = 0.5, 0
    while x >= 0:
        x -= 0.5 / (2 * np.sqrt(x))
        k += 1
    out = race("sqrt(x) + y*y", (0.5, 1.0), 0.5)
    assert (out["status"], out["stopped_at"], out["reason"]) == (DIVERGED, k, LEFT_DOMAIN)
    # A loss that grows past every bound is still an overflow.
    out = race("exp(x*x)", (5.0, 0.0), 10.0)
    assert out["status"] == DIVERGED and out["reason"] not in (START_UNDEFINED, LEFT_DOMAIN)


def test_frames_list_only_running_racers():
    run = Run(
        problem(),
        make_racers([{"name": "sgd", "lr": 1e-4}, {"name": "sgd", "lr": 0.1}]),
        (-1.5, 2.0),
        30,
    )
    frames = [frame_of(r) for r in run.records()]
    last_seen = {}
    for f in frames:
        for e in f["racers"]:
            last_seen[e["i"]] = (f["step"], e["status"])
    assert last_seen[0] == (30, BUDGET)
    assert last_seen[1][1] == DIVERGED and last_seen[1][0] == run.stopped_at[1]


def test_momentum_velocity_exposed():
    (run,) = trajectories([{"name": "sgd", "lr": 1e-3, "momentum": 0.9}], steps=3)
    g0 = np.array(run["grads"][0])
    # After the first step torch's momentum buffer is the first gradient itself.
    np.testing.assert_allclose(run["velocity"][1], g0)


def test_unknown_optimizer_and_bad_hyperparameter():
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_racers([{"name": "lbfgs"}])
    with pytest.raises(ValueError, match="lr"):
        make_racers([{"name": "adam", "lr": -1.0}])
