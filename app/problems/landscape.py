"""Landscape grids of a surface f(x, y) for contour and 3-D plots, and their contour levels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from app.engine import Tensor, no_grad

__all__ = ["MAX_GRID", "LOG_DECADES", "contour_levels", "spans_decades", "surface_grid"]

MAX_GRID = 400
# Values whose spread covers more decades than this get log-spaced contours (auto mode).
LOG_DECADES = 3.0
# Rows per chunk: 25 rows of 400 float64 are 80 kB per temporary, small enough for NumPy to
# reuse freed blocks instead of asking the OS for fresh pages on every op (see DESIGN.md §6).
_CHUNK_POINTS = 10_000

Domain = tuple[tuple[float, float], tuple[float, float]]


def surface_grid(fn: Callable[[Tensor, Tensor], Any], domain: Domain, n: int) -> dict[str, Any]:
    """f on an n x n grid over `domain`: computed in float64 without a graph, sent as float32.

    Returns {"x": (n,) f8, "y": (n,) f8, "z": (n, n) f4 with z[i, j] = f(x[j], y[i]),
    "zmin", "zmax" (over finite values; None if there are none), "nonfinite": how many
    entries are NaN}. Values that are not finite, or too large for float32, become NaN.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= MAX_GRID:
        raise ValueError(f"grid size n must be an integer from 2 to {MAX_GRID}, got {n!r}")
    (x0, x1), (y0, y1) = domain
    xs = np.linspace(float(x0), float(x1), int(n))
    ys = np.linspace(float(y0), float(y1), int(n))
    z = np.empty((n, n), dtype=np.float32)
    rows = max(1, _CHUNK_POINTS // n)
    with no_grad(), np.errstate(all="ignore"):
        for r in range(0, n, rows):
            gx, gy = np.meshgrid(xs, ys[r : r + rows])
            out = fn(Tensor._leaf(gx), Tensor._leaf(gy))
            chunk = out.data if isinstance(out, Tensor) else np.asarray(out, dtype=np.float64)
            # float32 turns finite values beyond its range into inf, caught with the rest below.
            z[r : r + rows] = np.broadcast_to(chunk, gx.shape)
    bad = ~np.isfinite(z)
    nonfinite = int(bad.sum())
    if nonfinite:
        z[bad] = np.nan
    finite = z[~bad] if nonfinite else z
    zmin = float(finite.min()) if finite.size else None
    zmax = float(finite.max()) if finite.size else None
    return {"x": xs, "y": ys, "z": z, "zmin": zmin, "zmax": zmax, "nonfinite": nonfinite}


def spans_decades(z: np.ndarray, decades: float = LOG_DECADES) -> bool:
    """True when most of the grid sits far below its top: the finite values above the
    minimum run from their 1st percentile to their maximum over more than `decades` decades."""
    d = _above_min(z)
    if d is None:
        return False
    lo, hi = _low(d), float(d.max())
    return bool(hi / lo > 10.0**decades)


def contour_levels(z: np.ndarray, count: int = 20, log: bool | None = None) -> list[float]:
    """`count` increasing contour levels between the finite minimum and maximum of z.

    Log-spaced above the minimum (zmin + geometric steps) when `log`, or, with log=None,
    when the values span more than LOG_DECADES decades; evenly spaced otherwise.
    """
    values = np.asarray(z, dtype=np.float64)
    finite = values[np.isfinite(values)]
    if finite.size == 0 or count < 1:
        return []
    zmin, zmax = float(finite.min()), float(finite.max())
    if not zmax > zmin:
        return [zmin]
    if log is None:
        log = spans_decades(finite)
    if log:
        d = finite - zmin
        steps = np.geomspace(_low(d[d > 0]), zmax - zmin, count + 1)[:-1]
        levels = zmin + steps
    else:
        levels = np.linspace(zmin, zmax, count + 2)[1:-1]
    # zmin + a tiny step can round back to zmin: keep only strictly increasing levels.
    return [float(v) for v in np.unique(levels[levels > zmin])]


def _above_min(z: np.ndarray) -> np.ndarray | None:
    values = np.asarray(z, dtype=np.float64)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    d = finite - finite.min()
    d = d[d > 0]
    return d if d.size else None


def _low(d: np.ndarray) -> float:
    # The 1st percentile, not the smallest gap: one grid point landing next to the minimum
    # would otherwise decide how many decades the levels span. Floor it at a millionth of the
    # range so a needle-like minimum cannot push levels into float rounding.
    return float(max(np.quantile(d, 0.01), d.max() * 1e-6))
