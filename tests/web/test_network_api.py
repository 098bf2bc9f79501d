"""Network-lab routes: the catalog, network runs over REST and WebSocket, landscapes, refusals."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.problems.net_datasets import DATASET_IDS
from app.web.schemas import RunResponse
from tests.web.helpers import post, strict_json


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()))


def decode(t: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(t["bdata"]), "<" + t["dtype"]).reshape(t["shape"])


NET = {"dataset": "moons", "n": 120, "hidden": [5, 4], "seed": 3}
RUN = {"network": NET, "steps": 30, "optimizers": [{"name": "adam", "lr": 0.05}]}


@pytest.fixture(scope="module")
def run(client):
    return post(client, "/api/runs", json=RUN)


def test_catalog_lists_every_dataset_with_runnable_defaults(client):
    r = client.get("/api/network/datasets")
    assert r.status_code == 200
    cat = strict_json(r.content)
    assert [d["id"] for d in cat["datasets"]] == list(DATASET_IDS)
    assert cat["limits"]["max_hidden_layers"] == Settings().max_hidden_layers
    assert set(cat["activations"]) == {"tanh", "relu", "sigmoid", "leaky_relu", "linear"}
    circle = next(d for d in cat["datasets"] if d["id"] == "circle")
    assert circle["target"] == {"test_acc": 0.95, "steps": 1000}
    body = {**circle["defaults"], "steps": 2}
    out = post(client, "/api/runs", json=body)
    assert out["problem"]["dim"] == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1


def test_run_describes_the_network_and_its_data(run):
    prob = run["problem"]
    assert prob["kind"] == "network" and prob["task"] == "binary" and prob["loss"] == "bce"
    assert prob["loss_note"] is None and prob["dim"] == 2 * 5 + 5 + 5 * 4 + 4 + 4 + 1
    offsets = [(lay["offset"], int(np.prod(lay["shape"]))) for lay in prob["layers"]]
    assert offsets[0][0] == 0 and all(
        a + n == b for (a, n), (b, _) in zip(offsets[:-1], offsets[1:], strict=True)
    )
    assert offsets[-1][0] + offsets[-1][1] == prob["dim"]
    assert len(prob["train"]["x"]) + len(prob["test"]["x"]) == 120
    assert set(prob["train"]["y"]) == {0, 1}
    assert prob["heatmap"] == {"n": 100, "every": 10}
    RunResponse.model_validate(run)  # what the OpenAPI schema documents
    racer = run["runs"][0]
    assert len(racer["points"]) == 31 and len(racer["points"][0]) == prob["dim"]
    heat = [h for h in racer["heatmap"] if h is not None]
    assert len(heat) == 4  # steps 0, 10, 20, 30
    z = decode(heat[-1])
    assert z.shape == (100, 100) and z.min() >= 0 and z.max() <= 1
    assert 0 <= racer["test_acc"][-1] <= 1 and racer["layer_norms"][-1]["grad"]


def test_post_and_websocket_agree(client, run):
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_text(json.dumps({"type": "start", **RUN, "steps_per_second": 2000}))
        started = strict_json(ws.receive_text())
        assert started["type"] == "started" and started["problem"] == run["problem"]
        frames = []
        while True:
            msg = strict_json(ws.receive_text())
            if msg["type"] == "done":
                break
            frames += msg["frames"]
    last = frames[-1]["racers"][0]
    assert frames[-1]["step"] == 30
    assert last["point"] == run["runs"][0]["points"][-1]
    assert last["test_loss"] == run["runs"][0]["test_loss"][-1]
    assert "grad" not in last and "velocity" not in last


def test_minibatch_and_loss_mismatch(client):
    body = {
        **RUN,
        "network": {**NET, "loss": "mse"},
        "optimizers": [{"name": "sgd", "lr": 0.1, "batch_size": 8}],
    }
    out = post(client, "/api/runs", json=body)
    assert "MSE on a classification task" in out["problem"]["loss_note"]
    assert out["runs"][0]["batch_loss"][1] is not None and len(out["runs"][0]["batch"][1]) == 8


def test_landscape_center_bands_and_path(client, run):
    pts = run["runs"][0]["points"]
    body = {"network": NET, "center": pts[-1], "trajectory": pts, "directions": "pca", "n": 11}
    full = post(client, "/api/network/landscape", json={**body, "span": None})
    assert full["center_loss"] == pytest.approx(run["runs"][0]["losses"][-1], rel=1e-12)
    z = decode(full["z"])
    assert z.shape == (11, 11) and z[5, 5] == pytest.approx(full["center_loss"], rel=1e-5)
    assert full["path"][-1] == pytest.approx([0, 0], abs=1e-9)
    assert "PCA of the trajectory" in full["label"] and sum(full["explained"]) <= 1 + 1e-9
    span = full["span"]
    bands = [
        decode(post(client, "/api/network/landscape", json={**body, "span": span, "rows": r})["z"])
        for r in ([0, 4], [4, 11])
    ]
    np.testing.assert_array_equal(np.concatenate(bands), z)
    rnd = post(client, "/api/network/landscape", json={**body, "directions": "random"})
    assert "Li et al. 2018" in rnd["label"] and rnd["explained"] is None


REFUSALS = [
    ({"network": {**NET, "hidden": [4] * 7}}, "network.hidden"),
    ({"network": {**NET, "hidden": [0]}}, "network.hidden.0"),
    ({"network": {**NET, "hidden": [17]}}, "network.hidden.0"),
    ({"network": {**NET, "dataset": "swirl"}}, "network.dataset"),
    ({"network": {**NET, "features": ["x3"]}}, "network.features"),
    ({"network": {**NET, "features": []}}, "network.features"),
    ({"network": {**NET, "activation": "gelu"}}, "network.activation"),
    ({"network": {**NET, "n": 5001}}, "network.n"),
    ({"network": {**NET, "noise": 0.9}}, "network.noise"),
    ({"network": {**NET, "dataset": "csv"}}, "network.csv"),
    (
        {
            "network": {
                **NET,
                "dataset": "csv",
                "csv": {"text": "a,b\n1,2\n", "x": ["a", "b"], "y": "c"},
            }
        },
        "network.csv",
    ),
    ({"network": {**NET, "dataset": "sine", "loss": "ce"}}, "network.loss"),
    ({"optimizers": [{"name": "adam", "batch_size": 500}]}, "optimizers.0.batch_size"),
    ({"start": [0.0] * 3}, "start"),
    ({"steps": 10_000, "network": {**NET, "hidden": [16] * 6}}, "steps"),
]


@pytest.mark.parametrize("change, field", REFUSALS)
def test_run_refusals_name_the_field(client, change, field):
    out = post(client, "/api/runs", status=422, json={**RUN, **change})
    assert out["detail"].startswith(field), out["detail"]


def test_csv_network_with_text_labels(client):
    rows = "\n".join(f"{i % 7},{i % 5},{'red' if (i % 7) > 3 else 'blue'}" for i in range(40))
    csv = {"text": "u,v,colour\n" + rows, "x": ["u", "v"], "y": "colour"}
    out = post(client, "/api/runs", json={**RUN, "network": {**NET, "dataset": "csv", "csv": csv}})
    prob = out["problem"]
    assert prob["task"] == "binary" and prob["class_names"] == ["blue", "red"]
    assert prob["x_names"] == ["u", "v"] and len(prob["train"]["x"]) == 28


def test_csv_errors_name_the_row(client):
    text = "a,b,c\n1,2,0\n3,x,1\n"
    csv = {"text": text, "x": ["a", "b"], "y": "c"}
    out = post(
        client, "/api/runs", 422, json={**RUN, "network": {**NET, "dataset": "csv", "csv": csv}}
    )
    assert out["detail"].startswith("network.csv") and out.get("row") == 3


@pytest.mark.parametrize(
    "change, field",
    [
        ({"n": 102}, "n"),
        ({"trajectory": [[0.0] * 44] * 301}, "trajectory"),
        ({"center": [0.0] * 10}, "center"),
        ({"rows": [5, 3]}, "rows"),
        ({"directions": "pca", "trajectory": [[0.0] * 44] * 2}, "trajectory"),
        ({"trajectory": [[0.0] * 43]}, "trajectory.0"),
    ],
)
def test_landscape_refusals_name_the_field(client, run, change, field):
    body = {"network": NET, "center": run["runs"][0]["points"][-1], "n": 11, **change}
    out = post(client, "/api/network/landscape", status=422, json=body)
    assert out["detail"].startswith(field), out["detail"]


def test_landscape_work_is_bounded(client):
    net = {"dataset": "circle", "n": 5000, "hidden": [16] * 6, "features": ["x1", "x2", "x1x2"]}
    dim = 3 * 16 + 16 + 5 * (16 * 16 + 16) + 16 + 1
    body = {"network": net, "center": [0.1] * dim, "n": 101}
    out = post(client, "/api/network/landscape", status=422, json=body)
    assert out["detail"].startswith("rows: this network and data allow at most")


def test_landscape_far_out_overflows_to_gaps(client):
    net = {"dataset": "sine", "activation": "linear", "hidden": [16] * 6}
    run = post(client, "/api/runs", json={**RUN, "network": net, "steps": 2})
    center = run["runs"][0]["points"][-1]
    body = {"network": net, "center": center, "n": 11, "span": 1000}
    out = post(client, "/api/network/landscape", json=body)
    z = decode(out["z"])
    assert np.isnan(z).any() and not np.isinf(z).any()
    assert out["center_loss"] == pytest.approx(run["runs"][0]["losses"][-1])


def test_nan_in_center_is_refused(client, run):
    center = run["runs"][0]["points"][-1]
    raw = json.dumps({"network": NET, "center": center}).replace(str(center[0]), "NaN", 1)
    r = client.post(
        "/api/network/landscape", content=raw, headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and "center" in r.json()["detail"]


def test_a_diverging_run_sends_step_ratios_as_numbers_or_null(client):
    # A linear network fitting a plane by MSE: at this rate plain descent overshoots further
    # every step until the run calls it diverged; post() refuses NaN or Infinity tokens.
    net = {"dataset": "plane", "n": 200, "hidden": [], "activation": "linear", "seed": 1}
    body = {"network": net, "steps": 300, "optimizers": [{"name": "sgd", "lr": 2.0}]}
    racer = post(client, "/api/runs", json=body)["runs"][0]
    assert racer["status"] == "diverged"
    ratios = racer["step_ratio"]
    assert ratios[0] is None and len(ratios) == len(racer["losses"])
    assert max(r for r in ratios if r is not None) > 2  # past the bottom, and uphill
