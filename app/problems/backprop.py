"""The backprop lab's numbers: the engine's recorded graph walked node by node, with each local
derivative, each chain-rule product, the SGD update and a finite-difference check."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.engine import Tensor, no_grad
from app.engine.graph import backward_order, op_name, parents, topological_order
from app.engine.optim import SGD
from app.problems.backprop_net import PARAMS, Built, NetSpec, build, forward

FD_EPS = 1e-6


def _num(a: np.ndarray | None) -> Any:
    """A size-1 array as a float, anything larger as a (nested) list; None stays None."""
    if a is None:
        return None
    a = np.asarray(a, dtype=float)
    if a.size == 1:
        return float(a.reshape(-1)[0])
    return (a[0] if a.ndim > 1 and a.shape[0] == 1 else a).tolist()  # a batch of one: its row


def _probe(child: Tensor, g: np.ndarray) -> dict[int, np.ndarray]:
    """What child's own backward closure sends each parent for upstream gradient g.

    With g = 1 that is the engine's local derivative d child / d parent; with g = child.grad
    it is the parent's share of the gradient. Parents' grads are restored afterwards."""
    ps = parents(child)
    saved = [p.grad for p in ps]
    for p in ps:
        p.grad = None
    try:
        child._backward(np.array(g, dtype=float))  # type: ignore[misc]
        return {id(p): np.array(p.grad) for p in ps if p.grad is not None}
    finally:
        for p, s in zip(ps, saved, strict=True):
            p.grad = s


class _Walk:
    """The engine graph after backward(): nodes, edges and per-edge derivatives."""

    def __init__(self, built: Built) -> None:
        self.built = built
        self.order = topological_order(built.loss)
        self.name = {id(t): built.meta[id(t)].id for t in self.order}
        self.children: dict[int, list[Tensor]] = {id(t): [] for t in self.order}
        self.local: dict[tuple[int, int], np.ndarray] = {}
        self.share: dict[tuple[int, int], np.ndarray] = {}
        for c in self.order:
            for p in parents(c):
                self.children[id(p)].append(c)
            if c.grad is None or not parents(c):
                continue
            self.local.update({(id(c), pid): d for pid, d in _locals(c).items()})
            for pid, d in _probe(c, c.grad).items():
                self.share[id(c), pid] = d

    def upstream(self, c: Tensor, p: Tensor) -> np.ndarray:
        """The part of dL/dc that reaches p: all of it, or p's own entry of a stacked vector."""
        if op_name(c) == "stack":
            k = [id(q) for q in parents(c)].index(id(p))
            return c.grad[..., k]  # type: ignore[index]
        return c.grad  # type: ignore[return-value]

    def factor(self, c: Tensor, p: Tensor, entry: int | None) -> np.ndarray:
        """The local derivative along one edge, one number per example (B,)."""
        d = self.local[id(c), id(p)]
        return d[..., entry] if d.ndim == 2 and entry is not None else d.reshape(-1)


def _locals(c: Tensor) -> dict[int, np.ndarray]:
    """The engine's local derivative of c with respect to each parent, example by example.

    An elementwise op's closure, fed 1 for one element of c at a time, sends back d c_i / d p
    (summed over the batch only where p is broadcast, as a parameter is): so one probe per
    element. A loss (one number) or a stack is probed once with ones: what reaches each parent
    is then exactly its per-element derivative."""
    if c.data.size == 1 or op_name(c) == "stack":
        return _probe(c, np.ones_like(c.data))
    out: dict[int, list[float]] = {}
    for i in range(c.data.size):
        seed = np.zeros(c.data.size)
        seed[i] = 1
        for pid, d in _probe(c, seed.reshape(c.data.shape)).items():
            out.setdefault(pid, []).append(float(d.sum()))
    return {pid: np.array(v).reshape(c.data.shape) for pid, v in out.items()}


def _node(w: _Walk, t: Tensor) -> dict[str, Any]:
    m = w.built.meta[id(t)]
    return {
        "id": m.id,
        "label": m.label,
        "kind": m.kind,
        "op": op_name(t),
        "row": m.row,
        "shape": list(t.data.shape),
        "value": _num(t.data),
        "grad": _num(t.grad) if t.requires_grad else None,
    }


def _edges(w: _Walk) -> list[dict[str, Any]]:
    out = []
    for c in w.order:
        for p in parents(c):
            key = (id(c), id(p))
            out.append(
                {
                    "from": w.name[id(p)],
                    "to": w.name[id(c)],
                    "local": _num(w.local.get(key)),
                    "upstream": _num(w.upstream(c, p)) if key in w.local else None,
                    "share": _num(w.share.get(key)),
                }
            )
    return out


