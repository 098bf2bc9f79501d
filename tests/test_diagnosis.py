"""Diagnosis rules (static/js/components/diagnosis-rules.js) on trajectories with known answers.

Regression runs come from the live server over a linear fit, whose MSE Hessian over (w, b) is
constant: batch descent oscillates for 1/L < lr < 2/L, while stochastic and mini-batch racers
zig-zag at any rate and are labelled noisy, not "learning rate too high".

The trajectories come from the real engine (app.runs.Run) on surfaces whose behaviour is known
in closed form: on f = x² + y² (L = 2) gradient descent flips sign every step for
1/L < lr < 2/L and diverges for lr > 2/L; x² − y² has a saddle at the origin; Rosenbrock's
valley and the catalog plateau are flat and far from the minimum. The rules are pure ES
module code, run inside headless Chromium.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.problems.surfaces import SURFACES, SurfaceProblem
from app.racers import make_racers
from app.runs import Run

pytestmark = pytest.mark.browser

RULES = "/static/js/components/diagnosis-rules.js"

# Labels at every step for one racer: the JS Diagnoser fed entry by entry.
LABELS = """async ([url, ctx, entries]) => {
  const m = await import(url);
  const d = new m.Diagnoser(ctx);
  return entries.map((e) => { d.push(e); const l = d.label(); return l ? l.key : null; });
}"""


def trajectory(surface_id, start, steps, **opt):
    s = SURFACES[surface_id]
    run = Run(SurfaceProblem(s.fn), make_racers([opt]), start, steps)
    out = []
    for rec in run.records():
        if not rec.active[0]:
            break
        out.append(
            {
                "point": rec.points[0].tolist(),
                "loss": float(rec.losses[0]),
                "grad": rec.grads[0].tolist(),
                "update": rec.updates[0].tolist(),
                "status": rec.status[0],
            }
        )
    return [_finite(e) for e in out]


def _finite(e):
    # What the wire does: non-finite numbers become null.
    def fix(v):
        if isinstance(v, list):
            return [fix(x) for x in v]
        return v if isinstance(v, str) or math.isfinite(v) else None

    return {k: fix(v) for k, v in e.items()}


def context(surface_id, n=200):
    """The landscape numbers the page passes: value range over the domain and its diagonal."""
    s = SURFACES[surface_id]
    (x0, x1), (y0, y1) = s.domain
    xs, ys = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    pts = np.stack([xs.ravel(), ys.ravel()], axis=1)
    z, _ = SurfaceProblem(s.fn).value_and_grad(pts)
    rng = float(z.max() - z.min())
    diag = math.hypot(x1 - x0, y1 - y0)
    return {
        "range": rng,
        "slope": rng / diag,
        "curvature": rng / diag**2,
        "minValue": s.min_value,
        "minimaKnown": bool(s.minima),
    }


@pytest.fixture
def labels(page, live_server):
    page.goto(f"{live_server.url}/healthz")

    def run(surface_id, entries, **extra):
        ctx = {**context(surface_id), **extra}
        return page.evaluate(LABELS, [f"{live_server.url}{RULES}", ctx, entries])

    return run


def test_quadratic_above_two_over_L_diverges(labels):
    # x_{k+1} = (1 - 2 lr) x: lr = 1.05 gives a factor -1.1, the loss grows 1.21x per step.
    entries = trajectory("quadratic", [-2.5, 2.0], 60, name="sgd", lr=1.05)
    got = labels("quadratic", entries)
    assert got[-1] == "diverging"
    assert got[:3] == [None, None, None]  # too early to say anything


def test_quadratic_between_one_and_two_over_L_oscillates_then_converges(labels):
    # Factor 1 - 2 lr = -0.9: every step flips direction while the loss shrinks.
    entries = trajectory("quadratic", [-2.5, 2.0], 400, name="sgd", lr=0.95)
    got = labels("quadratic", entries)
    assert got[10:30] == ["oscillating"] * 20
    assert got[-1] == "converged"


def test_small_learning_rate_on_the_bowl_is_never_flagged_too_high(labels):
    entries = trajectory("quadratic", [-2.5, 2.0], 300, name="sgd", lr=0.05)
    got = labels("quadratic", entries)
    assert "oscillating" not in got and "diverging" not in got
    assert got[-1] == "converged"


def test_saddle_at_the_origin(labels):
    # Starting just off the x axis, descent slides towards (0, 0), slows, then escapes along y.
    entries = trajectory("saddle", [-1.8, 1e-4], 200, name="sgd", lr=0.05)
    got = labels("saddle", entries)
    dist = [math.hypot(*e["point"]) for e in entries]
    saddle = [k for k, g in enumerate(got) if g == "saddle"]
    # Called once the path turns off the x axis (|y| > |x|: the step now curves down), while
    # it is still next to the origin, and never far from it.
    turn = next(k for k, e in enumerate(entries) if abs(e["point"][1]) > abs(e["point"][0]))
    assert dist[turn] < 0.05
    assert turn <= saddle[0] <= turn + 4
    assert max(dist[k] for k in saddle) < 0.5
    # Nowhere is the saddle called a minimum or a plateau.
    assert "converged" not in got and "plateau" not in got


def test_a_saddle_reached_exactly_is_a_stationary_point_not_a_minimum(labels):
    # On the x axis the y-gradient is exactly 0, so descent walks into the saddle (0, 0) and
    # stops there: x_k = (1 - 2 lr)^k x_0. The surface has no minimum to claim.
    entries = trajectory("saddle", [-1.8, 0.0], 2000, name="sgd", lr=0.05)
    assert entries[-1]["status"] == "converged"
    assert abs(entries[-1]["point"][0]) < 1e-8 and entries[-1]["point"][1] == 0
    got = labels("saddle", entries)
    assert got[-1] == "stationary"
    assert "converged" not in got
    # The bowl's minimum is a minimum, and is called one.
    assert (
        labels("quadratic", trajectory("quadratic", [-2.5, 2.0], 300, name="sgd", lr=0.05))[-1]
        == "converged"
    )


def test_momentum_swinging_past_the_bottom_is_blamed_on_momentum_not_the_rate(labels):
    # Heavy ball on x² + y² (L = 2) with lr 0.01, momentum 0.9: lr·L = 0.02 is far below the
    # 1 at which plain descent starts to flip, but above (1 - sqrt(0.9))² = 0.0026, so the
    # iteration is underdamped and swings past the minimum and back.
    assert (1 - math.sqrt(0.9)) ** 2 < 0.01 * 2
    entries = trajectory("quadratic", [-2.5, 2.0], 300, name="sgd", lr=0.01, momentum=0.9)
    xs = [e["point"][0] for e in entries]
    crossings = sum(1 for a, b in zip(xs, xs[1:], strict=False) if a * b < 0)
    assert crossings >= 3  # it really does swing across x = 0
    got = labels("quadratic", entries, momentum=True)
    assert "momentum" in got and "oscillating" not in got
    # The same path without the momentum flag would have been called "Learning Rate too high".
    assert "oscillating" in labels("quadratic", entries)
    # Plain descent at the same rate neither swings nor gets blamed.
    plain = labels("quadratic", trajectory("quadratic", [-2.5, 2.0], 300, name="sgd", lr=0.01))
    assert "oscillating" not in plain and "momentum" not in plain


@pytest.mark.parametrize(
    ("lr", "short"), [(0.001, True), (0.02, True), (0.03, False), (0.3, False)]
)
def test_too_small_a_learning_rate_on_the_bowl(labels, lr, short):
    # On x² + y² the gradient is 2x and the curvature along it 2, so the 1-D Newton step is
    # |g| / 2 and plain descent's step lr·|g| is the fraction 2·lr of it: under 5% below
    # lr = 0.025, while 0.5 reaches the bottom in one step.
    entries = trajectory("quadratic", [-2.5, 2.0], 120, name="sgd", lr=lr)
    got = labels("quadratic", entries)
    if short:
        assert got[:24] == [None] * 24  # a whole window of 24 steps first
        assert got[24:] == ["too_small"] * (len(got) - 24)
    else:
        assert "too_small" not in got


def test_adam_with_a_tiny_rate_is_too_small(labels):
    # Adam's step is about lr whatever the gradient: 0.001 against a Newton step of about 1.6.
    got = labels("quadratic", trajectory("quadratic", [-2.5, 2.0], 100, name="adam", lr=0.001))
    assert got[-50:] == ["too_small"] * 50
    fine = labels("quadratic", trajectory("quadratic", [-2.5, 2.0], 100, name="adam", lr=0.1))
    assert "too_small" not in fine


def test_short_steps_along_a_valley_floor_are_not_blamed_on_the_rate(labels):
    # 0.1 x² + 2 y²: curvatures 0.2 and 4. At lr = 0.2 the steep direction shrinks by
    # 1 - 0.8 per step and is soon gone; then each step along x is only 0.2·0.2 = 4% of its
    # Newton step. But 0.5 is the most any rate can be (2/4) before y diverges: the rate is
    # already 40% of its ceiling, the valley's shape is what is slow.
    entries = trajectory("elongated", [-4.5, 2.0], 200, name="sgd", lr=0.2)
    ys = [abs(e["point"][1]) for e in entries]
    assert ys[40] < 1e-6  # the steep direction is settled: steps run along the floor
    assert "too_small" not in labels("elongated", entries)
    # Ten times smaller, the rate is too small along both directions.
    slow = labels("elongated", trajectory("elongated", [-4.5, 2.0], 200, name="sgd", lr=0.002))
    assert slow[-100:] == ["too_small"] * 100


def test_saddle_escape_off_the_plot_is_unbounded_not_lr(labels):
    entries = trajectory("saddle", [-1.8, 0.02], 2000, name="sgd", lr=0.2)
    entries[-1]["status"] = "diverged"
    assert labels("saddle", entries)[-1] == "unbounded"


def test_rosenbrock_valley_is_a_plateau(labels):
    # Adam with a small rate reaches the curved valley, then creeps along it.
    entries = trajectory("rosenbrock", [-1.2, 1.0], 600, name="adam", lr=0.002)
    got = labels("rosenbrock", entries)
    assert got[-1] == "plateau"
    assert got[150:].count("plateau") == len(got) - 150
    assert entries[-1]["loss"] > 0.5  # indeed still far from f = 0 at (1, 1)
    # Just above the parabola the Hessian is faintly indefinite (eigenvalue about -0.1 next to
    # 1100): no saddle there.
    assert "saddle" not in got


def test_catalog_plateau_is_a_plateau(labels):
    entries = trajectory("plateau", [-3.0, 2.5], 200, name="sgd", lr=0.1)
    got = labels("plateau", entries)
    assert got[-1] == "plateau"
    assert got[:3] == [None, None, None]


# ---- regression lab: the same rules over (w, b), with batched racers -----------------------

LINEAR = {"generator": "linear", "n": 40, "seed": 1}
LINEAR_START = [-1.0, 3.0]
# A linear fit's landscape box as the page frames it (start and solution with room).
LINEAR_BOX = [[-3.0, 4.0], [-2.0, 5.0]]


@pytest.fixture
def data_labels(page, live_server):
    """Labels per racer for a linear-regression race run by the live server (POST /api/runs),
    with the context the page derives from the landscape it draws."""
    url = live_server.url
    page.goto(f"{url}/healthz")
    data = page.request.post(f"{url}/api/datasets", data={"data": LINEAR}).json()
    x, y = np.asarray(data["x"]), np.asarray(data["y"])
    # MSE's Hessian over (w, b) is (2/n) [[sum x^2, sum x], [sum x, n]]: constant, so 1/L and
    # 2/L bound the learning rates at which batch descent oscillates and diverges.
    n = len(x)
    hessian = (2 / n) * np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), n]])
    top = float(np.linalg.eigvalsh(hessian)[-1])
    (w0, w1), (b0, b1) = LINEAR_BOX
    ws, bs = np.meshgrid(np.linspace(w0, w1, 101), np.linspace(b0, b1, 101))
    z = ((ws[..., None] * x + bs[..., None] - y) ** 2).mean(axis=-1)
    solution = np.linalg.lstsq(np.stack([x, np.ones(n)], axis=1), y, rcond=None)[0]
    diag = math.hypot(w1 - w0, b1 - b0)
    rng = float(z.max() - z.min())
    ctx = {
        "range": rng,
        "slope": rng / diag,
        "curvature": rng / diag**2,
        "minValue": float(np.mean((solution[0] * x + solution[1] - y) ** 2)),
        "convex": True,  # least squares, as regressionContext says for a linear model
    }

    def run(optimizers, steps):
        body = {
            "data": LINEAR,
            "model": "linear",
            "start": LINEAR_START,
            "steps": steps,
            "optimizers": optimizers,
        }
        runs = page.request.post(f"{url}/api/runs", data=body).json()["runs"]
        out = []
        for r in runs:
            entries = [
                {
                    "point": r["points"][k],
                    "loss": r["losses"][k],
                    "grad": r["grads"][k],
                    "update": r["updates"][k],
                    "status": "running",
                    "batch": r["batch"][k],
                }
                for k in range(len(r["points"]))
            ]
            entries[-1]["status"] = r["status"]
            out.append(page.evaluate(LABELS, [f"{url}{RULES}", ctx, entries]))
        return out

    run.top = top
    return run


def test_stochastic_and_mini_batch_zig_zag_is_noise_not_a_high_learning_rate(data_labels):
    batch, stochastic, mini = data_labels(
        [
            {"name": "sgd", "lr": 0.02, "variant": "batch"},
            {"name": "sgd", "lr": 0.02, "variant": "stochastic"},
            {"name": "sgd", "lr": 0.05, "variant": "minibatch", "batch_size": 8},
        ],
        150,
    )
    assert 1 / data_labels.top > 0.02  # a gentle rate: batch descent cannot oscillate at it
    for got in (stochastic, mini):
        assert got.count("noisy") > 50, got
        assert "oscillating" not in got and "diverging" not in got
    assert "noisy" not in batch and "oscillating" not in batch


def test_a_tiny_rate_is_too_small_for_batch_descent_only(data_labels):
    # Along any direction the curvature is at most the Hessian's top eigenvalue L, so at
    # lr = 0.02 / L every batch step is under 5% of its Newton step. Stochastic and mini-batch
    # steps follow their own batch's gradient, not this landscape's: no verdict on them.
    lr = 0.02 / data_labels.top
    batch, stochastic, mini = data_labels(
        [
            {"name": "sgd", "lr": lr, "variant": "batch"},
            {"name": "sgd", "lr": lr, "variant": "stochastic"},
            {"name": "sgd", "lr": lr, "variant": "minibatch", "batch_size": 8},
        ],
        80,
    )
    assert batch[-50:] == ["too_small"] * 50
    assert "too_small" not in stochastic and "too_small" not in mini


def test_batch_descent_between_one_and_two_over_L_oscillates(data_labels):
    lr = 1.8 / data_labels.top
    (got,) = data_labels([{"name": "sgd", "lr": lr, "variant": "batch"}], 60)
    # The flip factor along the steep direction is 1 - 1.8 = -0.8: it flips every step and
    # shrinks, so the label says so until the fit settles.
    assert got[4:18] == ["oscillating"] * 14, got
    assert got[-1] == "converged"
    assert "noisy" not in got


def test_a_stochastic_racer_that_blows_up_is_diverging_not_noisy(data_labels):
    lr = 3.0 / data_labels.top
    (got,) = data_labels([{"name": "sgd", "lr": lr, "variant": "stochastic"}], 200)
    assert got[-1] == "diverging"
