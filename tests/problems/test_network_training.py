"""Networks through the shared Run: the stated accuracy of every default, and the frame extras."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from app.problems.batching import BatchSampler
from app.problems.net_datasets import GENERATORS, generate
from app.problems.network_presets import preset, target
from app.problems.networks import NetworkProblem
from app.racers import make_racers
from app.run_output import collect, frame_of
from app.runs import Run
from tests.problems.test_networks import ref_outputs

CLASSIFICATION = [k for k, v in GENERATORS.items() if v[1] != "regression"]


def problem_of(body: dict, every: int = 10) -> NetworkProblem:
    net = body["network"]
    data = generate(net["dataset"], net["n"], net["noise"], net["test_fraction"], net["seed"])
    return NetworkProblem(
        data,
        net["features"],
        net["hidden"],
        net["activation"],
        net["loss"],
        net["l1"],
        net["l2"],
        every,
    )


@pytest.mark.parametrize("dataset", CLASSIFICATION)
def test_default_settings_reach_the_stated_test_accuracy(dataset):
    """Each dataset's defaults (what the page starts from) reach their stated test accuracy by
    the end of their step budget: circle >= 95% within 1,000 steps, and so on (presets)."""
    body, goal = preset(dataset), target(dataset)
    assert goal is not None and goal["steps"] == body["steps"]
    p = problem_of(body, every=10**6)
    seed = body["network"]["seed"]
    run = Run(p, make_racers(body["optimizers"]), p.initial_point(seed), body["steps"])
    *_, rec = run.records()
    assert rec.step == goal["steps"]
    assert rec.extra["test_acc"][0] >= goal["test_acc"], (dataset, rec.extra["test_acc"])


def decode(t: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(t["bdata"]), "<f4").reshape(t["shape"])


def test_frames_carry_metrics_norms_and_heatmaps_on_their_steps():
    body = preset("circle")
    p = problem_of(body, every=4)
    racers = make_racers([{"name": "adam", "lr": 0.03}, {"name": "sgd", "lr": 0.1}])
    run = Run(p, racers, p.initial_point(1), 10)
    frames = [frame_of(r) for r in run.records()]
    assert [f["step"] for f in frames] == list(range(11))
    with_maps = [f["step"] for f in frames if "heatmap" in f["racers"][0]]
    assert with_maps == [0, 4, 8, 10]  # step 0, every 4th, and the last
    last = frames[-1]["racers"][1]
    assert set(last) >= {"train_loss", "test_loss", "train_acc", "test_acc", "layer_norms"}
    # Light frames: no per-parameter gradient, update or optimizer state.
    assert not {"grad", "update", "velocity", "scale"} & set(last)
    theta = np.array(last["point"])
    heat = decode(last["heatmap"])
    np.testing.assert_allclose(heat, p.heatmap(theta), rtol=0)
    z = ref_outputs(p, theta, p.data.train.x)[:, 0]
    assert last["train_acc"] == pytest.approx(((z > 0) == p.data.train.y).mean())
    assert last["train_loss"] == pytest.approx(last["loss"])  # no regularisation here
    norms = last["layer_norms"]
    assert len(norms["weight"]) == 3 and len(norms["grad"]) == 3
    w1 = theta[: 2 * 8]
    assert norms["weight"][0] == pytest.approx(np.linalg.norm(w1))
    _, grads = p.value_and_grad(theta[None])
    assert norms["grad"][2] == pytest.approx(np.linalg.norm(grads[0, p.slots[4].offset :][:8]))


def test_regularised_train_loss_excludes_the_penalty():
    body = preset("moons")
    body["network"]["l2"] = 0.01
    p = problem_of(body)
    run = Run(p, make_racers([{"name": "adam", "lr": 0.03}]), p.initial_point(1), 3)
    rec = list(run.records())[-1]
    w = rec.points[0] * p.weight_mask
    assert rec.extra["train_loss"][0] == pytest.approx(rec.losses[0] - 0.01 * (w * w).sum())


def test_a_racer_that_stops_early_gets_its_heatmap():
    body = preset("circle")
    body["network"]["activation"] = "linear"
    p = problem_of(body, every=1000)
    # From huge weights a linear network's gradient is huge too: plain SGD leaves the bounded
    # region at once, while Adam's steps stay about lr long and it keeps going.
    racers = make_racers([{"name": "sgd", "lr": 10}, {"name": "adam", "lr": 0.03}])
    run = Run(p, racers, np.full(p.dim, 1e6), 30)
    recs = list(run.records())
    stop = run.stopped_at[0]
    assert run.status[0] == "diverged" and stop < 30
    frame = frame_of(recs[stop])
    assert frame["racers"][0]["heatmap"] is not None
    assert frame["racers"][1].get("heatmap") is None


def test_minibatch_runs_and_collect_with_light_records():
    p = problem_of(preset("xor"), every=5)
    samplers = [BatchSampler(p.n, "minibatch", 32, seed=0)]
    run = Run(
        p, make_racers([{"name": "adam", "lr": 0.03}]), p.initial_point(1), 12, samplers=samplers
    )
    out = collect(run)[0]
    assert "grads" not in out and "velocity" not in out
    assert len(out["points"]) == 13 and len(out["test_acc"]) == 13
    assert out["batch_loss"][0] is None and out["batch_loss"][1] is not None
    assert [h is not None for h in out["heatmap"]] == [k % 5 == 0 or k == 12 for k in range(13)]


def test_a_race_in_permuted_rows_matches_each_racer_alone():
    """Racers of one optimizer kind share rows out of racer order; each racer's frames must
    still equal those of the same racer run alone (metrics come from the right rows)."""
    body = preset("moons")
    configs = [
        {"name": "adam", "lr": 0.03},
        {"name": "sgd", "lr": 0.1},
        {"name": "adam", "lr": 0.01},
    ]
    p = problem_of(body, every=3)
    race = list(Run(p, make_racers(configs), p.initial_point(1), 6).records())
    assert not Run(p, make_racers(configs), p.initial_point(1), 6)._identity
    for i, cfg in enumerate(configs):
        solo_p = problem_of(body, every=3)
        solo = list(Run(solo_p, make_racers([cfg]), solo_p.initial_point(1), 6).records())
        for a, b in zip(race, solo, strict=True):
            np.testing.assert_allclose(a.points[i], b.points[0], rtol=1e-12)
            for key in ("train_loss", "test_loss", "train_acc", "test_acc"):
                assert a.extra[key][i] == pytest.approx(b.extra[key][0], rel=1e-10), key
            ours, alone = a.extra["step_ratio"][i], b.extra["step_ratio"][0]
            assert ours == alone or ours == pytest.approx(alone, rel=1e-9)
            assert ("heatmap" in a.extra) == ("heatmap" in b.extra)
            if "heatmap" in b.extra:
                assert a.extra["heatmap"][i] == b.extra["heatmap"][0]


class _Bowl:
    """f(x) = |x|^2 with the Run's two optional hooks, to pin them down apart from networks."""

    dim = 2
    light_frames = True

    def value_and_grad(self, points):
        return (points * points).sum(axis=1), 2 * points

    def frame_extras(self, rec):
        return {"norm": [float(np.linalg.norm(p)) for p in rec.points]}


