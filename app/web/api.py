"""REST routes: catalogs, landscapes and whole runs."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Query, Request

from app.engine.optim import OPTIMIZERS
from app.problems.landscape import contour_levels, spans_decades, surface_grid
from app.problems.surfaces import SURFACES
from app.runs import collect
from app.web.builders import build_run, check_point, resolve_surface, surface_info
from app.web.errors import ApiError
from app.web.schemas import RunRequest, SurfaceSpec
from app.web.wire import typed_array

router = APIRouter(prefix="/api", tags=["api"])


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


@router.get("/functions")
async def functions() -> list[dict[str, Any]]:
    """The catalog of 2D test surfaces."""
    return [surface_info(s) for s in SURFACES.values()]


@router.get("/optimizers")
async def optimizers() -> list[dict[str, Any]]:
    """Every optimizer with its torch.optim-named hyperparameters, defaults and bounds."""
    return optimizer_catalog()


@router.get("/landscape")
async def landscape(
    request: Request,
    function: str | None = Query(None, max_length=64),
    expression: str | None = Query(None, max_length=20_000),
    n: int | None = Query(None, ge=2),
    xmin: float | None = None,
    xmax: float | None = None,
    ymin: float | None = None,
    ymax: float | None = None,
) -> dict[str, Any]:
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
    return {
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


@router.post("/runs")
async def runs(request: Request, body: RunRequest) -> dict[str, Any]:
    """Run the race to its end and return every racer's trajectory."""
    run, problem = build_run(body, request.app.state.settings)
    result = await asyncio.to_thread(collect, run)
    return {
        **problem,
        "start": run.start.tolist(),
        "steps": run.steps,
        "runs": result,
    }
