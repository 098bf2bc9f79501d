"""Benchmark: the backprop lab's step-through payload against the bare pass it explains.

Rows per network and batch size: ms for graph_payload (the engine's forward and backward, every
local derivative probed from the engine's closures, chain products, SGD update, finite-difference
check) beside ms for the bare forward + backward through the same engine graph, and their ratio;
then ms per 100 training steps and per 41x41 landscape. Best of REPEATS.
Run: python bench/bench_backprop.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.problems.backprop import graph_payload  # noqa: E402
from app.problems.backprop_net import DEFAULT_PARAMS, NETWORKS, PARAMS, NetSpec, build  # noqa: E402
from app.problems.backprop_train import landscape, train  # noqa: E402
from bench.common import best  # noqa: E402

REPEATS = 7
EXAMPLES = ((0.5, 1.0, 1.0), (-0.2, 0.6, 0.0), (1.0, -1.0, 1.0))


def best_ms(fn: Callable[[], object], calls: int = 10) -> float:
    return best(fn, REPEATS, calls) * 1e3


def bare(spec: NetSpec) -> None:
    built = build(spec)
    built.loss.backward()


def main() -> None:
    print(
        f"{'network':8} {'B':>2} {'payload ms':>11} {'bare ms':>8} {'ratio':>6} {'100 steps ms':>13} {'41x41 ms':>9}"
    )
    for net in NETWORKS:
        for b in (1, 3):
            spec = NetSpec(network=net, params=dict(DEFAULT_PARAMS[net]), examples=EXAMPLES[:b])
            payload = best_ms(lambda s=spec: graph_payload(s))
            plain = best_ms(lambda s=spec: bare(s))
            steps = best_ms(lambda s=spec: train(s, 100), calls=1)
            land = best_ms(lambda s=spec, a=PARAMS[net][:2]: landscape(s, a, 41, 2.0), calls=3)
            print(
                f"{net:8} {b:>2} {payload:>11.2f} {plain:>8.3f} {payload / plain:>6.1f} {steps:>13.1f} {land:>9.2f}"
            )


if __name__ == "__main__":
    main()
