"""Benchmark: one training step of a 2-16-16-1 tanh MLP on 256 points, microseconds per step.

Rows: hand-written NumPy forward/backward (the floor; also with the engine's faster bias-sum
kernel), the Tensor engine (nn.MLP + mse_loss + backward + SGD on .data), torch autograd if
torch imports, and torch's time over the engine's from interleaved blocks; forward only (hand-written vs engine under no_grad); the engine's per-op
overhead on a chain of tiny ops. Ratios are against the first row of each block in the same
run; medians over many repetitions, BLAS limited to one thread.
Run: python -m bench.bench_engine  or  python bench/bench_engine.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.engine import Tensor, no_grad  # noqa: E402
from app.engine.losses import mse_loss  # noqa: E402
from app.engine.nn import MLP  # noqa: E402
from bench.common import limit_blas, seconds_per_call  # noqa: E402

N_POINTS = 256
SIZES = [2, 16, 16, 1]
LR = 0.01
REPEATS = 15  # timing blocks; the median block is reported
BLOCK = 200  # steps per block


def per_call_us(fn: Callable[[], object], block: int = BLOCK, repeats: int = REPEATS) -> float:
    for _ in range(block // 4):
        fn()
    return statistics.median(seconds_per_call(fn, repeats, block)) * 1e6


def paired_ratio(slow: Callable[[], object], fast: Callable[[], object]) -> float:
    """Median over REPEATS of time(slow block) / time(fast block), the blocks interleaved so
    that a change in machine load hits both sides of each ratio alike."""
    for fn in (slow, fast):
        for _ in range(BLOCK // 4):
            fn()
    ratios = []
    for _ in range(REPEATS):
        spans = []
        for fn in (slow, fast):
            t0 = time.perf_counter()
            for _ in range(BLOCK):
                fn()
            spans.append(time.perf_counter() - t0)
        ratios.append(spans[0] / spans[1])
    return statistics.median(ratios)


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, size=(N_POINTS, 2))
    y = np.sin(x[:, :1]) * np.cos(x[:, 1:])
    return x, y


def weights() -> list[np.ndarray]:
    """The engine MLP's initial weights, in order W1, b1, W2, b2, W3, b3."""
    return [p.data.copy() for p in MLP(SIZES, seed=0).parameters()]


def hand_written(blas_bias: bool = False) -> Callable[[], float]:
    """The same network and MSE loss, forward and backward written out in NumPy.

    blas_bias: sum bias gradients over the batch as ones @ g (the kernel the engine's
    unbroadcast uses, ~5x faster than g.sum(axis=0) at this size) instead of g.sum(axis=0)."""
    x, y = data()
    W1, b1, W2, b2, W3, b3 = weights()
    n = y.size
    ones = np.ones(N_POINTS)

    def colsum(g: np.ndarray) -> np.ndarray:
        return ones @ g if blas_bias else g.sum(axis=0)

    def step() -> float:
        h1 = np.tanh(x @ W1 + b1)
        h2 = np.tanh(h1 @ W2 + b2)
        out = h2 @ W3 + b3
        diff = out - y
        loss = float((diff * diff).sum() / n)
        g = diff * (2.0 / n)
        gW3 = h2.T @ g
        gb3 = colsum(g)
        g = (g @ W3.T) * (1 - h2 * h2)
        gW2 = h1.T @ g
        gb2 = colsum(g)
        g = (g @ W2.T) * (1 - h1 * h1)
        gW1 = x.T @ g
        gb1 = colsum(g)
        for p, gp in ((W1, gW1), (b1, gb1), (W2, gW2), (b2, gb2), (W3, gW3), (b3, gb3)):
            p -= LR * gp
        return loss

    return step


def engine() -> Callable[[], float]:
    x, y = data()
    xt, yt = Tensor(x), Tensor(y)
    model = MLP(SIZES, seed=0)
    params = model.parameters()

    def step() -> float:
        for p in params:
            p.grad = None
        loss = mse_loss(model(xt), yt)
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.item()

    return step


