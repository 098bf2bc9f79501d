"""Web-layer test helpers: strict JSON, REST posts, live-server clients, reference functions."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np


def strict_json(raw: bytes | str) -> Any:
    """Parse JSON refusing NaN/Infinity tokens, which browsers reject."""

    def refuse(token: str) -> None:
        raise AssertionError(f"non-JSON token {token} on the wire")

    return json.loads(raw, parse_constant=refuse)


def post(client, url: str, status: int = 200, **kw) -> Any:
    """POST through a TestClient, assert the status and return the strictly parsed body."""
    r = client.post(url, **kw)
    assert r.status_code == status, r.text
    return strict_json(r.content)


def in_thread(coro_fn, *args, timeout: float = 120):
    """Run `coro_fn(*args)` on a fresh event loop in a worker thread and return its result."""
    # Playwright's session fixtures own the main thread's event loop; use a fresh one here.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro_fn(*args))).result(timeout=timeout)


def rosenbrock_race(optimizers: list[dict]) -> dict:
    """A WebSocket start message for a 10,000-step race of `optimizers` on Rosenbrock."""
    return {
        "type": "start",
        "surface": {"function": "rosenbrock"},
        "start": [-1.5, 2.0],
        "steps": 10_000,
        "optimizers": optimizers,
    }


def rosenbrock(p: np.ndarray) -> float:
    x, y = p
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])