def test_run_hooks_are_generic():
    run = Run(_Bowl(), make_racers([{"name": "sgd", "lr": 0.25}]), [2.0, 0.0], 3)
    frames = [frame_of(r) for r in run.records()]
    # x halves every step: 2, 1, 0.5, 0.25.
    assert [f["racers"][0]["norm"] for f in frames] == [2.0, 1.0, 0.5, 0.25]
    assert set(frames[1]["racers"][0]) == {"i", "point", "loss", "status", "norm"}
    out = collect(Run(_Bowl(), make_racers([{"name": "sgd", "lr": 0.25}]), [2.0, 0.0], 3))[0]
    assert out["norm"] == [2.0, 1.0, 0.5, 0.25] and "velocity" not in out


def least_squares() -> tuple[NetworkProblem, np.ndarray, np.ndarray]:
    """The plane through a network with no hidden layer: linear least squares in (w1, w2, b),
    the flat vector's order. Its loss mean((X w + b - t)^2) has gradient (2/n) X'(X theta - t)
    and Hessian H = (2/n) X'X with X = [x1, x2, 1]. Returns the problem, X and t."""
    body = preset("plane")
    body["network"].update(hidden=[], activation="linear", loss="mse")
    p = problem_of(body, every=10**6)
    x = np.column_stack([p.x_train, np.ones(p.n)])
    return p, x, p.data.train.y.astype(float)


