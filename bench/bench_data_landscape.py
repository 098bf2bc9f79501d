"""Benchmark: an exact 200x200 MSE landscape over 5,000 points, against a per-point loop.

Prints a table; ratios come from the same run. Run: python bench/bench_data_landscape.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.problems.datasets import linear_1d  # noqa: E402
from app.problems.models import DataProblem, LinearRegression  # noqa: E402
from bench.common import best, limit_blas  # noqa: E402

N_GRID, N_POINTS = 200, 5000
RANGES = ((-2.0, 6.0), (-3.0, 5.0))


def main() -> None:
    limit_blas()
    problem = LinearRegression(linear_1d(n=N_POINTS, seed=0))
    x, y = problem.data.x, problem.data.y
    w, b = np.linspace(*RANGES[0], N_GRID), np.linspace(*RANGES[1], N_GRID)

    def per_point() -> np.ndarray:
        z = np.empty((N_GRID, N_GRID))
        for j, bj in enumerate(b):
            for i, wi in enumerate(w):
                r = wi * x + bj - y
                z[j, i] = np.dot(r, r) / N_POINTS
        return z

    def moments() -> np.ndarray:
        return problem.grid(np.zeros(2), (0, 1), RANGES, N_GRID)["z"]

    def chunked() -> np.ndarray:
        return DataProblem.grid(problem, np.zeros(2), (0, 1), RANGES, N_GRID)["z"]

    reference = per_point()
    for fn in (moments, chunked):
        np.testing.assert_allclose(fn(), reference, rtol=1e-9)
    rows = [
        ("per-point loop (NumPy per grid point)", best(per_point, 2)),
        ("engine, grid points x data in chunks", best(chunked, 2)),
        ("exact moments (served for w, b)", best(moments)),
    ]
    base = rows[0][1]
    print(f"{N_GRID}x{N_GRID} MSE landscape over {N_POINTS} points (target: at most 150 ms)")
    print(f"{'method':40} {'ms':>9} {'x loop':>8}")
    for name, t in rows:
        print(f"{name:40} {t * 1e3:9.2f} {t / base:8.4f}")


if __name__ == "__main__":
    main()
