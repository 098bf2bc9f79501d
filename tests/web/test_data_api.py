"""Data-lab routes: datasets, CSV upload, data landscapes, and data runs over REST and WebSocket."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.problems.test_datasets import BAD as BAD_CSV
from tests.web.helpers import strict_json


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()))


def post(client, url, status=200, **kw):
    r = client.post(url, **kw)
    assert r.status_code == status, r.text
    return strict_json(r.content)


LINEAR = {"generator": "linear", "n": 40, "seed": 1}


def test_dataset_is_seeded(client):
    a = post(client, "/api/datasets", json={"data": LINEAR})
    b = post(client, "/api/datasets", json={"data": LINEAR})
    assert a == b and a["n"] == 40 and len(a["x"]) == 40


def test_data_run_over_post_and_websocket_agree(client):
    body = {
        "data": LINEAR,
        "model": "linear",
        "start": [-1.0, 3.0],
        "steps": 30,
        "optimizers": [
            {"name": "sgd", "lr": 0.05, "variant": "batch"},
            {"name": "sgd", "lr": 0.05, "variant": "stochastic"},
            {"name": "sgd", "lr": 0.05, "variant": "minibatch", "batch_size": 8},
        ],
    }
    posted = post(client, "/api/runs", json=body)
    assert posted["problem"]["param_names"] == ["w", "b"]
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_json({"type": "start", **body, "steps_per_second": 2000})
        started = strict_json(ws.receive_text())
        assert started["problem"]["loss"] == "mse"
        frames = []
        while (msg := strict_json(ws.receive_text()))["type"] != "done":
            frames += msg["frames"]
    for i, run in enumerate(posted["runs"]):
        mine = [e for f in frames for e in f["racers"] if e["i"] == i]
        assert [e["point"] for e in mine] == run["points"]
        assert [e.get("batch_loss") for e in mine] == run["batch_loss"]
    sizes = [len(b) if b else None for b in (r["batch"][1] for r in posted["runs"])]
    assert sizes == [None, 1, 8]


def _decode(arr):
    raw = base64.b64decode(arr["bdata"])
    return np.frombuffer(raw, dtype="<" + arr["dtype"]).reshape(arr.get("shape", [-1]))


def test_data_landscape_equals_run_loss(client):
    body = {
        "data": LINEAR,
        "model": "linear",
        "steps": 1,
        "start": [0.5, -0.5],
        "optimizers": [{"name": "sgd"}],
    }
    loss0 = post(client, "/api/runs", json=body)["runs"][0]["losses"][0]
    grid = post(
        client,
        "/api/landscape/data",
        json={"data": LINEAR, "model": "linear", "ranges": [[0.5, 1.5], [-0.5, 0.5]], "n": 11},
    )
    z = _decode(grid["z"])
    assert z[0, 0] == pytest.approx(loss0, rel=1e-6)


BAD = [
    ("/api/runs", {"data": LINEAR, "steps": 3, "optimizers": [{"name": "sgd"}]}, "model"),
    (
        "/api/runs",
        {"data": LINEAR, "model": "softmax", "steps": 3, "optimizers": [{"name": "sgd"}]},
        "multiclass",
    ),
    (
        "/api/runs",
        {
            "data": LINEAR,
            "model": "linear",
            "start": [1, 2, 3],
            "steps": 3,
            "optimizers": [{"name": "sgd"}],
        },
        "2 numbers",
    ),
    (
        "/api/runs",
        {
            "data": LINEAR,
            "model": "linear",
            "steps": 3,
            "optimizers": [{"name": "sgd", "variant": "minibatch", "batch_size": 99}],
        },
        "mini-batch size",
    ),
    (
        "/api/runs",
        {
            "data": LINEAR,
            "model": "linear",
            "steps": 3,
            "optimizers": [{"name": "sgd", "variant": "sometimes"}],
        },
        "variant",
    ),
    (
        "/api/runs",
        {
            "surface": {"function": "booth"},
            "steps": 3,
            "optimizers": [{"name": "sgd", "variant": "stochastic"}],
        },
        "data problems",
    ),
    (
        "/api/runs",
        {
            "data": {"x": [1, 2], "y": [0.5, 2]},
            "model": "logistic",
            "steps": 3,
            "optimizers": [{"name": "sgd"}],
        },
        "0 or 1",
    ),
    (
        "/api/runs",
        {
            "data": {"x": [1, 2, 3], "y": [1, 2]},
            "model": "linear",
            "steps": 3,
            "optimizers": [{"name": "sgd"}],
        },
        "x has 3 values",
    ),
    (
        "/api/runs",
        {
            "data": {"generator": "linear", "n": 10**6},
            "model": "linear",
            "steps": 3,
            "optimizers": [{"name": "sgd"}],
        },
        "at most",
    ),
    ("/api/landscape/data", {"data": LINEAR, "axes": [0, 0]}, "axes"),
    ("/api/landscape/data", {"data": LINEAR, "batch": [0, 400]}, "batch indices"),
]


@pytest.mark.parametrize(("url", "body", "needle"), BAD)
def test_bad_data_requests_refused(client, url, body, needle):
    out = post(client, url, status=422, json=body)
    assert needle in out["detail"], out


def test_csv_upload(client):
    ok = post(client, "/api/datasets/csv", content=b"hours,score\n1,50\n2,60\n3,71\n")
    assert ok["columns"] == ["hours", "score"] and ok["table"][2] == [3.0, 71.0]
    bad = post(client, "/api/datasets/csv", status=422, content=b"a,b\n1,2\n3,x\n")
    assert "'x' is not a number" in bad["detail"] and bad["row"] == 3
    big = post(client, "/api/datasets/csv", status=413, content=b"a,b\n" + b"1,2\n" * 400_000)
    assert "too large" in big["detail"]


@pytest.mark.parametrize(("raw", "needle", "row"), BAD_CSV)
def test_every_bad_csv_is_refused_over_http_with_its_row(client, raw, needle, row):
    out = post(
        client, "/api/datasets/csv", status=413 if len(raw) > 1_000_000 else 422, content=raw
    )
    assert needle in out["detail"]
    if len(raw) <= 1_000_000:
        assert out["row"] == row
