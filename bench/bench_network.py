"""Benchmark: the network lab's training step, heatmap, frame sizes and loss landscape.

Prints tables; every ratio compares with a baseline measured in the same run:
(a) a training step of the default network (2-8-8-1 tanh, Adam, full batch) through Run, against
    a hand-written NumPy forward/backward/Adam step of the same network (target <= 0.5 ms);
(b) the 100x100 decision-boundary heatmap (target <= 10 ms);
(c) a 51x51 landscape of the default network over 500 training points, vectorised over grid
    points in float32, against a per-point loop (targets <= 1 s and >= 3x).
Run: python bench/bench_network.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.problems.directions import plane_losses, random_directions  # noqa: E402
from app.problems.net_datasets import generate  # noqa: E402
from app.problems.networks import NetworkProblem  # noqa: E402
from app.racers import make_racers  # noqa: E402
from app.run_output import frame_of  # noqa: E402
from app.runs import Run  # noqa: E402
from app.web.wire import dumps  # noqa: E402
from bench.common import best, limit_blas  # noqa: E402

STEPS = 400


def interleaved(fns: list, rounds: int) -> list[float]:
    """Best time of each function over rounds that take turns, so load that comes and goes on
    this shared machine falls on baseline and candidates alike."""
    times = [float("inf")] * len(fns)
    for _ in range(rounds):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[k] = min(times[k], time.perf_counter() - t0)
    return times


def numpy_step(p: NetworkProblem, theta: np.ndarray, steps: int) -> np.ndarray:
    """The same network, loss and Adam (lr 0.03) written out by hand: the baseline."""
    x, y = p.x_train, p.data.train.y.astype(float)
    (w1, b1, w2, b2, w3, b3) = [
        theta[s.offset : s.offset + s.size].reshape(s.shape).copy() for s in p.slots
    ]
    params = [w1, b1, w2, b2, w3, b3]
    m = [np.zeros_like(q) for q in params]
    v = [np.zeros_like(q) for q in params]
    n = len(y)
    for t in range(1, steps + 1):
        h1 = np.tanh(x @ w1 + b1)
        h2 = np.tanh(h1 @ w2 + b2)
        z = (h2 @ w3 + b3)[:, 0]
        gz = ((1 / (1 + np.exp(-z))) - y)[:, None] / n
        g3 = h2.T @ gz
        gh2 = (gz @ w3.T) * (1 - h2 * h2)
        g2 = h1.T @ gh2
        gh1 = (gh2 @ w2.T) * (1 - h1 * h1)
        grads = [x.T @ gh1, gh1.sum(0), g2, gh2.sum(0), g3, gz.sum(0)]
        for q, g, mq, vq in zip(params, grads, m, v, strict=True):
            mq *= 0.9
            mq += 0.1 * g
            vq *= 0.999
            vq += 0.001 * g * g
            q -= 0.03 * (mq / (1 - 0.9**t)) / (np.sqrt(vq / (1 - 0.999**t)) + 1e-8)
    return np.concatenate([q.ravel() for q in params])


def make(hidden, n=500, every=10, light=True) -> NetworkProblem:
    p = NetworkProblem(generate("circle", n, 0.1, 0.3, 1), ["x1", "x2"], hidden, "tanh", None)
    p.heatmap_every = every
    p.light_frames = light
    return p


def run_steps(p: NetworkProblem, steps: int, extras: bool = True) -> Run:
    run = Run(p, make_racers([{"name": "adam", "lr": 0.03}]), p.initial_point(1), steps)
    if not extras:
        run._extras = None  # the bare step: gradient, update, status checks
    for _ in run.records():
        pass
    return run


def step_table() -> None:
    p = make([8, 8])
    ours = run_steps(p, STEPS).points[0]
    np.testing.assert_allclose(ours, numpy_step(p, p.initial_point(1), STEPS), rtol=1e-6)
    base, bare, extras, full = (
        t / STEPS
        for t in interleaved(
            [
                lambda: numpy_step(p, p.initial_point(1), STEPS),
                lambda: run_steps(make([8, 8], every=10**9), STEPS, False),
                lambda: run_steps(make([8, 8], every=10**9), STEPS),
                lambda: run_steps(make([8, 8]), STEPS),
            ],
            5,
        )
    )
    print(f"(a) training step, 2-8-8-1 tanh, Adam, {p.n} training points (target <= 0.5 ms)")
    print(f"{'':54} {'ms':>7} {'x NumPy':>8}")
    for name, t in [
        ("hand-written NumPy step (baseline)", base),
        ("Run step: gradient, Adam, status", bare),
        ("  + frame extras (test loss, accuracy, norms)", extras),
        ("  + heatmap every 10 steps (what the page streams)", full),
    ]:
        print(f"{name:54} {t * 1e3:7.3f} {t / base:8.2f}")


def heatmap_and_frames() -> None:
    print("\n(b) 100x100 heatmap (target <= 10 ms) and frame sizes, one racer")
    print(
        f"{'network':22} {'params':>6} {'heatmap ms':>10} {'frame B':>8} {'+ heatmap':>10} "
        f"{'with grad, update, state':>25}"
    )
    for hidden in ([8, 8], [16] * 6):
        p = make(hidden, every=2)
        theta = p.initial_point(1)
        t = best(lambda p=p, theta=theta: p.heatmap(theta), 10)
        recs = list(Run(p, make_racers([{"name": "adam", "lr": 0.03}]), theta, 3).records())
        plain, with_map = len(dumps(frame_of(recs[1]))), len(dumps(frame_of(recs[2])))
        heavy = make(hidden, every=10**9, light=False)
        rec = list(Run(heavy, make_racers([{"name": "adam", "lr": 0.03}]), theta, 2).records())[1]
        full = len(dumps(frame_of(rec)))
        name = "2-" + "-".join(map(str, hidden)) + "-1"
        print(f"{name:22} {p.dim:6} {t * 1e3:10.2f} {plain:8} {with_map:10} {full:25}")


def landscape_table() -> None:
    # 714 points with a 30% test split leave 500 training points for the landscape's loss.
    p = make([8, 8], n=714)
    theta = run_steps(p, 200).points[0]
    d1, d2 = random_directions(theta, p.slots, 0)
    a = np.linspace(-1, 1, 51)

    def vectorised() -> np.ndarray:
        return plane_losses(lambda q: p.values(q, np.float32), theta, d1, d2, a, a)

    def vectorised64() -> np.ndarray:
        return plane_losses(p.values, theta, d1, d2, a, a)

    def loop() -> np.ndarray:
        return np.array([[p.values((theta + x * d1 + y * d2)[None])[0] for x in a] for y in a])

    ref = loop()
    np.testing.assert_allclose(vectorised(), ref, rtol=1e-5)
    base, t64, t32 = interleaved([loop, vectorised64, vectorised], 3)
    rows = [
        ("per-point loop, float64 (baseline)", base),
        ("vectorised over grid points, float64", t64),
        ("vectorised over grid points, float32 (served)", t32),
    ]
    print(f"\n(c) 51x51 landscape, 2-8-8-1 over {p.n} training points (target <= 1 s, >= 3x)")
    print(f"{'method':48} {'ms':>8} {'x faster':>9}")
    for name, t in rows:
        print(f"{name:48} {t * 1e3:8.1f} {base / t:9.1f}")


def main() -> None:
    limit_blas()
    step_table()
    heatmap_and_frames()
    landscape_table()


if __name__ == "__main__":
    main()
