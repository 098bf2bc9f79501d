"""REST routes of the network lab: its catalog (datasets, defaults, limits) and loss landscapes."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
from fastapi import APIRouter, Request

from app.problems.directions import pca_directions, plane_losses, project, random_directions
from app.problems.landscape import spans_decades
from app.problems.net_datasets import DATASET_IDS, GENERATORS, generate
from app.problems.network_parts import ACTIVATIONS, FEATURES, LOSSES
from app.problems.network_presets import preset, target
from app.problems.networks import HEATMAP_N, NetworkProblem
from app.web.errors import ApiError
from app.web.network_builders import build_network_problem
from app.web.network_schemas import LandscapeRequest
from app.web.wire import WireResponse, finite_or_none, typed_array

router = APIRouter(prefix="/api/network", tags=["network"])

RANDOM_LABEL = "filter-normalised random directions (Li et al. 2018), biases held fixed"
MAX_COORDINATE = 1e6
# Multiply-adds per request (grid points x training points x weights): about 2 s here.
MAX_LANDSCAPE_WORK = 4e9
PREVIEW_N = 7  # a coarse grid of the whole plane decides the colour scale for every band


def _domain(dataset: str) -> list[list[float]] | None:
    """The heatmap domain of a generated dataset with its default settings (CSV: unknown)."""
    if dataset == "csv":
        return None
    net = preset(dataset)["network"]
    d = generate(dataset, net["n"], net["noise"], net["test_fraction"], net["seed"]).domain
    return [list(d[0]), list(d[1])]


def catalog(settings: Any) -> dict[str, Any]:
    datasets = []
    for ds in DATASET_IDS:
        task, classes = (GENERATORS[ds][1], GENERATORS[ds][2]) if ds in GENERATORS else (None, 0)
        datasets.append(
            {
                "id": ds,
                "task": task,
                "classes": classes,
                "domain": _domain(ds),
                "defaults": preset(ds),
                "target": target(ds),
            }
        )
    return {
        "datasets": datasets,
        "features": list(FEATURES),
        "activations": list(ACTIVATIONS),
        "losses": list(LOSSES),
        "limits": {
            "max_hidden_layers": settings.max_hidden_layers,
            "max_layer_width": settings.max_layer_width,
            "max_dataset_rows": settings.max_dataset_rows,
            "heatmap_n": HEATMAP_N,
            "landscape_max_n": settings.max_network_landscape_grid,
            "max_trajectory": settings.max_trajectory_points,
            "max_heatmap_every": 1000,
        },
    }


@router.get("/datasets")
async def datasets(request: Request) -> WireResponse:
    """Datasets with their default settings and stated accuracy, features, activations, limits."""
    state = request.app.state
    cached = getattr(state, "network_catalog", None)
    if cached is None:
        # Generating each dataset for its domain takes a few milliseconds: once per app.
        cached = state.network_catalog = await asyncio.to_thread(catalog, state.settings)
    return WireResponse(cached)


def _vector(values: list[float], dim: int, field: str) -> np.ndarray:
    if len(values) != dim:
        raise ApiError(f"{field}: this network has {dim} parameters, got {len(values)}")
    v = np.asarray(values, dtype=np.float64)
    if not (np.abs(v) <= MAX_COORDINATE).all():
        raise ApiError(f"{field}: finite numbers within ±{MAX_COORDINATE:g}")
    return v


def check_limits(body: LandscapeRequest, settings: Any) -> None:
    if body.n > settings.max_network_landscape_grid:
        raise ApiError(
            f"n: at most {settings.max_network_landscape_grid} grid points per axis, got {body.n}"
        )
    if body.trajectory and len(body.trajectory) > settings.max_trajectory_points:
        raise ApiError(
            f"trajectory: at most {settings.max_trajectory_points} points (subsample the path), "
            f"got {len(body.trajectory)}"
        )


def landscape(problem: NetworkProblem, body: LandscapeRequest) -> dict[str, Any]:
    """The grid band, the path and the labels of one landscape request (runs off the loop)."""
    dim = problem.dim
    center = _vector(body.center, dim, "center")
    traj = None
    if body.trajectory:
        traj = np.stack([_vector(p, dim, f"trajectory.{i}") for i, p in enumerate(body.trajectory)])
    explained = None
    if body.directions == "pca":
        if traj is None or len(traj) < 3:
            raise ApiError("trajectory: PCA directions need a trajectory of at least 3 points")
        d1, d2, ev = pca_directions(traj, center)
        if ev[0] <= 0:
            raise ApiError("trajectory: every point equals the center, so it has no direction")
        explained = [float(ev[0]), float(ev[1])]
        label = f"PCA of the trajectory: {100 * ev[0]:.0f}% and {100 * ev[1]:.0f}% of its variance"
    else:
        d1, d2 = random_directions(center, problem.slots, body.direction_seed)
        if not d1.any():
            raise ApiError("center: every weight is zero, so filter normalisation has no scale")
        label = RANDOM_LABEL
    path = project(traj, center, d1, d2) if traj is not None else np.zeros((0, 2))
    span = body.span
    if span is None:
        extent = float(np.abs(path).max()) if len(path) else 0.0
        span = 1.0 if body.directions == "random" or extent == 0 else 1.2 * extent
    n = body.n
    start, stop = body.rows if body.rows is not None else (0, n)
    if not 0 <= start < stop <= n:
        raise ApiError(f"rows: [start, stop] with 0 <= start < stop <= {n}, got {[start, stop]}")
    per_row = n * problem.n * sum(s.size for s in problem.slots[::2])
    if (stop - start) * per_row > MAX_LANDSCAPE_WORK:
        most = max(1, int(MAX_LANDSCAPE_WORK // per_row))
        raise ApiError(
            f"rows: this network and data allow at most {most} rows of {n} per request; "
            "ask for the grid in bands"
        )
    a = np.linspace(-span, span, n)

    def loss32(pts: np.ndarray) -> np.ndarray:
        return problem.values(pts, np.float32)

    preview_axis = np.linspace(-span, span, PREVIEW_N)
    # Far from the center float32 losses can overflow: a result (drawn as gaps), not a warning.
    with np.errstate(all="ignore"):
        z = plane_losses(loss32, center, d1, d2, a, a[start:stop])
        preview = plane_losses(loss32, center, d1, d2, preview_axis, preview_axis)
        center_loss = problem.values(center[None])[0]
    z[~np.isfinite(z)] = np.nan
    return {
        "a": a.tolist(),
        "b": a.tolist(),
        "z": typed_array(z, "f4"),
        "rows": [start, stop],
        "span": span,
        "center_loss": finite_or_none(center_loss),
        "path": path.tolist(),
        "directions": body.directions,
        "label": label,
        "explained": explained,
        "log_scale": bool(spans_decades(preview)),
    }


@router.post("/landscape")
async def network_landscape(request: Request, body: LandscapeRequest) -> WireResponse:
    """Training loss on the plane center + a d1 + b d2 (random or PCA directions), with the path."""
    settings = request.app.state.settings
    check_limits(body, settings)
    problem = build_network_problem(body.network, settings)
    return WireResponse(await asyncio.to_thread(landscape, problem, body))
