"""Benchmark: a logistic race with MSE twins (3 BCE + 3 MSE racers) against 6 BCE racers.

Both over 5,000 points, batch / stochastic / mini-batch, 200 steps; prints ms per step and the
ratio from the same run. Run: python bench/bench_twin_race.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.problems.batching import BatchSampler  # noqa: E402
from app.problems.datasets import two_class_1d  # noqa: E402
from app.problems.models import LogisticRegression  # noqa: E402
from app.racers import make_racers  # noqa: E402
from app.run_output import collect  # noqa: E402
from app.runs import Run  # noqa: E402
from bench.common import limit_blas  # noqa: E402

N_POINTS, STEPS = 5000, 200
VARIANTS = [("batch", None), ("stochastic", None), ("minibatch", 8)] * 2


def race(racer_losses) -> float:
    data = two_class_1d(n=N_POINTS, separation=3.0, seed=1)
    problem = LogisticRegression(data, "bce", racer_losses)
    samplers = [BatchSampler(data.n, v, k, seed=1) for v, k in VARIANTS]
    racers = make_racers([{"name": "sgd", "lr": 0.1}] * len(VARIANTS))
    run = Run(problem, racers, (-4.0, 2.0), STEPS, samplers=samplers)
    t0 = time.perf_counter()
    collect(run)
    return (time.perf_counter() - t0) / STEPS


def main() -> None:
    limit_blas()
    best = {"6 BCE racers": float("inf"), "3 BCE + 3 MSE twins": float("inf")}
    for _ in range(3):
        best["6 BCE racers"] = min(best["6 BCE racers"], race(None))
        twin = race(["bce"] * 3 + ["mse"] * 3)
        best["3 BCE + 3 MSE twins"] = min(best["3 BCE + 3 MSE twins"], twin)
    base = best["6 BCE racers"]
    print(f"{'race over 5,000 points':<24} {'ms/step':>8} {'ratio':>6}")
    for name, t in best.items():
        print(f"{name:<24} {t * 1e3:>8.2f} {t / base:>6.2f}")


if __name__ == "__main__":
    main()
