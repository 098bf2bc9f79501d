"""Benchmark: the learning-rate sweep as one vectorised Run against each racer run alone.

Rows per problem and grid (surfaces, a regression lab dataset, a network lab network): ms for
POST /api/sweep's work (sweep_result over one Run of every optimizer x rate) beside ms for the
same racers run one at a time (one Run each, as a naive sweep would), and their ratio; then the
largest surface sweep the default limits allow. Best of REPEATS.
Run: python bench/bench_sweep.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import Settings  # noqa: E402
from app.web.builders import run_for, split_racers  # noqa: E402
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


def request(problem: dict, rates: int, steps: int, optimizers=OPTIMIZERS) -> SweepRequest:
    return SweepRequest(
        **problem, steps=steps, optimizers=optimizers, lr_min=1e-5, lr_max=1.0, rates=rates
    )


def vectorised(req: SweepRequest) -> None:
    run, info = build_sweep(req, Settings())
    sweep_result(run, info["lrs"])


def one_by_one(req: SweepRequest) -> None:
    """Each (optimizer, rate) as its own Run, built by the same code as the sweep's."""
    _, info = build_sweep(req, Settings())
    for opt in req.optimizers:
        for lr in info["lrs"]:
            racers, variants, losses = split_racers([{**opt.as_dict(), "lr": lr}])
            alone, _ = run_for(req, racers, variants, losses, Settings(), sweep=True)
            final_losses(alone)


LINEAR = {"data": {"generator": "linear", "n": 500}, "model": "linear"}
VARIANTS = [
    {"name": "sgd", "variant": "batch"},
    {"name": "sgd", "variant": "stochastic"},
    {"name": "sgd", "variant": "minibatch", "batch_size": 16},
]
CIRCLE = {"network": {"dataset": "circle", "n": 500, "hidden": [8, 8], "seed": 1}}


def main() -> None:
    print(
        f"{'problem':<22}{'rates':>6}{'steps':>7}{'racers':>8}{'one Run ms':>12}{'alone ms':>10}{'ratio':>7}"
    )
    rows = [
        ("rosenbrock", {"surface": {"function": "rosenbrock"}}, 10, 200, OPTIMIZERS),
        ("rosenbrock", {"surface": {"function": "rosenbrock"}}, 25, 200, OPTIMIZERS),
        ("himmelblau", {"surface": {"function": "himmelblau"}}, 40, 500, OPTIMIZERS),
        ("linear, 500 rows", LINEAR, 25, 300, VARIANTS),
        ("network 8x8, 500 points", CIRCLE, 25, 300, [{"name": "adam"}]),
    ]
    for name, problem, rates, steps, optimizers in rows:
        req = request(problem, rates, steps, optimizers)
        a = best_ms(lambda req=req: vectorised(req))
        b = best_ms(lambda req=req: one_by_one(req))
        n = rates * len(optimizers)
        print(f"{name:<22}{rates:>6}{steps:>7}{n:>8}{a:>12.1f}{b:>10.1f}{b / a:>7.1f}x")
    s = Settings()
    surface = {"surface": {"function": "rosenbrock"}}
    big = request(surface, s.max_sweep_rates, s.max_steps, [{"name": "sgd"}] * 4 + OPTIMIZERS)
    t = best_ms(lambda: vectorised(big))
    print(
        f"largest default sweep: {s.max_optimizers} optimizers x {s.max_sweep_rates} rates x "
        f"{s.max_steps} steps = {t:.0f} ms"
    )


if __name__ == "__main__":
    main()