def hand_forward() -> Callable[[], object]:
    x, _ = data()
    W1, b1, W2, b2, W3, b3 = weights()

    def forward() -> object:
        return np.tanh(np.tanh(x @ W1 + b1) @ W2 + b2) @ W3 + b3

    return forward


def engine_no_grad_forward() -> Callable[[], object]:
    x, _ = data()
    xt = Tensor(x)
    model = MLP(SIZES, seed=0)

    def forward() -> object:
        with no_grad():
            return model(xt)

    return forward


def torch_step() -> Callable[[], float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    x, y = (torch.tensor(a) for a in data())
    ps = [torch.tensor(w, requires_grad=True) for w in weights()]

    def step() -> float:
        W1, b1, W2, b2, W3, b3 = ps
        h = torch.tanh(x @ W1 + b1)
        h = torch.tanh(h @ W2 + b2)
        loss = torch.nn.functional.mse_loss(h @ W3 + b3, y)
        for p in ps:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in ps:
                p -= LR * p.grad
        return loss.item()

    return step


def chain_overhead(length: int = 200) -> tuple[float, float]:
    """Microseconds per op (forward + backward) on a chain of (x * 1.0001) + 0.0001 on a
    length-2 array, where NumPy's own work is negligible; and the bare NumPy cost per op."""
    a = np.array([0.5, -0.5])
    x = Tensor(a, requires_grad=True)

    def run() -> None:
        x.grad = None
        y = x
        for _ in range(length // 2):
            y = y * 1.0001 + 0.0001
        y.sum().backward()

    def bare() -> None:
        y = a
        for _ in range(length // 2):
            y = y * 1.0001 + 0.0001

    return per_call_us(run, 20) / length, per_call_us(bare, 20) / length


def check_agreement() -> None:
    """The engine and the hand-written step must follow the same trajectory."""
    hw, en = hand_written(), engine()
    for _ in range(5):
        a, b = hw(), en()
        assert abs(a - b) <= 1e-12 * max(1.0, abs(a)), (a, b)


def main() -> None:
    limit_blas()
    check_agreement()
    floor = per_call_us(hand_written())
    rows = [("hand-written NumPy (bias grads g.sum(axis=0))", floor)]
    rows.append(("hand-written NumPy (bias grads ones @ g)", per_call_us(hand_written(True))))
    rows.append(("Tensor engine: MLP, mse_loss, backward, SGD", per_call_us(engine())))
    ts = torch_step()
    speedup = None
    if ts is not None:
        rows.append(("torch autograd, 1 thread", per_call_us(ts)))
        speedup = paired_ratio(ts, engine())
    fwd_floor = per_call_us(hand_forward())
    fwd_rows = [("hand-written NumPy forward", fwd_floor)]
    fwd_rows.append(("Tensor engine forward under no_grad", per_call_us(engine_no_grad_forward())))
    op, bare = chain_overhead()

    print(f"One training step, 2-{SIZES[1]}-{SIZES[2]}-1 tanh MLP, {N_POINTS} points, float64,")
    print(f"1 BLAS thread; median of {REPEATS} blocks of {BLOCK} steps\n")
    print(f"{'':50s} {'us/step':>9s} {'ratio':>7s}")
    for label, us in rows:
        print(f"{label:50s} {us:9.1f} {us / floor:6.2f}x")
    if speedup is not None:
        print(f"{'torch time / engine time, interleaved blocks':50s} {speedup:9.2f}x")
    print()
    for label, us in fwd_rows:
        print(f"{label:50s} {us:9.1f} {us / fwd_floor:6.2f}x")
    print(f"\n{'Chain of ops on 2 elements':50s} {'us/op':>9s}")
    print(f"{'  engine, forward + backward':50s} {op:9.2f}")
    print(f"{'  bare NumPy, forward only':50s} {bare:9.2f}")


if __name__ == "__main__":
    main()
