"""Benchmark: the learning-rate sweep as one vectorised Run against each racer run alone.

Rows per surface and grid: ms for POST /api/sweep's work (sweep_result over one Run of every
optimizer x rate) beside ms for the same racers run one at a time (one Run each, as a naive
sweep would), and their ratio; then the largest sweep the default limits allow. Best of REPEATS.
Run: python bench/bench_sweep.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import Settings  # noqa: E402
from app.problems.surfaces import SURFACES, SurfaceProblem  # noqa: E402
from app.racers import make_racers  # noqa: E402
from app.runs import Run  # noqa: E402
from app.web.sweep_api import SweepRequest, build_sweep, final_losses, sweep_result  # noqa: E402
from bench.common import best  # noqa: E402

REPEATS = 3
OPTIMIZERS = [
    {"name": "sgd"},
    {"name": "sgd", "momentum": 0.9},
    {"name": "rmsprop"},
    {"name": "adam"},
]


def best_ms(fn: Callable[[], object]) -> float:
    return 1000 * best(fn, REPEATS)


def request(surface: str, rates: int, steps: int, optimizers=OPTIMIZERS) -> SweepRequest:
    return SweepRequest(
        surface={"function": surface},
        steps=steps,
        optimizers=optimizers,
        lr_min=1e-5,
        lr_max=1.0,
        rates=rates,
    )


def vectorised(req: SweepRequest) -> None:
    run, info = build_sweep(req, Settings())
    sweep_result(run, info["lrs"])


def one_by_one(req: SweepRequest) -> None:
    run, _ = build_sweep(req, Settings())
    fn = SURFACES[req.surface.function].fn
    for racer in run.racers:
        alone = Run(SurfaceProblem(fn), make_racers([racer.describe()]), run.start, run.steps)
        final_losses(alone)


def main() -> None:
    print(
        f"{'surface':<12}{'rates':>6}{'steps':>7}{'racers':>8}{'one Run ms':>12}{'alone ms':>10}{'ratio':>7}"
    )
    for surface, rates, steps in [
        ("rosenbrock", 10, 200),
        ("rosenbrock", 25, 200),
        ("himmelblau", 40, 500),
    ]:
        req = request(surface, rates, steps)
        a = best_ms(lambda req=req: vectorised(req))
        b = best_ms(lambda req=req: one_by_one(req))
        n = rates * len(OPTIMIZERS)
        print(f"{surface:<12}{rates:>6}{steps:>7}{n:>8}{a:>12.1f}{b:>10.1f}{b / a:>7.1f}x")
    s = Settings()
    big = request("rosenbrock", s.max_sweep_rates, s.max_steps, [{"name": "sgd"}] * 4 + OPTIMIZERS)
    t = best_ms(lambda: vectorised(big))
    print(
        f"largest default sweep: {s.max_optimizers} optimizers x {s.max_sweep_rates} rates x "
        f"{s.max_steps} steps = {t:.0f} ms"
    )


if __name__ == "__main__":
    main()
