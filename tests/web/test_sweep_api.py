"""POST /api/sweep: one vectorised run over optimizers x a log lr grid, checked racer by racer."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.web.helpers import strict_json


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(max_sweep_rates=12, max_steps=500, max_optimizers=3)))


def post(client, url, body, status=200):
    r = client.post(url, json=body)
    assert r.status_code == status, r.text
    return strict_json(r.content)


SWEEP = {
    "surface": {"function": "rosenbrock"},
    "start": [-1.2, 1.0],
    "steps": 150,
    "optimizers": [{"name": "sgd"}, {"name": "sgd", "momentum": 0.9}, {"name": "adam"}],
    "lr_min": 1e-5,
    "lr_max": 0.1,
    "rates": 9,
}


def test_sweep_matches_each_racer_run_alone(client):
    got = post(client, "/api/sweep", SWEEP)
    lrs = got["lrs"]
    assert len(lrs) == 9
    assert lrs[0] == pytest.approx(1e-5, rel=1e-12) and lrs[-1] == pytest.approx(0.1, rel=1e-12)
    # Log-spaced: equal ratios.
    assert np.allclose(np.diff(np.log(lrs)), math.log(1e4) / 8)
    assert [c["optimizer"]["name"] for c in got["curves"]] == ["sgd", "sgd", "adam"]
    assert got["curves"][1]["optimizer"]["momentum"] == 0.9
    statuses = set()
    for opt, curve in zip(SWEEP["optimizers"], got["curves"], strict=True):
        for k, lr in enumerate(lrs):
            alone = post(
                client,
                "/api/runs",
                {
                    "surface": SWEEP["surface"],
                    "start": SWEEP["start"],
                    "steps": SWEEP["steps"],
                    "optimizers": [{**opt, "lr": lr}],
                },
            )["runs"][0]
            statuses.add(alone["status"])
            assert curve["status"][k] == alone["status"]
            assert curve["stopped_at"][k] == alone["steps"]
            if alone["status"] == "diverged":
                assert curve["final_loss"][k] is None
            else:
                # The same arithmetic, row by row: bit for bit.
                assert curve["final_loss"][k] == alone["losses"][-1]
    # The grid spans both behaviours, so the comparison covered each.
    assert {"diverged", "budget"} <= statuses


def test_best_lr_is_the_lowest_final_loss(client):
    got = post(client, "/api/sweep", SWEEP)
    for curve in got["curves"]:
        pairs = [
            (v, lr) for v, lr in zip(curve["final_loss"], got["lrs"], strict=True) if v is not None
        ]
        assert curve["best_lr"] == min(pairs)[1]


def test_quadratic_sweep_diverges_above_two_over_L(client):
    # f = x² + y² has L = 2: plain gradient descent diverges exactly for lr > 1.
    body = {
        "surface": {"function": "quadratic"},
        "steps": 400,
        "optimizers": [{"name": "sgd"}],
        "lr_min": 0.5,
        "lr_max": 2.0,
        "rates": 12,
    }
    got = post(client, "/api/sweep", body)
    for lr, status, loss in zip(
        got["lrs"], got["curves"][0]["status"], got["curves"][0]["final_loss"], strict=True
    ):
        if lr > 1.0:
            assert status == "diverged" and loss is None
        else:
            assert status in ("converged", "budget") and loss < 1e-6


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"rates": 13}, "rates must be at most 12"),
        ({"steps": 501}, "steps must be at most 500"),
        ({"optimizers": [{"name": "sgd"}] * 4}, "at most 3 optimizers"),
        ({"lr_min": 0.1, "lr_max": 0.01}, "lr_min must be smaller"),
        ({"lr_max": 11.0}, "lr_max must be at most 10 for sgd, got 11"),
        ({"optimizers": [{"name": "sgd"}, {"name": "nope"}]}, "optimizer 2"),
        ({"optimizers": [{"name": "sgd", "momentum": 2}]}, "optimizer 1 (sgd)"),
        ({"surface": {"expression": "x**"}}, ""),
        ({"start": [1e9, 0]}, "start must be finite"),
    ],
)
def test_refusals_are_clear_4xx(client, change, words):
    r = client.post("/api/sweep", json={**SWEEP, **change})
    assert r.status_code == 422, r.text
    assert words in strict_json(r.content)["detail"]


def test_too_many_rates_carries_its_code_for_the_page(client):
    out = strict_json(client.post("/api/sweep", json={**SWEEP, "rates": 13}).content)
    assert out["code"] == "sweep_rates_max" and out["params"] == {"max": 12, "got": 13}


def test_the_sweep_dialog_offers_as_many_rates_as_the_server_takes(client):
    html = client.get("/").text
    assert 'name="rates" value="12" required min="2" max="12"' in html


@pytest.mark.parametrize(
    "change", [{"rates": 1}, {"lr_min": 0}, {"lr_max": -1}, {"steps": True}, {"extra": 1}]
)
def test_malformed_requests_are_422(client, change):
    assert client.post("/api/sweep", json={**SWEEP, **change}).status_code == 422


# ---- data problems (the regression lab) -------------------------------------------------

DATA_SWEEP = {
    "data": {"generator": "linear", "n": 40, "seed": 4},
    "model": "linear",
    "start": [-2.0, -3.0],
    "steps": 60,
    "optimizers": [
        {"name": "sgd", "variant": "batch"},
        {"name": "sgd", "variant": "stochastic"},
        {"name": "adam", "variant": "minibatch", "batch_size": 8},
    ],
    "lr_min": 1e-3,
    "lr_max": 1.5,
    "rates": 7,
}


def test_data_sweep_matches_each_racer_run_alone(client):
    got = post(client, "/api/sweep", DATA_SWEEP)
    assert got["problem"]["param_names"] == ["w", "b"] and "surface" not in got
    statuses = set()
    for opt, curve in zip(DATA_SWEEP["optimizers"], got["curves"], strict=True):
        for k, lr in enumerate(got["lrs"]):
            body = {k2: DATA_SWEEP[k2] for k2 in ("data", "model", "start", "steps")}
            alone = post(client, "/api/runs", {**body, "optimizers": [{**opt, "lr": lr}]})
            alone = alone["runs"][0]
            statuses.add(alone["status"])
            assert curve["status"][k] == alone["status"]
            if alone["status"] != "diverged":
                # Same arithmetic and, for batched racers, the same batches: bit for bit.
                assert curve["final_loss"][k] == alone["losses"][-1]
    assert "diverged" in statuses and statuses & {"budget", "converged"}


def test_a_data_sweep_too_long_for_one_answer_is_refused():
    slow = TestClient(
        create_app(Settings(max_request_seconds=0.2, max_sweep_rates=40, max_steps=10_000))
    )
    body = {
        "data": {"generator": "linear", "n": 5000},
        "model": "linear",
        "steps": 10_000,
        "optimizers": [{"name": "adam"}, {"name": "sgd"}],
        "rates": 40,
    }
    out = post(slow, "/api/sweep", body, status=422)
    assert out["code"] == "sweep_too_long" and out["params"]["steps"] == 10_000
    assert "fewer rates" in out["detail"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"surface": {"function": "quadratic"}}, "exactly one of 'surface', 'data' or 'network'"),
        ({"model": None}, "'data' needs a 'model'"),
        ({"start": [0.0, 0.0, 0.0]}, "start must have 2 numbers"),
        (
            {"optimizers": [{"name": "sgd", "variant": "minibatch", "batch_size": 99}]},
            "optimizer 1",
        ),
    ],
)
def test_data_sweep_refusals(client, change, words):
    r = client.post("/api/sweep", json={**DATA_SWEEP, **change})
    assert r.status_code == 422, r.text
    assert words in strict_json(r.content)["detail"]


def test_a_surface_sweep_refuses_descent_variants(client):
    body = {**SWEEP, "optimizers": [{"name": "sgd", "variant": "stochastic"}]}
    r = client.post("/api/sweep", json=body)
    assert r.status_code == 422 and "apply to data problems" in r.text


# ---- networks (the network lab) ---------------------------------------------------------

NET_SWEEP = {
    "network": {"dataset": "moons", "n": 120, "hidden": [5, 4], "seed": 3},
    "steps": 10,
    "optimizers": [{"name": "adam"}, {"name": "sgd", "batch_size": 8}],
    "lr_min": 1e-3,
    "lr_max": 10.0,
    "rates": 5,
}


def test_network_sweep_matches_each_racer_run_alone():
    roomy = TestClient(create_app(Settings()))
    got = post(roomy, "/api/sweep", NET_SWEEP)
    assert got["problem"]["dim"] == 2 * 5 + 5 + 5 * 4 + 4 + 4 + 1
    assert "test_loss" not in got["curves"][0]  # a sweep computes no heatmaps or test metrics
    for opt, curve in zip(NET_SWEEP["optimizers"], got["curves"], strict=True):
        for k, lr in enumerate(got["lrs"]):
            body = {"network": NET_SWEEP["network"], "steps": NET_SWEEP["steps"]}
            alone = post(roomy, "/api/runs", {**body, "optimizers": [{**opt, "lr": lr}]})
            alone = alone["runs"][0]
            assert curve["status"][k] == alone["status"]
            # From the same seeded weights on the same batches. Not bit for bit: with ten
            # different racers stacked, the layer products round in another order than one
            # racer's alone (about 1e-14 after 10 steps, growing with chaotic training).
            assert curve["final_loss"][k] == pytest.approx(alone["losses"][-1], rel=1e-12)


def test_a_network_sweep_takes_no_start(client):
    r = client.post("/api/sweep", json={**NET_SWEEP, "start": [0.0, 0.0]})
    assert r.status_code == 422 and "seeded weights" in r.text


def test_a_sweep_heavier_than_the_heaviest_race_is_refused_before_it_runs():
    # 8 optimizers x 40 rates through 6 x 16 units over 3,500 training rows took 6 GB.
    big = TestClient(create_app(Settings(max_sweep_rates=40)))
    net = {"dataset": "circle", "n": 5000, "hidden": [16] * 6, "seed": 1}
    body = {"network": net, "steps": 3, "optimizers": [{"name": "adam"}] * 8, "rates": 40}
    out = post(big, "/api/sweep", body, status=422)
    assert out["code"] == "sweep_too_big" and out["params"]["racers"] == 320
    one = {**body, "optimizers": [{"name": "adam"}], "rates": 40}
    out = post(big, "/api/sweep", one, status=422)
    assert out["code"] == "sweep_too_big_rates"
    # What the refusal allows runs.
    fit = out["params"]["rates"]
    assert post(big, "/api/sweep", {**one, "rates": fit})["steps"] == 3
    # Softmax over 5,000 rows: 15 numbers a row, the same bound.
    data = {"data": {"generator": "blobs", "n": 5000, "classes": 5}, "model": "softmax"}
    out = post(
        big,
        "/api/sweep",
        {**data, "steps": 2, "optimizers": [{"name": "sgd"}] * 8, "rates": 40},
        status=422,
    )
    assert out["code"] == "sweep_too_big_rates"


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        # A network racer's refusal names its optimizer (1 of 2), not its racer in the grid.
        (
            {**NET_SWEEP, "optimizers": [{"name": "adam"}, {"name": "sgd", "batch_size": 10_000}]},
            None,
            "optimizers.1.batch_size",
        ),
        (
            {
                **DATA_SWEEP,
                "optimizers": [{"name": "sgd", "variant": "stochastic", "batch_size": 0}],
            },
            "batch_size_variant",
            "batch_size goes with variant 'minibatch'",
        ),
        (
            {**DATA_SWEEP, "optimizers": [{"name": "sgd", "variant": "minibatch"}]},
            "minibatch_needs_size",
            "a mini-batch needs its batch_size",
        ),
        ({**SWEEP, "model": "linear"}, None, "'model' goes with 'data' only"),
        ({**SWEEP, "lr_min": 0.5, "lr_max": 0.5}, "sweep_lr_order", "lr_min must be smaller"),
        ({**SWEEP, "lr_max": 50.0}, "sweep_lr_max", "lr_max must be at most 10 for sgd, got 50"),
    ],
)
def test_refusals_say_what_the_user_typed(client, body, code, words):
    out = post(client, "/api/sweep", body, status=422)
    assert words in out["detail"]
    if code:
        assert out["code"] == code


def test_a_run_and_a_sweep_count_their_time_from_the_request_s_arrival():
    from app.problems.surfaces import SURFACES, SurfaceProblem
    from app.racers import make_racers
    from app.run_output import RunTooLong, collect
    from app.runs import Run
    from app.web.sweep_api import final_losses

    def run():
        return Run(
            SurfaceProblem(SURFACES["quadratic"].fn), make_racers([{"name": "sgd"}]), [1, 1], 5
        )

    # Queued past its deadline: refused at once, however much of its own time is left.
    gone = time.monotonic() - 1
    with pytest.raises(RunTooLong):
        collect(run(), max_seconds=60, deadline=gone)
    with pytest.raises(RunTooLong):
        final_losses(run(), max_seconds=60, deadline=gone)
    assert len(collect(run(), max_seconds=60, deadline=time.monotonic() + 60)) == 1


def test_whole_runs_compute_on_their_own_pool():
    import asyncio
    import threading

    from app.web.heavy import in_heavy_pool

    # A thread of its own: in the full suite the browser tests' event loop runs in this one.
    seen = {}

    def probe() -> None:
        seen["name"] = asyncio.run(in_heavy_pool(lambda: threading.current_thread().name))

    worker = threading.Thread(target=probe)
    worker.start()
    worker.join(30)
    assert seen["name"].startswith("heavy")
