"""The backprop lab's tiny networks, built from fine-grained engine ops so every node teaches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from app.engine import Tensor
from app.engine import functional as F
from app.engine.losses import binary_cross_entropy, cross_entropy, mse_loss

NETWORKS = ("neuron", "mlp", "softmax")
ACTIVATIONS = ("sigmoid", "tanh")
LOSSES = ("mse", "bce", "ce")

PARAMS: dict[str, tuple[str, ...]] = {
    "neuron": ("w1", "w2", "b"),
    "mlp": ("w11", "w12", "w21", "w22", "b1", "b2", "v1", "v2", "c"),
    "softmax": (
        *("w11", "w12", "w21", "w22", "b1", "b2"),
        *("v11", "v12", "v21", "v22", "c1", "c2"),
    ),
}

# Round numbers a student can follow by hand; the neuron starts at z = 0, where sigmoid' = 1/4.
DEFAULT_PARAMS: dict[str, dict[str, float]] = {
    "neuron": {"w1": 0.4, "w2": -0.2, "b": 0.0},
    "mlp": {
        **{"w11": 0.4, "w12": -0.3, "w21": 0.2, "w22": 0.6, "b1": 0.1, "b2": -0.2},
        **{"v1": 0.7, "v2": -0.5, "c": 0.3},
    },
    "softmax": {
        **{"w11": 0.4, "w12": -0.3, "w21": 0.2, "w22": 0.6, "b1": 0.1, "b2": -0.2},
        **{"v11": 0.7, "v12": -0.4, "v21": -0.5, "v22": 0.3, "c1": 0.1, "c2": -0.1},
    },
}
DEFAULT_EXAMPLES = ((0.5, 1.0, 1.0),)  # (x1, x2, y); y is the class, 0 or 1, for softmax
DEFAULT_LR = 0.5


@dataclass
class NetSpec:
    """One network, its training examples (x1, x2, y) and parameter values (plain floats)."""

    network: str = "mlp"
    activation: str = "sigmoid"
    loss: str = "mse"
    examples: tuple[tuple[float, float, float], ...] = DEFAULT_EXAMPLES
    params: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_PARAMS["mlp"]))
    lr: float = DEFAULT_LR

    def loss_kind(self) -> str:
        return "ce" if self.network == "softmax" else self.loss

    def data(self) -> dict[str, np.ndarray]:
        """The batch as columns x1, x2, y, each of shape (B,)."""
        cols = np.asarray(self.examples, dtype=float).reshape(-1, 3)
        return {"x1": cols[:, 0], "x2": cols[:, 1], "y": cols[:, 2]}


@dataclass
class NodeMeta:
    id: str
    label: str
    kind: str  # input | target | weight | bias | op | loss
    row: float  # its height in the drawing, in rows (the page keeps neighbours a row apart)


@dataclass
class Built:
    loss: Tensor
    meta: dict[int, NodeMeta]  # keyed by id(tensor)
    params: dict[str, Tensor]


def _kind(name: str) -> str:
    return "bias" if name[0] in "bc" else "weight"


class _Recorder:
    """Names each tensor as the network is built, so the engine's graph can be labelled."""

    def __init__(self) -> None:
        self.meta: dict[int, NodeMeta] = {}
        self.keep: list[Tensor] = []  # ids are only unique while the tensors live

    def __call__(self, t: Tensor, id_: str, row: float, label: str | None = None,
                 kind: str = "op") -> Tensor:  # fmt: skip
        self.meta[id(t)] = NodeMeta(id_, label or id_, kind, row)
        self.keep.append(t)
        return t


def _neuron(rec, v, pre, ws, b, row, act):
    """act(x1*ws[0] + x2*ws[1] + b), one engine op per node; returns the activation."""
    p1 = rec(v["x1"] * v[ws[0]], f"x1{ws[0]}", row - 0.5, f"x1·{ws[0]}")
    p2 = rec(v["x2"] * v[ws[1]], f"x2{ws[1]}", row + 0.5, f"x2·{ws[1]}")
    s = rec(p1 + p2, f"s{pre}", row - 0.25, f"s{pre}")
    z = rec(s + v[b], f"z{pre}", row)
    return rec(act(z), f"h{pre}", row)


