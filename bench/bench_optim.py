"""Benchmark: Adam on Rosenbrock with 512 particles, microseconds per step.

Rows: our Adam.step() with gradients from hand-written NumPy; a hand-fused NumPy Adam (the
floor for an update made of NumPy calls); torch.optim.Adam with autograd if torch imports;
the Tensor engine's forward + backward + Adam.step() if app.engine.Tensor exists. Then one
step of every optimizer in the registry. Ratios are against the hand-fused row of the same
run. Run: python bench/bench_optim.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.engine.optim import OPTIMIZERS, make_optimizer  # noqa: E402
from bench.common import best, limit_blas  # noqa: E402

N_PARTICLES = 512
STEPS = 2000
REPEATS = 5
LR = 1e-3


def starts() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.array([-1.5, 2.0]) + 0.5 * rng.standard_normal((N_PARTICLES, 2))


class Param:
    __slots__ = ("data", "grad")

    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.grad: np.ndarray | None = None


def rosenbrock_grad(p: np.ndarray, out: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Gradient of (1-x)^2 + 100 (y-x^2)^2 at every row of p, into out (r: scratch)."""
    x, y = p[:, 0], p[:, 1]
    np.multiply(x, x, out=r)
    np.subtract(y, r, out=r)  # r = y - x^2
    np.multiply(r, 200.0, out=out[:, 1])
    np.multiply(x, r, out=out[:, 0])
    out[:, 0] *= -400.0
    out[:, 0] += 2 * x
    out[:, 0] -= 2.0
    return out


def per_step(fn, steps: int = STEPS) -> float:
    """Best of REPEATS runs of `steps` calls, in microseconds per call."""
    return best(fn, REPEATS, steps) * 1e6


def ours(lr) -> tuple[float, float]:
    p = Param(starts())
    g, r = np.empty_like(p.data), np.empty(N_PARTICLES)
    opt = make_optimizer("adam", [p], lr=lr)
    p.grad = rosenbrock_grad(p.data, g, r)

    def full() -> None:
        p.grad = rosenbrock_grad(p.data, g, r)
        opt.step()

    return per_step(opt.step), per_step(full)


def fused() -> tuple[float, float]:
    p = starts()
    g, r = np.empty_like(p), np.empty(N_PARTICLES)
    m, v, t, d = (np.zeros_like(p) for _ in range(4))
    b1, b2, eps = 0.9, 0.999, 1e-8
    k = [0]

    def step() -> None:
        k[0] += 1
        np.multiply(m, b1, out=m)
        np.multiply(g, 1 - b1, out=t)
        np.add(m, t, out=m)
        np.multiply(v, b2, out=v)
        np.multiply(g, g, out=t)
        np.multiply(t, 1 - b2, out=t)
        np.add(v, t, out=v)
        np.sqrt(v, out=d)
        np.divide(d, (1 - b2 ** k[0]) ** 0.5, out=d)
        np.add(d, eps, out=d)
        np.divide(m, d, out=t)
        np.multiply(t, -LR / (1 - b1 ** k[0]), out=t)
        np.add(p, t, out=p)

    def full() -> None:
        rosenbrock_grad(p, g, r)
        step()

    rosenbrock_grad(p, g, r)
    return per_step(step), per_step(full)


def torch_adam() -> tuple[float, float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    p = torch.tensor(starts(), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=LR)

    def backward() -> None:
        opt.zero_grad()
        x, y = p[:, 0], p[:, 1]
        ((1 - x) ** 2 + 100 * (y - x**2) ** 2).sum().backward()

    def full() -> None:
        backward()
        opt.step()

    backward()
    return per_step(opt.step, STEPS // 4), per_step(full, STEPS // 4)


def tensor_adam() -> float | None:
    try:
        from app.engine import Tensor
    except ImportError:
        return None
    p = Tensor(starts(), requires_grad=True)
    opt = make_optimizer("adam", [p], lr=LR)

    def full() -> None:
        opt.zero_grad()
        x, y = p[:, 0], p[:, 1]
        ((1 - x) ** 2 + 100 * (y - x**2) ** 2).sum().backward()
        opt.step()

    return per_step(full, STEPS // 4)


def every_optimizer() -> list[tuple[str, float]]:
    rows = []
    for name in OPTIMIZERS:
        p = Param(starts())
        p.grad = rosenbrock_grad(p.data, np.empty_like(p.data), np.empty(N_PARTICLES))
        hp = {"lr": 1e-6}
        if name in ("sgd", "rmsprop"):
            hp["momentum"] = 0.9
        opt = make_optimizer(name, [p], **hp)
        rows.append((f"{OPTIMIZERS[name].display_name} {hp}", per_step(opt.step)))
    return rows


def main() -> None:
    limit_blas()
    fused_step, fused_full = fused()
    rows = [("hand-fused NumPy Adam", fused_step, fused_full)]
    rows.append(("our Adam.step(), lr float", *ours(LR)))
    rows.append(("our Adam.step(), lr per particle", *ours(np.full((N_PARTICLES, 1), LR))))
    t = torch_adam()
    if t is not None:
        rows.append(("torch.optim.Adam + autograd", *t))
    te = tensor_adam()
    if te is not None:
        rows.append(("Tensor forward+backward + our Adam", float("nan"), te))

    print(f"Adam on Rosenbrock, {N_PARTICLES} particles, float64, 1 thread (us per step)\n")
    print(f"{'':36s} {'step':>8s} {'ratio':>6s} {'grad+step':>10s} {'ratio':>6s}")
    for label, step, full in rows:
        s = "" if np.isnan(step) else f"{step:8.1f} {step / fused_step:6.2f}"
        print(f"{label:36s} {s:>15s} {full:10.1f} {full / fused_full:6.2f}")
    print(f"\nOne step of each optimizer, {N_PARTICLES} particles (us per step)\n")
    for label, us in every_optimizer():
        print(f"{label:48s} {us:8.1f} {us / fused_step:6.2f}")


if __name__ == "__main__":
    main()
