"""Backprop lab numbers against the engine itself, closed forms and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine.graph import backward_order
from app.engine.optim import SGD
from app.problems.backprop import graph_payload, loss_of
from app.problems.backprop_net import DEFAULT_PARAMS, NETWORKS, PARAMS, NetSpec, build
from app.problems.backprop_train import landscape, train
from tests.engine.gradcheck import numerical_grad

CASES = [
    (net, act, loss, batch)
    for net in NETWORKS
    for act in ("sigmoid", "tanh")
    for loss in (("ce",) if net == "softmax" else ("mse", "bce"))
    for batch in (1, 3)
]


def spec_for(net, act="sigmoid", loss="mse", rng=None, batch=1, **kw) -> NetSpec:
    params = dict(DEFAULT_PARAMS[net])
    examples = ((0.5, 1.0, 1.0),)
    if rng is not None:
        params = {k: float(rng.uniform(-1.5, 1.5)) for k in params}
        examples = tuple(
            (float(rng.uniform(-2, 2)), float(rng.uniform(-2, 2)), float(rng.integers(0, 2)))
            for _ in range(batch)
        )
    return NetSpec(
        network=net,
        activation=act,
        loss="mse" if loss == "ce" else loss,
        params=params,
        examples=examples,
        **kw,
    )


def engine_graph(spec: NetSpec):
    """An independent walk of the engine's own records: every tensor reachable via _parents."""
    built = build(spec)
    built.loss.backward()
    seen, stack = {id(built.loss): built.loss}, [built.loss]
    while stack:
        t = stack.pop()
        for p in t._parents:
            if id(p) not in seen:
                seen[id(p)] = p
                stack.append(p)
    edges = sum(len(t._parents) for t in seen.values())
    return built, seen, edges


@pytest.mark.parametrize(("net", "act", "loss", "batch"), CASES)
def test_graph_shown_is_the_engines(net, act, loss, batch, rng):
    spec = spec_for(net, act, loss, rng, batch)
    built, engine_nodes, engine_edges = engine_graph(spec)
    shown = graph_payload(spec)
    assert len(shown["nodes"]) == len(engine_nodes)
    assert len(shown["edges"]) == engine_edges
    by_id = {n["id"]: n for n in shown["nodes"]}
    assert len(by_id) == len(shown["nodes"]), "node ids are unique"
    for t in engine_nodes.values():
        node = by_id[built.meta[id(t)].id]
        assert np.array_equal(np.ravel(node["value"]), t.data.ravel())
        if t.grad is not None:
            assert np.array_equal(np.ravel(node["grad"]), t.grad.ravel())
        else:
            assert node["grad"] is None
    # forward order: each op after its parents; backward order: backward()'s own, loss first
    pos = {nid: i for i, nid in enumerate(shown["forward"])}
    for e in shown["edges"]:
        if e["from"] in pos:
            assert pos[e["from"]] < pos[e["to"]]
    assert shown["backward"][0] == "L"
    assert shown["backward"] == [built.meta[id(t)].id for t in backward_order(built.loss)]


@pytest.mark.parametrize(("net", "act", "loss", "batch"), CASES)
def test_every_chain_product_equals_the_gradient_beside_it(net, act, loss, batch, rng):
    shown = graph_payload(spec_for(net, act, loss, rng, batch))
    grads = {n["id"]: n["grad"] for n in shown["nodes"]}
    for chain in shown["chains"]:
        total = 0.0
        for path in chain["paths"]:
            # one product of local derivatives per example, summed over the batch
            per_example = np.prod([np.atleast_1d(f["value"]) for f in path["factors"]], axis=0)
            assert per_example.shape == (batch,)
            assert np.ravel(path["per_example"]) == pytest.approx(per_example, rel=1e-12)
            product = float(per_example.sum())
            assert product == pytest.approx(path["product"], rel=1e-12, abs=1e-15)
            assert path["factors"][0]["of"] == "L" and path["factors"][-1]["wrt"] == chain["param"]
            total += product
        assert total == pytest.approx(grads[chain["param"]], rel=1e-10, abs=1e-14)
    for step in shown["steps"][1:]:
        total = sum(np.asarray(t["product"]) for t in step["terms"])
        assert np.allclose(total, step["grad"], rtol=1e-10, atol=1e-14)
        for t in step["terms"]:
            per = np.asarray(t["upstream"]) * np.asarray(t["local"])
            if np.ndim(t["product"]) == 0:
                per = per.sum()  # a parameter: its examples' contributions add up
            assert np.allclose(per, t["product"], rtol=1e-12, atol=1e-15)


