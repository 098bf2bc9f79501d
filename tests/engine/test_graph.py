"""Read-only graph introspection: op names, parents, forward and backward orders."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine import Tensor, no_grad
from app.engine import functional as F
from app.engine.graph import backward_order, op_name, parents, topological_order
from app.engine.losses import binary_cross_entropy, cross_entropy, mse_loss


def test_op_names_and_parents_come_from_the_engine():
    x, w = Tensor([2.0]), Tensor([3.0], requires_grad=True)
    y = (x * w).sigmoid().tanh()
    assert [op_name(t) for t in topological_order(y)] == [None, None, "mul", "sigmoid", "tanh"]
    assert parents(parents(y)[0])[0] is not None
    assert parents(parents(parents(y)[0])[0]) == (x, w)
    assert op_name(w) is None and parents(w) == ()


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda a, b: a + b, "add"),
        (lambda a, b: a - b, "sub"),
        (lambda a, b: a / b, "div"),
        (lambda a, b: F.exp(a), "exp"),
        (lambda a, b: F.relu(a), "relu"),
        (lambda a, b: F.stack([a, b], axis=-1), "stack"),
        (lambda a, b: mse_loss(a, b), "mse_loss"),
        (
            lambda a, b: binary_cross_entropy(F.sigmoid(a), F.sigmoid(b).detach()),
            "binary_cross_entropy",
        ),
        (lambda a, b: cross_entropy(F.stack([a, b], axis=-1), np.array([1])), "cross_entropy"),
    ],
)
def test_every_op_names_itself(make, name):
    a, b = Tensor([0.3], requires_grad=True), Tensor([0.7], requires_grad=True)
    assert op_name(make(a, b)) == name


def test_orders_parents_first_and_backward_as_backward_visits():
    a, b = Tensor([1.0], requires_grad=True), Tensor([2.0], requires_grad=True)
    c = a * b
    d = c + a  # a is reused: a diamond
    loss = (d * d).sum()
    order = topological_order(loss)
    pos = {id(t): i for i, t in enumerate(order)}
    for t in order:
        assert all(pos[id(p)] < pos[id(t)] for p in parents(t))
    assert order[-1] is loss and len(order) == 6  # a, b, c, d, d*d, sum
    back = backward_order(loss)
    assert back[0] is loss and back == loss._topo_order()
    with no_grad():
        assert backward_order(a * b) == []
