"""Shared fixtures: seeded RNG, a live uvicorn server, and Debian's Chromium for Playwright."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261127)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A real uvicorn server in a thread, for WebSocket and browser tests."""

    def __init__(self, settings=None, port: int | None = None) -> None:
        import uvicorn

        from app.main import create_app

        # A given port brings a stopped server back where its pages still point.
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            ws="websockets-sansio",
        )
        self.server = uvicorn.Server(config)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.server.serve())

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def kill(self) -> None:
        """Stop within half a second, open WebSockets and all, as a restarted server would.
        (force_exit would skip the app's shutdown and leave its tasks to a closed loop.)"""
        self.server.config.timeout_graceful_shutdown = 0.5
        self.__exit__()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    with LiveServer() as server:
        yield server


def chromium_path() -> str:
    path = os.environ.get("LERENG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        # A missing browser is a broken setup, never a reason to skip browser tests.
        raise RuntimeError(f"Chromium not found at {path}: apt-get install -y chromium")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_ARGS}