def test_the_issue_example_neuron_in_closed_form():
    # z = 0.5*0.4 + 1*(-0.2) + 0 = 0, a = 1/2; MSE: dL/da = 2(a - 1) = -1, da/dz = 1/4
    shown = graph_payload(spec_for("neuron"))
    w1 = next(c for c in shown["chains"] if c["param"] == "w1")
    values = [f["value"] for f in w1["paths"][0]["factors"]]
    assert values == pytest.approx([-1.0, 0.25, 1.0, 1.0, 0.5])
    up = next(u for u in shown["update"] if u["param"] == "w1")
    assert up["after"] == pytest.approx(0.4 - 0.5 * -0.125)


@pytest.mark.parametrize(("net", "act", "loss", "batch"), CASES)
def test_update_is_the_optimizers_step(net, act, loss, batch, rng):
    spec = spec_for(net, act, loss, rng, batch, lr=0.3)
    shown = graph_payload(spec)
    built = build(spec)
    built.loss.backward()
    SGD(list(built.params.values()), lr=0.3).step()
    for row in shown["update"]:
        assert row["after"] == built.params[row["param"]].data[0]
        assert row["after"] == pytest.approx(row["before"] - 0.3 * row["grad"], rel=1e-15)
    assert shown["loss_after"] == pytest.approx(
        loss_of(spec, {u["param"]: u["after"] for u in shown["update"]})
    )


@pytest.mark.parametrize(("net", "act", "loss", "batch"), CASES)
def test_gradients_agree_with_finite_differences(net, act, loss, batch, rng):
    spec = spec_for(net, act, loss, rng, batch)
    shown = graph_payload(spec)
    names = PARAMS[net]

    def f(p: np.ndarray) -> float:
        return loss_of(spec, dict(zip(names, p.tolist(), strict=True)))

    ref = numerical_grad(f, np.array([spec.params[k] for k in names]))
    grads = {c["param"]: c["grad"] for c in shown["chains"]}
    assert [grads[k] for k in names] == pytest.approx(ref, rel=1e-6, abs=1e-9)
    for row in shown["gradcheck"]:
        assert row["rel_error"] < 1e-6


def test_training_follows_sgd_and_lowers_the_loss():
    spec = spec_for("mlp")
    final, info = train(spec, 25)
    assert len(info["losses"]) == 26 and info["losses"][-1] < info["losses"][0] / 2
    # replay by hand with graph_payload's one-step update
    s = spec
    for _ in range(3):
        step = graph_payload(s)
        s = NetSpec(**{**s.__dict__, "params": {u["param"]: u["after"] for u in step["update"]}})
    assert [info["history"][k][3] for k in PARAMS["mlp"]] == pytest.approx(
        [s.params[k] for k in PARAMS["mlp"]], rel=1e-14
    )
    assert final.params == {k: v[-1] for k, v in info["history"].items()}


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("net", NETWORKS)
def test_landscape_matches_pointwise_losses(net, batch, rng):
    spec = spec_for(net, rng=rng, batch=batch)
    a, b = PARAMS[net][0], PARAMS[net][-1]
    out = landscape(spec, (a, b), 7, 1.5)
    for i, j in ((0, 0), (3, 3), (6, 2), (1, 5)):
        ref = loss_of(spec, {a: out["x"][j], b: out["y"][i]})
        assert out["z"][i, j] == pytest.approx(ref, rel=1e-12)
    assert out["z"][3, 3] == pytest.approx(loss_of(spec))