def test_step_ratio_is_the_step_over_the_newton_step_on_least_squares():
    """Each frame's step_ratio against the closed form: plain descent's step d = -lr g has
    ratio lr g'Hg / g'g; any other step (Adam's) d'Hd / |g . d| on a quadratic."""
    p, x, t = least_squares()
    hess = 2 / p.n * x.T @ x
    top = np.linalg.eigvalsh(hess)[-1]
    # Plain descent reaches the bottom along the steepest direction at lr = 1 / top; these
    # go 3% and half of that way. Adam in between puts the two SGD rows out of racer order.
    configs = [
        {"name": "sgd", "lr": 0.03 / top},
        {"name": "adam", "lr": 0.01},
        {"name": "sgd", "lr": 0.5 / top},
    ]
    run = Run(p, make_racers(configs), p.initial_point(1), 20)
    assert not run._identity
    frames = [frame_of(r) for r in run.records()]
    assert [e["step_ratio"] for e in frames[0]["racers"]] == [None] * 3  # no step yet

    def grad(theta):
        return 2 / p.n * x.T @ (x @ theta - t)

    for i in (0, 2):
        lr, theta = configs[i]["lr"], p.initial_point(1)
        for f in frames[1:]:
            g = grad(theta)
            theta = theta - lr * g
            np.testing.assert_allclose(f["racers"][i]["point"], theta, rtol=1e-12)
            want = lr * (g @ hess @ g) / (g @ g)
            assert f["racers"][i]["step_ratio"] == pytest.approx(want, rel=1e-9)
    # From one start, the ratio grows with the learning rate alone.
    first = frames[1]["racers"]
    assert first[2]["step_ratio"] / first[0]["step_ratio"] == pytest.approx(0.5 / 0.03)
    for a, b in zip(frames, frames[1:], strict=False):
        x0, x1 = np.array(a["racers"][1]["point"]), np.array(b["racers"][1]["point"])
        d = x1 - x0
        want = (d @ hess @ d) / -(grad(x0) @ d)
        assert b["racers"][1]["step_ratio"] == pytest.approx(want, rel=1e-9)


def test_a_diverging_run_sends_only_finite_step_ratios_or_null():
    p, x, _ = least_squares()
    top = np.linalg.eigvalsh(2 / p.n * x.T @ x)[-1]
    # Past lr = 2 / top every step overshoots the bottom along the steep direction further.
    run = Run(p, make_racers([{"name": "sgd", "lr": 3 / top}]), p.initial_point(1), 500)
    ratios = [frame_of(r)["racers"][0]["step_ratio"] for r in run.records()]
    assert run.status[0] == "diverged"
    assert all(r is None or np.isfinite(r) for r in ratios)
    # Every step went more than twice the way to the bottom along it: past it, and uphill.
    assert all(r > 2 for r in ratios[-10:] if r is not None)


def test_batched_racers_have_no_step_ratio():
    p = problem_of(preset("xor"), every=10**6)
    samplers = [BatchSampler(p.n, "minibatch", 32, seed=0), BatchSampler(p.n, "batch", None)]
    racers = make_racers([{"name": "adam", "lr": 0.03}, {"name": "adam", "lr": 0.03}])
    run = Run(p, racers, p.initial_point(1), 5, samplers=samplers)
    frames = [frame_of(r) for r in run.records()]
    # A mini-batch step follows its batch's gradient, not the full loss it would be measured on.
    assert all(f["racers"][0]["step_ratio"] is None for f in frames)
    assert all(f["racers"][1]["step_ratio"] > 0 for f in frames[1:])
