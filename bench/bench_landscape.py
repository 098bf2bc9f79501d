"""Benchmark: 400x400 landscape grids and per-step value_and_grad for every catalog surface.

Rows: ms per 400x400 grid through the engine (no_grad, float64 compute, float32 result) and
µs per value_and_grad call for 8 particles, each surface as a catalog fn and as its parsed
expression; then plain NumPy Rosenbrock on the same grid as the floor, and the wire size of
a grid: as float32, as base64, and as the gzipped HTTP response. Best of REPEATS. Run: python bench/bench_landscape.py
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.problems.expression import parse_formula  # noqa: E402
from app.problems.landscape import surface_grid  # noqa: E402
from app.problems.surfaces import SURFACES, SurfaceProblem  # noqa: E402
from bench.common import best, limit_blas  # noqa: E402

N = 400
PARTICLES = 8
REPEATS = 5
GRID_CALLS = 5
STEP_CALLS = 1000


def numpy_rosenbrock(domain) -> np.ndarray:
    (x0, x1), (y0, y1) = domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, N), np.linspace(y0, y1, N))
    return ((1 - gx) ** 2 + 100 * (gy - gx**2) ** 2).astype(np.float32)


def main() -> None:
    limit_blas()
    rng = np.random.default_rng(0)
    print(f"{N}x{N} grid (ms) and value_and_grad for {PARTICLES} particles (µs), best of {REPEATS}")
    print(f"{'surface':<18} {'grid fn':>8} {'grid expr':>10} {'step fn':>8} {'step expr':>10}")
    for s in SURFACES.values():
        expr = parse_formula(s.expression)
        (x0, x1), (y0, y1) = s.domain
        pts = np.column_stack([rng.uniform(x0, x1, PARTICLES), rng.uniform(y0, y1, PARTICLES)])
        grid_fn = best(lambda s=s: surface_grid(s.fn, s.domain, N), REPEATS, GRID_CALLS)
        grid_ex = best(lambda s=s, e=expr: surface_grid(e.fn, s.domain, N), REPEATS, GRID_CALLS)
        p_fn, p_ex = SurfaceProblem(s), SurfaceProblem(expr)
        step_fn = best(lambda p=p_fn, q=pts: p.value_and_grad(q), REPEATS, STEP_CALLS)
        step_ex = best(lambda p=p_ex, q=pts: p.value_and_grad(q), REPEATS, STEP_CALLS)
        print(
            f"{s.id:<18} {grid_fn * 1e3:>8.2f} {grid_ex * 1e3:>10.2f} "
            f"{step_fn * 1e6:>8.1f} {step_ex * 1e6:>10.1f}"
        )
    rosen = SURFACES["rosenbrock"]
    floor = best(lambda: numpy_rosenbrock(rosen.domain), REPEATS, GRID_CALLS)
    engine = best(lambda: surface_grid(rosen.fn, rosen.domain, N), REPEATS, GRID_CALLS)
    print(
        f"\nrosenbrock grid, plain NumPy: {floor * 1e3:.2f} ms; engine: {engine * 1e3:.2f} ms "
        f"({engine / floor:.2f}x)"
    )
    racers = rng.normal(size=(PARTICLES, 2))
    problem = SurfaceProblem(rosen)
    race = best(lambda: problem.value_and_grad(racers), REPEATS, 1000)
    print(
        f"rosenbrock race, {PARTICLES} racers x 1,000 steps: {race * 1e3 * 1e3:.1f} ms "
        "in value_and_grad (budget 100 ms for the whole race)"
    )
    z = surface_grid(rosen.fn, rosen.domain, N)["z"]
    raw = z.nbytes
    b64 = len(base64.b64encode(z.tobytes()))
    print(
        f"wire: {z.itemsize} bytes per grid point as float32; {N}x{N} grid {raw:,} bytes raw, "
        f"{b64:,} bytes as base64 ({b64 / z.size:.2f} per point)"
    )
    # What a browser receives: the whole gzipped response (axes, levels, metadata included).
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    client = TestClient(create_app(Settings()))
    sizes = {}
    for name in SURFACES:
        r = client.get(f"/api/landscape?function={name}&n={N}", headers={"accept-encoding": "gzip"})
        sizes[name] = int(r.headers["content-length"]) / (N * N)
    lo, hi = min(sizes, key=sizes.get), max(sizes, key=sizes.get)
    print(
        f"gzipped GET /api/landscape, {N}x{N}: {sizes[lo]:.2f} ({lo}) to {sizes[hi]:.2f} ({hi}) "
        "bytes per grid point"
    )


if __name__ == "__main__":
    main()
