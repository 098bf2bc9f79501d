"""Data-lab routes: datasets, CSV upload, data landscapes, and data runs over REST and WebSocket."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.problems.test_datasets import BAD as BAD_CSV
from tests.web.helpers import post, strict_json


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()))


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
    ("/api/landscape/data", {"data": LINEAR, "batch": [-1]}, "batch indices"),
    ("/api/landscape/data", {"data": LINEAR, "batch": [2**63]}, "batch indices"),  # > int64
    ("/api/landscape/data", {"data": LINEAR, "batch": [10**400]}, "batch indices"),
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


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])  # Unix, Windows, old Mac
def test_csv_line_ends_of_every_kind(client, newline):
    raw = newline.join([b"hours,score", b"1,50", b"2,60", b"3,71", b""])
    ok = post(client, "/api/datasets/csv", content=raw)
    assert ok["rows"] == 3 and ok["table"] == [[1.0, 50.0], [2.0, 60.0], [3.0, 71.0]]
    mixed = post(client, "/api/datasets/csv", content=b"x,y\n1,2\r3,4\r\n5,7\n")
    assert mixed["table"] == [[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]


@pytest.mark.parametrize(("raw", "needle", "row"), BAD_CSV)
def test_every_bad_csv_is_refused_over_http_with_its_row(client, raw, needle, row):
    out = post(
        client, "/api/datasets/csv", status=413 if len(raw) > 1_000_000 else 422, content=raw
    )
    assert needle in out["detail"]
    if len(raw) <= 1_000_000:
        assert out["row"] == row


def _ws_frames(client, body):
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_json({"type": "start", **body, "steps_per_second": 2000})
        started = strict_json(ws.receive_text())
        assert started["type"] == "started", started
        frames = []
        while (msg := strict_json(ws.receive_text()))["type"] != "done":
            frames += msg["frames"]
    return started, frames


def test_mse_twin_rides_in_the_logistic_race_identically_over_post_and_websocket(client):
    twin = [
        {"name": "sgd", "lr": 0.5, "variant": "batch"},
        {"name": "adam", "lr": 0.05, "variant": "minibatch", "batch_size": 8},
    ]
    body = {
        "data": {"generator": "two_class", "n": 40, "seed": 2, "separation": 3},
        "model": "logistic",
        "start": [-6.0, 0.0],
        "steps": 40,
        "optimizers": twin + [{**o, "loss": "mse"} for o in twin],
    }
    posted = post(client, "/api/runs", json=body)
    assert posted["problem"]["losses"] == ["bce", "bce", "mse", "mse"]
    started, frames = _ws_frames(client, body)
    assert started["problem"]["losses"] == ["bce", "bce", "mse", "mse"]
    for i, run in enumerate(posted["runs"]):
        mine = [e for f in frames for e in f["racers"] if e["i"] == i]
        assert [e["point"] for e in mine] == run["points"]
        assert [e["loss"] for e in mine] == run["losses"]
    # Each twin's losses are its own: those of the same racer alone on the MSE model.
    alone = post(client, "/api/runs", json={**body, "model": "logistic_mse", "optimizers": twin})
    for i in range(2):
        assert posted["runs"][2 + i]["losses"] == alone["runs"][i]["losses"]
        assert posted["runs"][2 + i]["points"] == alone["runs"][i]["points"]
    # From this start (every point on the wrong side, sigmoid saturated) batch SGD on BCE
    # recovers while its MSE twin sits on MSE's flat region.
    bce, mse = posted["runs"][0]["losses"], posted["runs"][2]["losses"]
    assert bce[-1] < 0.1 * bce[0] and mse[-1] > 0.99 * mse[0]


def test_csv_with_text_labels_runs_softmax(client):
    rows = [
        (i % 7 - 3 + c * 0.5, (i * 3) % 5 - 2 - c, name)
        for i in range(30)
        for c, name in enumerate(["cat", "dog", "eel"])
    ]
    raw = ("a,b,animal\n" + "".join(f"{a},{b},{n}\n" for a, b, n in rows)).encode()
    up = post(client, "/api/datasets/csv", content=raw)
    assert up["labels"] == [2] and up["table"][1] == [rows[1][0], rows[1][1], "dog"]
    data = {"x": [r[:2] for r in up["table"]], "y": [r[2] for r in up["table"]]}
    ds = post(client, "/api/datasets", json={"data": data, "model": "softmax"})
    assert ds["classes"] == 3 and ds["class_names"] == ["cat", "dog", "eel"]
    assert ds["y"][:4] == [0, 1, 2, 0]
    body = {"data": data, "model": "softmax", "steps": 5, "optimizers": [{"name": "sgd"}]}
    run = post(client, "/api/runs", json=body)
    assert run["problem"]["classes"] == 3 and len(run["runs"][0]["points"][0]) == 9
    assert run["runs"][0]["losses"][0] == pytest.approx(np.log(3), rel=1e-12)
    # Whole-number labels need not start at 0: 1, 2, 3 are three classes.
    numeric = {"x": data["x"][:6], "y": [1, 2, 3, 1, 2, 3]}
    ds = post(client, "/api/datasets", json={"data": numeric, "model": "softmax"})
    assert ds["classes"] == 3 and ds["y"] == [0, 1, 2, 0, 1, 2] and ds["class_names"][0] == "1"


XY = [[0, 1], [1, 0], [2, 2], [3, 1], [4, 0], [5, 3], [6, 1]]
BAD_CLASSES = [
    ({"x": XY, "y": ["a", "b", "c", "d", "e", "f", "a"]}, "softmax", "row 7", 7),
    ({"x": XY, "y": [0, 1, 2, 3, 4, 5, 0]}, "softmax", "2 to 5 classes", 7),
    ({"x": XY, "y": [0, 1, 2.5, 0, 1, 2, 0]}, "softmax", "whole number", 4),
    ({"x": XY, "y": [0, 1, -1, 0, 1, 2, 0]}, "softmax", "whole number", 4),
    ({"x": XY, "y": ["a"] * 7}, "softmax", "only one class", None),
    ({"x": [1, 2, 3], "y": ["low", "high", "low"]}, "linear", "'low' is not a number", 2),
    ({"x": [1, 2, 3], "y": [0, 1, 0.5]}, "logistic", "must be 0 or 1", 4),
    ({"x": [1, 2, 3], "y": [0, 1, 0]}, "softmax", "two input columns", None),
]


@pytest.mark.parametrize(("data", "model", "needle", "row"), BAD_CLASSES)
def test_bad_class_columns_are_refused_naming_the_row(client, data, model, needle, row):
    for url, extra in [
        ("/api/datasets", {}),
        ("/api/runs", {"steps": 2, "optimizers": [{"name": "sgd"}]}),
    ]:
        out = post(client, url, status=422, json={"data": data, "model": model, **extra})
        assert needle in out["detail"], out
        assert out.get("row") == row
        if row is not None:
            assert f"row {row}" in out["detail"]


def test_loss_per_racer_is_for_logistic_models_only(client):
    body = {"data": LINEAR, "model": "linear", "steps": 2}
    out = post(
        client,
        "/api/runs",
        status=422,
        json={**body, "optimizers": [{"name": "sgd", "loss": "mse"}]},
    )
    assert "logistic regression only" in out["detail"]
    out = post(
        client,
        "/api/runs",
        status=422,
        json={
            **body,
            "model": "logistic",
            "data": {"generator": "two_class"},
            "optimizers": [{"name": "sgd", "loss": "hinge"}],
        },
    )
    assert "loss must be 'bce' or 'mse'" in out["detail"]


def test_a_run_too_long_for_one_answer_is_refused_and_names_the_stream():
    slow = TestClient(create_app(Settings(max_request_seconds=1.0)))
    body = {
        "data": {"generator": "blobs", "n": 5000, "classes": 5},
        "model": "softmax",
        "steps": 10_000,
        "optimizers": [{"name": "adam", "lr": 0.01}, {"name": "sgd", "lr": 0.1}],
    }
    out = post(slow, "/api/runs", status=422, json=body)
    assert "too long for one answer" in out["detail"] and "/ws/runs" in out["detail"]
    assert out["code"] == "run_too_long" and out["params"]["steps"] == 10_000
    assert post(slow, "/api/runs", json={**body, "steps": 2})["steps"] == 2


@pytest.mark.parametrize("x", [[True, False, True], ["1", "2", "3"], [[1, "2"], [3, 4], [5, 6]]])
def test_own_data_x_is_numbers_not_booleans_or_strings(client, x):
    body = {
        "data": {"x": x, "y": [1.0, 2.0, 3.0]},
        "model": "linear",
        "steps": 1,
        "optimizers": [{"name": "sgd"}],
    }
    r = client.post("/api/runs", json=body)
    assert r.status_code == 422, r.text