def _steps(w: _Walk, root: Tensor) -> list[dict[str, Any]]:
    """One backward step per node in backward()'s own order: dL/dn = sum over consumers c of
    dL/dc * dc/dn (the seed dL/dL = 1 first)."""
    steps = []
    for n in backward_order(root):
        terms = [
            {
                "child": w.name[id(c)],
                "upstream": _num(w.upstream(c, n)),
                "local": _num(w.local[id(c), id(n)]),
                "product": _num(w.share[id(c), id(n)]),
            }
            for c in w.children[id(n)]
            if (id(c), id(n)) in w.local
        ]
        steps.append({"node": w.name[id(n)], "terms": terms, "grad": _num(n.grad)})
    return steps


def _paths(w: _Walk, start: Tensor, root: Tensor) -> list[list[Tensor]]:
    """Every path from start up to root through nodes that carry a gradient."""
    if start is root:
        return [[root]]
    found = []
    for c in w.children[id(start)]:
        if (id(c), id(start)) in w.local:
            found += [[start, *rest] for rest in _paths(w, c, root)]
    return found


def _chain(w: _Walk, param: Tensor, root: Tensor) -> dict[str, Any]:
    """dL/dparam as a sum over paths of the product of local derivatives, loss end first."""
    paths = []
    for path in _paths(w, param, root):
        factors, entry = [], None
        for p, c in zip(path, path[1:], strict=False):
            if op_name(c) == "stack":
                entry = [id(q) for q in parents(c)].index(id(p))
            value = w.factor(c, p, entry if op_name(c) != "stack" else None)
            factors.append({"of": w.name[id(c)], "wrt": w.name[id(p)], "value": value})
        factors.reverse()
        per_example = np.prod([f["value"] for f in factors], axis=0)
        paths.append(
            {
                "factors": [{**f, "value": _num(f["value"])} for f in factors],
                "per_example": _num(per_example),
                "product": float(per_example.sum()),
            }
        )
    return {"param": w.name[id(param)], "paths": paths, "grad": _num(param.grad)}


def loss_of(spec: NetSpec, params: dict[str, float] | None = None) -> float:
    """The loss for spec with some parameter values replaced, without recording a graph."""
    values: dict[str, object] = dict(spec.data())
    values.update({k: [v] for k, v in {**spec.params, **(params or {})}.items()})
    with no_grad():
        return float(forward(spec, values).data)


def gradient_check(spec: NetSpec, grads: dict[str, float]) -> list[dict[str, Any]]:
    """Each parameter's backprop gradient beside a central finite difference."""
    rows = []
    for name in PARAMS[spec.network]:
        v = spec.params[name]
        fd = (loss_of(spec, {name: v + FD_EPS}) - loss_of(spec, {name: v - FD_EPS})) / (2 * FD_EPS)
        g = grads[name]
        denom = max(abs(g) + abs(fd), 1e-12)
        rows.append({"param": name, "backprop": g, "numeric": fd, "rel_error": abs(g - fd) / denom})
    return rows


def graph_payload(spec: NetSpec) -> dict[str, Any]:
    """Everything the page shows for one forward pass, backward pass and SGD update."""
    built = build(spec)
    root = built.loss
    root.backward()
    w = _Walk(built)
    shown = {
        "network": spec.network,
        "activation": spec.activation,
        "loss_kind": spec.loss_kind(),
        "lr": spec.lr,
        "examples": [list(e) for e in spec.examples],
        "loss": _num(root.data),
        "nodes": [_node(w, t) for t in w.order],
        "edges": _edges(w),
        "forward": [w.name[id(t)] for t in w.order if parents(t)],
        "backward": [w.name[id(t)] for t in backward_order(root)],
        "steps": _steps(w, root),
        "chains": [_chain(w, t, root) for t in built.params.values()],
    }
    grads = {k: float(t.grad.reshape(-1)[0]) for k, t in built.params.items()}  # type: ignore[union-attr]
    before = {k: float(t.data[0]) for k, t in built.params.items()}
    SGD(list(built.params.values()), lr=spec.lr).step()  # the engine's optimizer makes the update
    after = {k: float(t.data[0]) for k, t in built.params.items()}
    shown["update"] = [
        {"param": k, "before": before[k], "grad": grads[k], "after": after[k]} for k in built.params
    ]
    shown["loss_after"] = loss_of(spec, after)
    shown["gradcheck"] = gradient_check(spec, grads)
    return shown
