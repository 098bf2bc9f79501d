"""The race of bench_runs hand-inlined in NumPy: a floor for what any generic engine can reach.

No graph, no optimizer classes, no records: Rosenbrock's gradient in closed form and the eight
update rules written out on in-place (1, 2) rows, constants as 0-d arrays (NumPy's cheapest
scalar operand). It follows torch.optim's formulas, and bench_runs checks its final points
against the engine's, so the floor does the same arithmetic as the race it bounds.
"""

from __future__ import annotations

import numpy as np


def _c(v: float) -> np.ndarray:
    return np.array(v)


def race_floor(start: tuple[float, float], steps: int) -> np.ndarray:
    """Final points (8, 2) of the bench_runs race: sgd, momentum, nesterov, adagrad, rmsprop,
    adam, nadam, adadelta, with the hyperparameters bench_runs.RACE gives them."""
    x = np.tile(np.array(start, dtype=np.float64), (8, 1))
    rows = [x[i : i + 1] for i in range(8)]
    g = np.empty_like(x)
    tmp = [np.empty((1, 2)) for _ in range(8)]
    zeros = [np.zeros((1, 2)) for _ in range(10)]
    mom1, mom2, s_ada, sq_rms, m_adam, v_adam, m_nadam, v_nadam, sq_dd, acc_dd = zeros
    den_ada, den_rms, den_adam, den_nadam, std_dd, ratio_dd = (np.empty((1, 2)) for _ in range(6))
    c_two, c_200 = _c(2.0), _c(200.0)
    c_m, c_lr_sgd, c_lr_rms, c_lr_ada = _c(0.9), _c(-1e-3), _c(-0.01), _c(-0.5)
    # 1 - beta as torch forms it (1 - 0.999 is not 1e-3 in binary).
    c_01, c_999, c_001 = _c(1 - 0.9), _c(0.999), _c(1 - 0.999)
    c_99, c_001r = _c(0.99), _c(1 - 0.99)
    c_e8, c_e10, c_e6, c_lr_dd = _c(1e-8), _c(1e-10), _c(1e-6), _c(-1.0)
    mu_product = 1.0
    xs, ys, gx, gy = x[:, 0], x[:, 1], g[:, 0], g[:, 1]

    def gradient() -> None:
        a = 1 - xs
        b = ys - xs * xs
        np.multiply(c_200, b, out=gy)  # df/dy = 200 b
        np.multiply(gy, xs, out=gx)  # df/dx = -(2 x (200 b) + 2 a)
        np.multiply(gx, c_two, out=gx)
        np.add(gx, c_two * a, out=gx)
        np.negative(gx, out=gx)

    gradient()
    for k in range(1, steps + 1):
        t = tmp
        np.multiply(g[0:1], c_lr_sgd, out=t[0])
        rows[0] += t[0]
        for j, buf in ((1, mom1), (2, mom2)):
            if k == 1:
                buf[...] = g[j : j + 1]
            else:
                buf *= c_m
                buf += g[j : j + 1]
        np.multiply(mom1, c_lr_sgd, out=t[1])
        rows[1] += t[1]
        np.multiply(mom2, c_m, out=t[2])
        t[2] += g[2:3]
        t[2] *= c_lr_sgd
        rows[2] += t[2]
        gg = g[3:4]
        np.multiply(gg, gg, out=t[3])
        s_ada += t[3]
        np.sqrt(s_ada, out=den_ada)
        den_ada += c_e10
        np.multiply(gg, c_lr_ada, out=t[3])
        t[3] /= den_ada
        rows[3] += t[3]
        gg = g[4:5]
        sq_rms *= c_99
        np.multiply(gg, c_001r, out=t[4])
        t[4] *= gg
        sq_rms += t[4]
        np.sqrt(sq_rms, out=den_rms)
        den_rms += c_e8
        np.multiply(gg, c_lr_rms, out=t[4])
        t[4] /= den_rms
        rows[4] += t[4]
        gg = g[5:6]
        np.subtract(gg, m_adam, out=t[5])
        t[5] *= c_01
        m_adam += t[5]
        v_adam *= c_999
        np.multiply(gg, c_001, out=t[5])
        t[5] *= gg
        v_adam += t[5]
        np.sqrt(v_adam, out=den_adam)
        den_adam /= (1 - 0.999**k) ** 0.5
        den_adam += c_e8
        np.multiply(m_adam, -(0.05 / (1 - 0.9**k)), out=t[5])
        t[5] /= den_adam
        rows[5] += t[5]
        gg = g[6:7]
        mu = 0.9 * (1.0 - 0.5 * 0.96 ** (k * 4e-3))
        mu_next = 0.9 * (1.0 - 0.5 * 0.96 ** ((k + 1) * 4e-3))
        mu_product *= mu
        np.subtract(gg, m_nadam, out=t[6])
        t[6] *= c_01
        m_nadam += t[6]
        v_nadam *= c_999
        np.multiply(gg, c_001, out=t[6])
        t[6] *= gg
        v_nadam += t[6]
        np.divide(v_nadam, 1 - 0.999**k, out=den_nadam)
        np.sqrt(den_nadam, out=den_nadam)
        den_nadam += c_e8
        np.multiply(gg, -0.05 * (1.0 - mu) / (1.0 - mu_product), out=t[6])
        t[6] /= den_nadam
        rows[6] += t[6]
        np.multiply(m_nadam, (-0.05 * mu_next) / (1.0 - mu_product * mu_next), out=t[6])
        t[6] /= den_nadam
        rows[6] += t[6]
        gg = g[7:8]
        sq_dd *= c_m
        np.multiply(gg, c_01, out=t[7])
        t[7] *= gg
        sq_dd += t[7]
        np.add(sq_dd, c_e6, out=std_dd)
        np.sqrt(std_dd, out=std_dd)
        np.add(acc_dd, c_e6, out=ratio_dd)
        np.sqrt(ratio_dd, out=ratio_dd)
        ratio_dd /= std_dd
        np.multiply(ratio_dd, gg, out=std_dd)  # the step d
        acc_dd *= c_m
        np.multiply(std_dd, c_01, out=t[7])
        t[7] *= std_dd
        acc_dd += t[7]
        np.multiply(std_dd, c_lr_dd, out=t[7])
        rows[7] += t[7]
        gradient()
    return x
