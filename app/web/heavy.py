"""The thread pool whole-run answers (POST /api/runs, /api/sweep) compute in, apart from quick ones."""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

# As many workers as cores: each whole run is CPU-bound NumPy, so more threads only slow them
# all. Apart from asyncio's default pool, so a queue of heavy sweeps does not hold up a
# surface's landscape or a CSV upload (six sweeps at once made a landscape wait 18 s).
_POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="heavy")


async def in_heavy_pool(fn: Callable[..., Any], *args: Any) -> Any:
    """fn(*args) on the heavy pool, awaited."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_POOL, functools.partial(fn, *args))
