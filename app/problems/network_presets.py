"""Default settings per dataset of the network lab, and the test accuracy each one reaches.

The page starts from these; tests/problems/test_networks.py trains every classification preset
with its seed and checks it reaches `target` within its step budget.
"""

from __future__ import annotations

from typing import Any

BASE: dict[str, Any] = {
    "n": 500,
    "noise": 0.1,
    "test_fraction": 0.3,
    "seed": 1,
    "features": ["x1", "x2"],
    "hidden": [8, 8],
    "activation": "tanh",
    "loss": None,
    "l1": 0.0,
    "l2": 0.0,
    "heatmap_every": 10,
}

# dataset -> (overrides of BASE, optimizer, steps, target test accuracy or None)
PRESETS: dict[str, tuple[dict[str, Any], dict[str, Any], int, float | None]] = {
    "circle": ({}, {"name": "adam", "lr": 0.03}, 1000, 0.95),
    "xor": ({}, {"name": "adam", "lr": 0.03}, 1000, 0.95),
    "gaussians": ({}, {"name": "adam", "lr": 0.03}, 500, 0.95),
    "spiral": ({"hidden": [12, 12]}, {"name": "adam", "lr": 0.03}, 1000, 0.9),
    "moons": ({}, {"name": "adam", "lr": 0.03}, 1000, 0.95),
    "blobs3": ({}, {"name": "adam", "lr": 0.03}, 500, 0.95),
    # Three arms overfit without a little weight decay (test accuracy 0.87 -> 0.92).
    "spiral3": ({"hidden": [16, 16, 16], "l2": 0.0005}, {"name": "adam", "lr": 0.03}, 1000, 0.85),
    "plane": ({"hidden": [4]}, {"name": "adam", "lr": 0.03}, 500, None),
    "sine": ({"hidden": [8, 8]}, {"name": "adam", "lr": 0.03}, 1000, None),
    "csv": ({}, {"name": "adam", "lr": 0.03}, 1000, None),
}


def preset(dataset: str) -> dict[str, Any]:
    """The run request body (network, optimizers, steps) the page starts from for a dataset."""
    overrides, optimizer, steps, _ = PRESETS[dataset]
    network = {**BASE, **overrides, "dataset": dataset}
    return {"network": network, "optimizers": [dict(optimizer)], "steps": steps}


def target(dataset: str) -> dict[str, Any] | None:
    _, _, steps, acc = PRESETS[dataset]
    return None if acc is None else {"test_acc": acc, "steps": steps}
