"""Test helpers for the web layer: strict JSON parsing and closed-form reference functions."""

from __future__ import annotations

import json
from typing import Any

import numpy as np


def strict_json(raw: bytes | str) -> Any:
    """Parse JSON refusing NaN/Infinity tokens, which browsers reject."""

    def refuse(token: str) -> None:
        raise AssertionError(f"non-JSON token {token} on the wire")

    return json.loads(raw, parse_constant=refuse)


def rosenbrock(p: np.ndarray) -> float:
    x, y = p
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])
