"""Training the backprop lab's network for N more SGD steps, and its loss over two weights."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from app.engine import Tensor, no_grad
from app.engine.optim import SGD
from app.problems.backprop_net import PARAMS, NetSpec, forward


def _inputs(spec: NetSpec) -> dict[str, object]:
    return dict(spec.data())


def train(spec: NetSpec, steps: int) -> tuple[NetSpec, dict[str, Any]]:
    """`steps` SGD steps through the engine; the spec after them and every step's numbers.

    losses[i] is the loss before step i, plus the loss after the last step; history[name] is
    each parameter's value before every step and after the last."""
    names = PARAMS[spec.network]
    params = {k: Tensor([spec.params[k]], requires_grad=True) for k in names}
    values = {**_inputs(spec), **params}
    opt = SGD(list(params.values()), lr=spec.lr)
    history: dict[str, list[float]] = {k: [spec.params[k]] for k in names}
    losses: list[float] = []
    for _ in range(steps):
        opt.zero_grad()
        loss = forward(spec, values)
        loss.backward()
        opt.step()
        losses.append(float(loss.data))
        for k in names:
            history[k].append(float(params[k].data[0]))
    with no_grad():
        losses.append(float(forward(spec, values).data))
    final = {k: history[k][-1] for k in names}
    return replace(spec, params=final), {"losses": losses, "history": history}


def landscape(
    spec: NetSpec,
    axes: tuple[str, str],
    n: int,
    span: float,
    center: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """The loss on an n x n grid over two parameters, centred on `center` (default: their
    current values) with the others held at spec's values, computed by the same engine forward
    pass on whole grids at once."""
    a, b = axes
    ca, cb = center or (spec.params[a], spec.params[b])
    xs = np.linspace(ca - span, ca + span, n)
    ys = np.linspace(cb - span, cb + span, n)
    gx, gy = np.meshgrid(xs, ys)  # rows follow ys, as Plotly's contour z expects
    values: dict[str, object] = {**_inputs(spec)}
    values.update({k: [v] for k, v in spec.params.items()})
    # grid points down the first axis, the batch's examples along the second
    values[a], values[b] = gx.reshape(-1, 1), gy.reshape(-1, 1)
    with no_grad(), np.errstate(over="ignore", invalid="ignore"):
        per = forward(spec, values, reduction="none").data
        z = per.mean(axis=-1).reshape(n, n)
    return {"x": xs, "y": ys, "z": z, "axes": [a, b]}
