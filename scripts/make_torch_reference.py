"""Record PyTorch trajectories that tests/engine/test_optim.py replays with our optimizers.

torch is not a project dependency. To regenerate (on this machine torch 2.13.0 installs from a
local CPU wheel; keep that version so the file only changes when the cases do):

    pip install torch==2.13.0
    python scripts/make_torch_reference.py          # writes tests/engine/reference/optim_trajectories.json

For every optimizer in CASES, every hyperparameter setting runs STEPS steps on each test
function from a fixed start, in float64 (torch's default dtype is set to float64 too, so the
optimizers' scalar state such as NAdam's mu_product is float64), with torch autograd computing
the gradients. The file keeps every point of every trajectory, and the learning rates that
torch.optim.lr_scheduler's StepLR, ExponentialLR and CosineAnnealingLR produce.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "engine" / "reference" / "optim_trajectories.json"
STEPS = 500

# The ill-conditioned quadratic: 0.5 * p^T A p with A's eigenvalues 100 and 1, axes rotated 45°.
QUAD_A = ((50.5, 49.5), (49.5, 50.5))


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def quadratic(x, y):
    (a, b), (_, c) = QUAD_A
    return 0.5 * (a * x * x + 2 * b * x * y + c * y * y)


def neg_quadratic(x, y):
    return -quadratic(x, y)


def beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


FUNCTIONS = {
    "rosenbrock": (rosenbrock, (-1.5, 2.0)),
    "quadratic": (quadratic, (1.5, -1.0)),
    "beale": (beale, (1.0, 1.0)),
    "neg_quadratic": (neg_quadratic, (1.5, -1.0)),  # for SGD(maximize=True)
}

# SGD needs a learning rate small enough for each function's curvature.
SGD_LR = {"rosenbrock": 2e-4, "quadratic": 1e-2, "beale": 1e-3, "neg_quadratic": 1e-2}
MAIN = ("rosenbrock", "quadratic", "beale")

CASES: dict[str, list[tuple[dict, tuple[str, ...]]]] = {
    "sgd": [
        ({}, MAIN),
        ({"momentum": 0.9}, MAIN),
        ({"momentum": 0.9, "nesterov": True}, MAIN),
        ({"momentum": 0.5, "dampening": 0.3, "weight_decay": 0.01}, MAIN),
        ({"maximize": True}, ("neg_quadratic",)),
    ],
    "adagrad": [
        ({}, ("quadratic",)),
        ({"lr": 0.1}, MAIN),
        ({"lr": 0.5, "lr_decay": 0.01}, MAIN),
        ({"lr": 0.1, "initial_accumulator_value": 0.5, "weight_decay": 0.01}, MAIN),
        ({"lr": 0.1, "eps": 1e-3}, ("rosenbrock",)),
    ],
    "rmsprop": [
        ({"lr": 1e-3}, MAIN),
        ({"lr": 1e-3, "centered": True}, MAIN),
        ({"lr": 1e-3, "momentum": 0.9, "centered": True}, MAIN),
        ({"lr": 1e-3, "alpha": 0.9, "momentum": 0.5, "weight_decay": 0.01, "eps": 1e-6}, MAIN),
    ],
    "adam": [
        ({"lr": 1e-2}, MAIN),
        ({"lr": 1e-2, "amsgrad": True}, MAIN),
        ({"lr": 1e-2, "betas": (0.8, 0.99), "weight_decay": 0.01}, MAIN),
        ({"lr": 5e-2, "eps": 1e-6}, ("quadratic",)),
    ],
    "adamw": [
        ({}, ("rosenbrock",)),
        ({"lr": 1e-2}, MAIN),
        ({"lr": 1e-2, "amsgrad": True, "weight_decay": 0.1, "betas": (0.5, 0.9)}, MAIN),
        ({"lr": 5e-2, "eps": 1e-6}, ("quadratic",)),
    ],
    "nadam": [
        ({}, ("rosenbrock",)),
        ({"lr": 1e-2}, MAIN),
        ({"lr": 1e-2, "momentum_decay": 0.01, "weight_decay": 0.01}, MAIN),
        ({"lr": 1e-2, "betas": (0.8, 0.99), "eps": 1e-6}, ("rosenbrock", "quadratic")),
    ],
    "adadelta": [
        # Adadelta's effective step grows until it oscillates at the edge of stability: on
        # Beale (lr 0.2 or 1) and on the quadratic at lr 2, last-bit differences then grow 3.5x
        # per step, so no implementation without torch's fused multiply-adds follows to 1e-9.
        ({}, ("rosenbrock", "quadratic")),
        ({"lr": 0.5, "rho": 0.95, "weight_decay": 0.01}, ("rosenbrock", "quadratic")),
        ({"lr": 0.2, "rho": 0.8}, ("rosenbrock", "quadratic")),
        ({"lr": 2.0, "eps": 1e-4}, ("rosenbrock",)),
    ],
}

TORCH_CLASSES = {
    "sgd": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "nadam": torch.optim.NAdam,
    "adadelta": torch.optim.Adadelta,
}

# kind -> (torch scheduler factory, our hyperparameters); "constant" is LambdaLR with factor 1.
_S = torch.optim.lr_scheduler
SCHEDULES = {
    "constant": (lambda opt: _S.LambdaLR(opt, lambda k: 1.0), {}),
    "step": (lambda opt: _S.StepLR(opt, step_size=30, gamma=0.5), {"step_size": 30, "gamma": 0.5}),
    "exponential": (lambda opt: _S.ExponentialLR(opt, gamma=0.99), {"gamma": 0.99}),
    "cosine": (
        lambda opt: _S.CosineAnnealingLR(opt, T_max=100, eta_min=1e-4),
        {"T_max": 100, "eta_min": 1e-4},
    ),
}
SCHEDULE_STEPS = 300
SCHEDULE_BASE_LR = 0.1


def trajectory(name: str, hp: dict, function: str) -> tuple[dict, list[list[float]]]:
    f, start = FUNCTIONS[function]
    hp = dict(hp)
    if name == "sgd" and "lr" not in hp:
        hp["lr"] = SGD_LR[function]
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = TORCH_CLASSES[name]([p], **hp)
    points = [p.detach().tolist()]
    for _ in range(STEPS):
        opt.zero_grad()
        f(p[0], p[1]).backward()
        opt.step()
        points.append(p.detach().tolist())
    if not torch.isfinite(torch.tensor(points)).all():
        raise RuntimeError(f"{name} {hp} on {function} left the finite numbers")
    return hp, points


def schedule_lrs(kind: str) -> dict:
    factory, kw = SCHEDULES[kind]
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=SCHEDULE_BASE_LR)
    sched = factory(opt)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(SCHEDULE_STEPS):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
    return {"hyperparameters": kw, "base_lr": SCHEDULE_BASE_LR, "lrs": lrs}


def main() -> int:
    torch.set_default_dtype(torch.float64)
    out = {
        "generator": "scripts/make_torch_reference.py",
        "torch_version": torch.__version__,
        "dtype": "float64",
        "steps": STEPS,
        "functions": {k: {"start": list(s)} for k, (_, s) in FUNCTIONS.items()},
        "quadratic_A": QUAD_A,
        "optimizers": {},
        "schedules": {k: schedule_lrs(k) for k in SCHEDULES},
    }
    for name, settings in CASES.items():
        runs = []
        for hp, functions in settings:
            for function in functions:
                used, points = trajectory(name, hp, function)
                runs.append({"function": function, "hyperparameters": used, "points": points})
        out["optimizers"][name] = runs
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    n = sum(len(r) for r in out["optimizers"].values())
    print(f"wrote {OUT.relative_to(ROOT)}: {n} trajectories, {OUT.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