def forward(spec: NetSpec, values: dict[str, object], rec: Callable | None = None,
            reduction: str = "mean") -> Tensor:  # fmt: skip
    """The loss of spec's network for the given values (Tensors or arrays that broadcast)."""
    rec = rec or (lambda t, *a, **k: t)
    v = {k: (x if isinstance(x, Tensor) else Tensor(x)) for k, x in values.items()}
    hidden = F.sigmoid if spec.activation == "sigmoid" else F.tanh
    if spec.network == "neuron":
        p1 = rec(v["x1"] * v["w1"], "x1w1", 0, "x1·w1")
        p2 = rec(v["x2"] * v["w2"], "x2w2", 2, "x2·w2")
        s = rec(p1 + p2, "s", 1)
        z = rec(s + v["b"], "z", 1.5)
        out = rec(F.sigmoid(z), "yhat", 1.5, "ŷ")
    else:
        h1 = _neuron(rec, v, "1", ("w11", "w21"), "b1", 1, hidden)
        h2 = _neuron(rec, v, "2", ("w12", "w22"), "b2", 5, hidden)
        if spec.network == "mlp":
            out = _head(rec, v, h1, h2, ("v1", "v2"), "c", "", 3, F.sigmoid)
        else:
            o1 = _head(rec, v, h1, h2, ("v11", "v21"), "c1", "1", 1, None)
            o2 = _head(rec, v, h1, h2, ("v12", "v22"), "c2", "2", 5, None)
            logits = rec(F.stack([o1, o2], axis=-1), "o", 3)
            k = np.asarray(v["y"].data, dtype=int)
            if logits.ndim > 2:  # a landscape grid (G, B, 2): cross_entropy takes rows
                flat = cross_entropy(
                    logits.reshape(-1, 2), np.broadcast_to(k, logits.shape[:-1]).ravel(), "none"
                )
                return flat.reshape(logits.shape[:-1])
            return rec(cross_entropy(logits, k, reduction=reduction), "L", 3, kind="loss")
    y = v["y"]
    fn = mse_loss if spec.loss == "mse" else binary_cross_entropy
    return rec(fn(out, y, reduction=reduction), "L", _row(spec), kind="loss")


def _row(spec: NetSpec) -> float:
    return 1.5 if spec.network == "neuron" else 3


def _head(rec, v, h1, h2, ws, c, suffix, row, act):
    """One output unit: h1*ws[0] + h2*ws[1] + c, then act (None keeps the logit)."""
    p1 = rec(h1 * v[ws[0]], f"h1{ws[0]}", row - 0.5, f"h1·{ws[0]}")
    p2 = rec(h2 * v[ws[1]], f"h2{ws[1]}", row + 0.5, f"h2·{ws[1]}")
    t = rec(p1 + p2, f"t{suffix}", row - 0.25)
    o = rec(t + v[c], f"o{suffix}", row)
    return o if act is None else rec(act(o), "yhat", row, "ŷ")


def build(spec: NetSpec) -> Built:
    """Spec's network through the engine on its batch, every node named; loss not yet
    backpropagated. Data nodes have shape (B,), parameters (1,), so the mean loss averages
    over the examples and each parameter's gradient sums over them."""
    rec = _Recorder()
    values: dict[str, object] = {}
    data = spec.data()
    for i in (1, 2):
        values[f"x{i}"] = rec(Tensor(data[f"x{i}"]), f"x{i}", _input_row(spec, i), kind="input")
    params: dict[str, Tensor] = {}
    for name in PARAMS[spec.network]:
        t = Tensor([spec.params[name]], requires_grad=True)
        params[name] = values[name] = rec(t, name, _param_row(spec, name), kind=_kind(name))
    if spec.network != "softmax":
        values["y"] = rec(Tensor(data["y"]), "y", _row(spec) + 1, kind="target")
    else:
        values["y"] = data["y"]  # class indices: cross_entropy takes them as plain integers
    loss = forward(spec, values, rec)
    return Built(loss, rec.meta, params)


def _input_row(spec: NetSpec, i: int) -> float:
    if spec.network == "neuron":
        return (0.1, 2.1)[i - 1]
    # x1 feeds rows 0.5 and 4.5, x2 rows 1.5 and 5.5: between its two products
    return (2.4, 3.4)[i - 1]


def _param_row(spec: NetSpec, name: str) -> float:
    # Each weight level with the product it feeds; each bias just below the sum it joins.
    if spec.network == "neuron":
        return {"w1": 0, "w2": 2, "b": 2}[name]
    rows = {"w11": 0.5, "w21": 1.5, "w12": 4.5, "w22": 5.5, "b1": 1.75, "b2": 5.75}
    if spec.network == "mlp":
        rows |= {"v1": 2.5, "v2": 3.5, "c": 3.75}
    else:
        rows |= {"v11": 0, "v21": 2, "v12": 4, "v22": 6, "c1": 1.75, "c2": 5.75}
    return rows[name]
