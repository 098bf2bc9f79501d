"""REST routes of the data labs: generated datasets, CSV upload, and loss landscapes over data."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from app.problems.datasets import CsvError, read_csv_table
from app.problems.landscape import contour_levels, spans_decades
from app.web.data_builders import build_data_problem, build_dataset, dataset_payload
from app.web.errors import ApiError
from app.web.schemas import DataSpec
from app.web.wire import typed_array

router = APIRouter(prefix="/api", tags=["data"])

# Grid points times examples per landscape: about a quarter of a second of NumPy here.
MAX_GRID_WORK = 20_000_000


class DatasetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    data: DataSpec
    model: str = Field("linear", pattern="^(linear|logistic|logistic_mse|softmax)$")


class DataLandscapeRequest(DatasetRequest):
    """Full-data (or one batch's) loss over two parameters, the others held at `center`."""

    center: list[float] | None = Field(None, max_length=64)
    axes: tuple[int, int] = (0, 1)
    ranges: tuple[tuple[float, float], tuple[float, float]] | None = None
    n: int = Field(61, ge=2, le=201)
    batch: list[int] | None = Field(None, max_length=5000)


@router.post("/datasets")
async def datasets(request: Request, body: DatasetRequest) -> dict[str, Any]:
    """The points of a generated (seeded) dataset, for the data view."""
    return dataset_payload(build_dataset(body.data, body.model, request.app.state.settings))


@router.post("/datasets/csv")
async def datasets_csv(request: Request) -> dict[str, Any]:
    """Parse an uploaded CSV file (the raw body); refusals name the problem and the row."""
    settings = request.app.state.settings
    limit = getattr(settings, "max_upload_bytes", 1_000_000)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(f"file is too large: at most {limit} bytes", status_code=413)
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise ApiError(f"file is too large: at most {limit} bytes", status_code=413)
    max_rows = getattr(settings, "max_dataset_rows", 5000)
    try:
        parsed = await asyncio.to_thread(read_csv_table, raw, max_rows=max_rows, max_bytes=limit)
    except CsvError as exc:
        raise ApiError(exc.message, row=exc.row) from None
    # Text columns (class labels) travel as strings; the page offers them as class columns.
    return {
        "columns": parsed.names,
        "rows": int(parsed.values.shape[0]),
        "table": parsed.rows(),
        "labels": sorted(parsed.labels),
    }


@router.post("/landscape/data")
async def data_landscape(request: Request, body: DataLandscapeRequest) -> dict[str, Any]:
    """Loss over two chosen parameters on an n x n grid, as float32 typed arrays."""
    problem = build_data_problem(body.data, body.model, request.app.state.settings)
    dim = problem.dim
    center = np.zeros(dim) if body.center is None else np.asarray(body.center, dtype=float)
    if center.shape != (dim,) or not (np.abs(center) <= 1e6).all():
        raise ApiError(f"center must be {dim} finite numbers within ±1e6")
    i, j = body.axes
    if not (0 <= i < dim and 0 <= j < dim and i != j):
        raise ApiError(f"axes must be two different parameter indices from 0 to {dim - 1}")
    ranges = body.ranges or ((center[i] - 3, center[i] + 3), (center[j] - 3, center[j] + 3))
    for lo, hi in ranges:
        if not (abs(lo) <= 1e6 and abs(hi) <= 1e6 and lo < hi):
            raise ApiError("each range must be [low, high] with low < high, within ±1e6")
    if body.batch is not None:
        # Checked as Python ints first: JSON integers may exceed int64 (2**63 and up).
        if not body.batch or not all(0 <= i < problem.n for i in body.batch):
            raise ApiError(f"batch indices must be between 0 and {problem.n - 1}")
        problem = problem.subset(np.asarray(body.batch, dtype=np.int64))
    # Large datasets get a coarser grid rather than a slow answer.
    n = min(body.n, max(2, int(math.sqrt(MAX_GRID_WORK / max(problem.n, 1)))))
    grid = await asyncio.to_thread(problem.grid, center, (i, j), ranges, n)
    z = grid["z"].astype(np.float32)
    finite = z[np.isfinite(z)]
    log = spans_decades(z)
    return {
        "axes": [i, j],
        "param_names": [problem.param_names[i], problem.param_names[j]],
        "n": n,
        "x": typed_array(grid["x"], "f8"),
        "y": typed_array(grid["y"], "f8"),
        "z": typed_array(z, "f4"),
        "zmin": float(finite.min()) if finite.size else None,
        "zmax": float(finite.max()) if finite.size else None,
        "log": log,
        "levels": contour_levels(z, log=log),
    }
