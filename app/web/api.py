"""REST routes: catalogs, landscapes and whole runs."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter, Query, Request

from app.engine.optim import OPTIMIZERS
from app.problems.landscape import contour_levels, spans_decades, surface_grid
from app.problems.surfaces import SURFACES
from app.run_output import RunTooLong, collect
from app.web.builders import build_run, check_point, resolve_surface, surface_info
from app.web.errors import ApiError
from app.web.heavy import in_heavy_pool
from app.web.schemas import (
    ErrorResponse,
    LandscapeResponse,
    OptimizerInfo,
    RunRequest,
    RunResponse,
    SurfaceInfo,
    SurfaceSpec,
)
from app.web.wire import WireResponse, typed_array

router = APIRouter(prefix="/api", tags=["api"])

# Routes return WireResponse themselves: the one encoder, and no second pass through pydantic
# over thousands of points. The response models below only describe them in the OpenAPI schema.
REFUSED = {422: {"model": ErrorResponse, "description": "Refused input, in plain words"}}
TOO_LARGE = {413: {"model": ErrorResponse, "description": "Request body too large"}}


def optimizer_catalog() -> list[dict[str, Any]]:
    out = []
    for key, spec in OPTIMIZERS.items():
        out.append(
            {
                "id": key,
                "name": spec.display_name,
                "description": spec.description,
                "hyperparameters": [h.as_dict() for h in spec.hyperparameters],
            }
        )
    return out


@router.get("/functions", response_model=list[SurfaceInfo])
async def functions() -> WireResponse:
    """The catalog of 2D test surfaces."""
    return WireResponse([surface_info(s) for s in SURFACES.values()])


@router.get("/optimizers", response_model=list[OptimizerInfo])
async def optimizers() -> WireResponse:
    """Every optimizer with its torch.optim-named hyperparameters, defaults and bounds."""
    return WireResponse(optimizer_catalog())


@router.get("/landscape", response_model=LandscapeResponse, responses=REFUSED)
async def landscape(
    request: Request,
    function: str | None = Query(None, max_length=64),
    expression: str | None = Query(None, max_length=20_000),
    n: int | None = Query(None, ge=2),
    xmin: float | None = None,
    xmax: float | None = None,
    ymin: float | None = None,
    ymax: float | None = None,
) -> WireResponse:
    """f on an n x n grid as float32 typed arrays, with contour levels."""
    settings = request.app.state.settings
    n = settings.default_grid if n is None else n
    if n > settings.max_grid:
        raise ApiError(f"n must be at most {settings.max_grid}, got {n}")
    try:
        spec = SurfaceSpec(function=function, expression=expression)
    except ValueError:
        raise ApiError("give exactly one of 'function' or 'expression'") from None
    surface = resolve_surface(spec, settings)
    (x0, x1), (y0, y1) = surface.domain
    x0, x1 = xmin if xmin is not None else x0, xmax if xmax is not None else x1
    y0, y1 = ymin if ymin is not None else y0, ymax if ymax is not None else y1
    check_point((x0, x1, y0, y1), "domain bounds")
    if not (x0 < x1 and y0 < y1):
        raise ApiError("domain must have xmin < xmax and ymin < ymax")
    domain = ((x0, x1), (y0, y1))
    # Large grids take milliseconds of NumPy; keep them off the event loop all the same.
    grid = await asyncio.to_thread(surface_grid, surface.fn, domain, n)
    z = grid["z"]
    # Catalog surfaces say whether to colour by log; custom formulas are judged by their range.
    log = surface.log_scale if surface.log_scale is not None else spans_decades(z)
    body = {
        "surface": surface.info,
        "domain": [[x0, x1], [y0, y1]],
        "n": n,
        "x": typed_array(grid["x"], "f8"),
        "y": typed_array(grid["y"], "f8"),
        "z": typed_array(z, "f4"),
        "zmin": grid["zmin"],
        "zmax": grid["zmax"],
        "nonfinite": grid["nonfinite"],
        "log": log,
        "levels": contour_levels(z, log=log),
    }
    return WireResponse(body)


@router.post("/runs", response_model=RunResponse, responses={**REFUSED, **TOO_LARGE})
async def runs(request: Request, body: RunRequest) -> WireResponse:
    """Run the race to its end and return every racer's trajectory."""
    settings = request.app.state.settings
    deadline = time.monotonic() + settings.max_request_seconds
    run, problem = build_run(body, settings)
    try:
        result = await in_heavy_pool(collect, run, settings.max_request_seconds, deadline)
    except RunTooLong as exc:
        raise ApiError(
            f"run takes too long for one answer: step {exc.step} of {run.steps} after "
            f"{exc.seconds:g} s; ask for fewer steps, or stream it over /ws/runs"
        ) from None
    return WireResponse(
        {
            **problem,
            "start": run.start.tolist(),
            "steps": run.steps,
            "runs": result,
        }
    )
