"""Backprop-lab routes: happy paths checked against the problem layer, refusals naming the field."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.problems.backprop import loss_of
from app.problems.backprop_net import DEFAULT_PARAMS, NetSpec
from tests.web.helpers import strict_json


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(max_backprop_steps=50)))


def post(client, url, body, status=200):
    r = client.post(url, json=body)
    assert r.status_code == status, r.text
    return strict_json(r.content)


@pytest.mark.parametrize("network", ["neuron", "mlp", "softmax"])
def test_graph_defaults(client, network):
    out = post(client, "/api/backprop/graph", {"network": network})
    spec = NetSpec(network=network, params=dict(DEFAULT_PARAMS[network]))
    assert out["loss"] == pytest.approx(loss_of(spec))
    assert out["forward"][-1] == "L" and out["backward"][0] == "L"
    assert {u["param"] for u in out["update"]} == set(DEFAULT_PARAMS[network])


def test_graph_uses_the_numbers_sent(client):
    body = {"network": "neuron", "loss": "bce", "x": [1, 2], "target": 0, "lr": 0.1,
            "params": {"w1": 0.5, "w2": -1, "b": 0.25}}  # fmt: skip
    out = post(client, "/api/backprop/graph", body)
    z = 1 * 0.5 + 2 * -1 + 0.25
    a = 1 / (1 + np.exp(-z))
    assert out["loss"] == pytest.approx(-np.log(1 - a))
    # dBCE/dz = a - y for a sigmoid output: dL/dw1 = a * x1
    w1 = next(u for u in out["update"] if u["param"] == "w1")
    assert w1["grad"] == pytest.approx(a * 1) and w1["after"] == pytest.approx(0.5 - 0.1 * a)


def test_train_returns_losses_history_and_the_new_graph(client):
    out = post(client, "/api/backprop/train", {"network": "mlp", "steps": 12})
    assert len(out["losses"]) == 13 and out["losses"][-1] < out["losses"][0]
    assert all(len(v) == 13 for v in out["history"].values())
    assert out["graph"]["loss"] == pytest.approx(out["losses"][-1])
    w11 = next(n for n in out["graph"]["nodes"] if n["id"] == "w11")
    assert w11["value"] == out["params"]["w11"] == out["history"]["w11"][-1]


def test_landscape_grid(client):
    out = post(client, "/api/backprop/landscape",
               {"network": "mlp", "axes": ["v1", "c"], "n": 9, "span": 1})  # fmt: skip
    z = np.frombuffer(base64.b64decode(out["z"]["bdata"]), dtype="<f4").reshape(9, 9)
    assert out["point"] == [0.7, 0.3] and out["axes"] == ["v1", "c"]
    spec = NetSpec(network="mlp", params=dict(DEFAULT_PARAMS["mlp"]))
    assert z[4, 4] == pytest.approx(loss_of(spec), rel=1e-6)
    assert z[0, 8] == pytest.approx(loss_of(spec, {"v1": 1.7, "c": -0.7}), rel=1e-6)
    moved = post(client, "/api/backprop/landscape",
                 {"network": "mlp", "axes": ["v1", "c"], "n": 9, "span": 1, "center": [0, 0]})  # fmt: skip
    assert moved["x"][0] == -1 and moved["y"][-1] == 1 and moved["point"] == [0.7, 0.3]


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("graph", {"network": "resnet"}, "network"),
        ("graph", {"activation": "relu"}, "activation"),
        ("graph", {"lr": 0}, "lr"),
        ("graph", {"lr": 1e308 * 10}, "lr"),
        ("graph", {"x": [1, "a"]}, "x"),
        ("graph", {"x": [1, 1000]}, "x"),
        ("graph", {"target": 1e9}, "target"),
        ("graph", {"network": "softmax", "target": 0.5}, "target"),
        ("graph", {"loss": "bce", "target": 2}, "target"),
        ("graph", {"params": {"w11": 0.1}}, "params"),
        ("graph", {"network": "neuron", "params": {"w1": 1, "w2": 1, "b": 0, "zz": 1}}, "params"),
        ("graph", {"params": {"w11": 1e5}}, "params"),
        ("graph", {"extra": 1}, "extra"),
        ("graph", {"examples": []}, "examples"),
        ("graph", {"examples": [[0, 0, 1]] * 4}, "examples"),
        ("graph", {"examples": [[0, 0]]}, "examples"),
        ("graph", {"network": "softmax", "examples": [[0, 0, 1], [1, 1, 2]]}, "examples.1"),
        ("graph", {"loss": "bce", "examples": [[0, 0, -1]]}, "examples.0"),
        ("train", {"steps": 51}, "steps"),
        ("train", {"steps": 0}, "steps"),
        ("landscape", {"axes": ["w11", "w11"]}, "axes"),
        ("landscape", {"axes": ["w11", "q"]}, "axes"),
        ("landscape", {"n": 1000}, "n"),
    ],
)
def test_refusals_name_the_field(client, url, body, field):
    raw = json.dumps(body, allow_nan=True)
    r = client.post(
        f"/api/backprop/{url}", content=raw, headers={"content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert field in strict_json(r.content)["detail"]


def test_extreme_numbers_train_to_a_finite_result(client):
    # Saturated units and a huge Learning Rate: the answer is numbers (no NaN), never an error.
    params = {k: 100 for k in DEFAULT_PARAMS["softmax"]}
    body = {"network": "softmax", "x": [100, -100], "target": 0, "lr": 10, "params": params}
    out = post(client, "/api/backprop/train", {**body, "steps": 50})
    assert len(out["losses"]) == 51
    again = post(client, "/api/backprop/graph", {**body, "params": out["params"]})
    assert again["loss"] == pytest.approx(out["losses"][-1], abs=1e-12)


def test_a_tiny_batch_averages_the_loss_and_sums_the_gradients(client):
    rows = [[0.5, 1.0, 1.0], [-1.0, 2.0, 0.0], [0.0, 0.5, 1.0]]
    out = post(client, "/api/backprop/graph", {"network": "neuron", "examples": rows})
    # closed form: z = 0.4 x1 - 0.2 x2, a = sigmoid(z); MSE mean over 3; dL/dw1 = mean 2(a-y)a(1-a)x1
    x = np.array(rows)
    a = 1 / (1 + np.exp(-(0.4 * x[:, 0] - 0.2 * x[:, 1])))
    assert out["loss"] == pytest.approx(np.mean((a - x[:, 2]) ** 2))
    w1 = next(u for u in out["update"] if u["param"] == "w1")
    assert w1["grad"] == pytest.approx(np.mean(2 * (a - x[:, 2]) * a * (1 - a) * x[:, 0]))
    x1 = next(n for n in out["nodes"] if n["id"] == "x1")
    assert x1["value"] == [0.5, -1.0, 0.0] and x1["shape"] == [3]
