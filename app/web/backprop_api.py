"""REST routes of the backprop lab: one pass step by step, N more steps, a loss landscape."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request

from app.problems.backprop import graph_payload
from app.problems.backprop_net import DEFAULT_PARAMS, PARAMS, NetSpec
from app.problems.backprop_train import landscape, train
from app.problems.landscape import contour_levels
from app.web.backprop_schemas import BackpropRequest, LandscapeRequest, TrainRequest
from app.web.errors import ApiError
from app.web.wire import typed_array

router = APIRouter(prefix="/api/backprop", tags=["backprop"])


def to_spec(body: BackpropRequest) -> NetSpec:
    """The request as a NetSpec; refusals name the field."""
    names = PARAMS[body.network]
    params = dict(DEFAULT_PARAMS[body.network]) if body.params is None else dict(body.params)
    unknown = sorted(set(params) - set(names))
    if unknown:
        raise ApiError(f"params: {', '.join(unknown)} is not a parameter of {body.network}")
    missing = [k for k in names if k not in params]
    if missing:
        raise ApiError(f"params: missing {', '.join(missing)}")
    if body.examples is None:
        rows, where = [(*body.x, body.target)], lambda i: "target"
    else:
        rows, where = body.examples, lambda i: f"examples.{i}"
    for i, (_, _, y) in enumerate(rows):
        if body.network == "softmax" and y not in (0, 1):
            raise ApiError(f"{where(i)}: the class must be 0 or 1")
        if body.network != "softmax" and body.loss == "bce" and not 0 <= y <= 1:
            raise ApiError(f"{where(i)}: binary cross-entropy needs a target between 0 and 1")
    return NetSpec(
        network=body.network,
        activation=body.activation,
        loss=body.loss,
        examples=tuple((float(a), float(b), float(y)) for a, b, y in rows),
        params={k: float(params[k]) for k in names},
        lr=float(body.lr),
    )


@router.post("/graph")
async def graph(body: BackpropRequest) -> dict[str, Any]:
    """The engine's graph of one forward pass, backward pass and SGD update, with every number."""
    return graph_payload(to_spec(body))


@router.post("/train")
async def train_steps(request: Request, body: TrainRequest) -> dict[str, Any]:
    """N more SGD steps: per-step losses, every parameter's path, and the graph afterwards."""
    limit = request.app.state.settings.max_backprop_steps
    if body.steps > limit:
        raise ApiError(f"steps: at most {limit}")
    spec = to_spec(body)

    def work() -> dict[str, Any]:
        final, info = train(spec, body.steps)
        return {**info, "params": final.params, "graph": graph_payload(final)}

    return await asyncio.to_thread(work)


@router.post("/landscape")
async def loss_landscape(body: LandscapeRequest) -> dict[str, Any]:
    """The loss over two chosen parameters (the rest fixed), as a float32 grid."""
    spec = to_spec(body)
    a, b = body.axes
    names = PARAMS[spec.network]
    if a not in names or b not in names or a == b:
        raise ApiError(f"axes: two different parameters of {spec.network}: {', '.join(names)}")
    out = await asyncio.to_thread(landscape, spec, (a, b), body.n, body.span, body.center)
    z = out["z"]
    return {
        "axes": out["axes"],
        "x": out["x"].tolist(),
        "y": out["y"].tolist(),
        "z": typed_array(z),
        "levels": contour_levels(z),
        "point": [spec.params[a], spec.params[b]],
    }
