"""Shared benchmark helpers: a one-thread BLAS limit and best-of-N wall-clock timers."""

from __future__ import annotations

import time
from collections.abc import Callable


def limit_blas() -> None:
    """Hold BLAS and OpenMP to one thread, when threadpoolctl is installed.

    Ratios then compare single-threaded work on both sides, whatever the machine's core count.
    """
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass


def seconds_per_call(fn: Callable[[], object], repeats: int, calls: int = 1) -> list[float]:
    """Seconds per call of `fn`, one entry per timed batch of `calls` calls, `repeats` batches."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - t0) / calls)
    return times


def best(fn: Callable[[], object], repeats: int = 5, calls: int = 1) -> float:
    """Seconds per call in the fastest of `repeats` batches: the least disturbed by other load."""
    return min(seconds_per_call(fn, repeats, calls))
