"""Benchmark: a race of 8 optimizers x 1,000 steps on Rosenbrock, against torch.optim when present.

Prints a table; ratios come from the same process. A hand-inlined NumPy race (race_floor.py),
checked to reach the engine's final points bit for bit, shows how close the generic engine,
optimizers and records are to the arithmetic alone. Run: python bench/bench_runs.py
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.problems.surfaces import SURFACES, SurfaceProblem  # noqa: E402
from app.racers import make_racers  # noqa: E402
from app.run_output import collect  # noqa: E402
from app.runs import Run  # noqa: E402
from bench.common import limit_blas, seconds_per_call  # noqa: E402
from bench.race_floor import race_floor  # noqa: E402

RACE = [
    {"name": "sgd", "lr": 1e-3},
    {"name": "sgd", "lr": 1e-3, "momentum": 0.9},
    {"name": "sgd", "lr": 1e-3, "momentum": 0.9, "nesterov": True},
    {"name": "adagrad", "lr": 0.5},
    {"name": "rmsprop", "lr": 0.01},
    {"name": "adam", "lr": 0.05},
    {"name": "nadam", "lr": 0.05},
    {"name": "adadelta", "lr": 1.0},
]
START = (-1.5, 2.0)
STEPS = 1000


def best_of(fn, repeats: int = 5) -> tuple[float, float]:
    times = seconds_per_call(fn, repeats)
    return min(times), statistics.median(times)


def ours_records() -> None:
    problem = SurfaceProblem(SURFACES["rosenbrock"].fn)
    run = Run(problem, make_racers(RACE), START, STEPS)
    for _ in run.records():
        pass


def final_points() -> np.ndarray:
    run = Run(SurfaceProblem(SURFACES["rosenbrock"].fn), make_racers(RACE), START, STEPS)
    return list(run.records())[-1].points


def ours_collect() -> None:
    problem = SurfaceProblem(SURFACES["rosenbrock"].fn)
    collect(Run(problem, make_racers(RACE), START, STEPS))


def torch_one_at_a_time() -> None:
    import torch

    classes = {
        "sgd": torch.optim.SGD,
        "adagrad": torch.optim.Adagrad,
        "rmsprop": torch.optim.RMSprop,
        "adam": torch.optim.Adam,
        "nadam": torch.optim.NAdam,
        "adadelta": torch.optim.Adadelta,
    }
    for cfg in RACE:
        cfg = dict(cfg)
        p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
        opt = classes[cfg.pop("name")]([p], **cfg)
        for _ in range(STEPS):
            opt.zero_grad()
            x, y = p[0], p[1]
            loss = (1 - x) ** 2 + 100 * (y - x**2) ** 2
            loss.backward()
            opt.step()


def main() -> None:
    limit_blas()
    if not np.array_equal(race_floor(START, STEPS), final_points()):
        raise SystemExit("race_floor no longer follows the engine's arithmetic: fix it first")
    rows = [
        ("ours: records only", *best_of(ours_records)),
        ("ours: collect (POST)", *best_of(ours_collect)),
        ("hand-inlined NumPy, no records", *best_of(lambda: race_floor(START, STEPS))),
    ]
    try:
        import torch

        torch.set_num_threads(1)
        rows.append(("torch.optim, one at a time", *best_of(torch_one_at_a_time, 2)))
    except ImportError:
        pass
    base = rows[0][1]
    print(f"Race: {len(RACE)} optimizers x {STEPS} steps on Rosenbrock")
    print(f"{'variant':32} {'best ms':>9} {'median ms':>10} {'x ours':>8}")
    for name, best, med in rows:
        print(f"{name:32} {best * 1e3:9.1f} {med * 1e3:10.1f} {best / base:8.1f}")
    if len(rows) > 3:
        floor, target = rows[2][1], rows[3][1] / 20
        print(
            f"20x torch means {target * 1e3:.1f} ms: {target / floor:.2f}x the hand-inlined "
            f"arithmetic, for the engine's graph, the optimizer classes and the records."
        )


if __name__ == "__main__":
    main()
