"""Faults on a real uvicorn server: vanished clients, clients that stop reading, churn.

Async clients run in a worker thread (Playwright's session fixtures own the main thread's
loop). The server runs in this process, so its RSS is ours and its loop is `server.loop`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
import threading
import time
from pathlib import Path

import pytest
import websockets

from app.config import Settings
from app.web import outbox, stream
from tests.conftest import LiveServer
from tests.web.helpers import in_thread, rosenbrock_race

RACE = rosenbrock_race(
    [
        {"name": "sgd", "lr": 1e-4},
        {"name": "sgd", "lr": 5e-4, "momentum": 0.9},
        {"name": "adam", "lr": 0.02},
        {"name": "adamw", "lr": 0.02},
        {"name": "rmsprop", "lr": 0.005},
        {"name": "adagrad", "lr": 0.3},
        {"name": "nadam", "lr": 0.02},
        {"name": "adadelta", "lr": 1.0},
    ]
)


@pytest.fixture(scope="module")
def server():
    with LiveServer(Settings(max_ws_sessions=64)) as s:
        yield s


def sessions(server: LiveServer) -> int:
    return getattr(server.server.config.app.state, "ws_sessions", 0)


def wait_sessions_zero(server: LiveServer, within: float) -> float:
    """Seconds until the server holds no session; fails after `within`."""
    t0 = time.monotonic()
    while sessions(server) and time.monotonic() - t0 < within:
        time.sleep(0.01)
    assert sessions(server) == 0, f"{sessions(server)} sessions still open after {within} s"
    return time.monotonic() - t0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def loop_tasks(server: LiveServer) -> int:
    async def count() -> int:
        me = asyncio.current_task()
        return len([t for t in asyncio.all_tasks() if t is not me and not t.done()])

    return asyncio.run_coroutine_threadsafe(count(), server.loop).result(5)


# ---- a client that vanishes ------------------------------------------------------------------


async def _vanish(url: str) -> None:
    ws = await websockets.connect(url + "/ws/runs")
    await ws.send(json.dumps({**RACE, "steps_per_second": 2000}))
    for _ in range(5):  # started, then frames: the run is streaming
        await ws.recv()
    # No close frame, no FIN handshake in order: the TCP socket just goes away.
    sock = ws.transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST
    ws.transport.abort()


def test_client_vanishing_mid_stream_ends_its_run_within_a_second(server):
    for _ in range(3):
        in_thread(_vanish, server.ws_url)
        assert wait_sessions_zero(server, within=1.0) < 1.0


# ---- a client that stops reading -------------------------------------------------------------


def raw_ws_connect(port: int, rcvbuf: int = 4096) -> socket.socket:
    """A WebSocket handshake on a plain socket with a tiny receive buffer, then no reads."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16))
    s.sendall(
        b"GET /ws/runs HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
        % (port, key)
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)  # byte by byte: read the 101 response and nothing after it
    assert head.startswith(b"HTTP/1.1 101"), head
    return s


def ws_text_frame(text: str) -> bytes:
    payload = text.encode()
    mask = os.urandom(4)
    n = len(payload)
    assert n < 65_536
    # FIN + text opcode; the mask bit with a 7-bit length, or 126 and a 16-bit length.
    short = n < 126
    header = struct.pack("!BB", 0x81, 0x80 | n) if short else struct.pack("!BBH", 0x81, 0xFE, n)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return header + mask + masked


def test_client_that_stops_reading_is_dropped_with_bounded_memory(server, monkeypatch):
    # The mechanism, not the 5 s default, is under test: a shorter deadline keeps it quick.
    monkeypatch.setattr(stream, "SEND_TIMEOUT", 1.5)
    in_thread(_vanish, server.ws_url)  # warm the engine and worker threads
    wait_sessions_zero(server, within=1.0)
    before = rss_mb()
    socks = []
    try:
        for _ in range(4):
            s = raw_ws_connect(server.port)
            s.sendall(ws_text_frame(json.dumps({**RACE, "steps_per_second": 1e6})))
            socks.append(s)
        deadline = time.monotonic() + 0.5
        while sessions(server) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sessions(server) == 4
        peak = before
        t0 = time.monotonic()
        # The producer keeps stepping at full speed while nobody reads: the outbox must thin.
        while sessions(server) and time.monotonic() - t0 < 15:
            peak = max(peak, rss_mb())
            time.sleep(0.05)
        ended_after = time.monotonic() - t0
        print(f"stalled clients dropped after {ended_after:.2f} s, RSS +{peak - before:.1f} MB")
        assert sessions(server) == 0, "a session outlived its stalled client"
        # Kernel buffers fill first, then the send deadline runs out.
        assert ended_after < 1.5 + 5
        assert peak - before < 50, f"RSS grew {peak - before:.0f} MB"
    finally:
        for s in socks:
            s.close()


# ---- churn ------------------------------------------------------------------------------------


async def _cycle(url: str, k: int) -> None:
    ws = await websockets.connect(url + "/ws/runs")
    mode = k % 4
    if mode:
        await ws.send(json.dumps({**RACE, "steps": 2000, "steps_per_second": 2000}))
        await ws.recv()
    if mode == 2:
        await ws.recv()
        await ws.send('{"type": "pause"}')
    if mode == 3:
        ws.transport.abort()
        return
    await ws.close()


async def _churn(url: str, cycles: int, parallel: int) -> None:
    for base in range(0, cycles, parallel):
        await asyncio.gather(*(_cycle(url, base + j) for j in range(parallel)))


def test_connect_disconnect_cycles_leave_no_task_or_thread(server):
    in_thread(_churn, server.ws_url, 20, 10)  # warm the pooled worker threads
    wait_sessions_zero(server, within=1.0)
    threads_before = threading.active_count()
    in_thread(_churn, server.ws_url, 200, 10)
    wait_sessions_zero(server, within=1.0)
    # Give cancelled tasks one loop turn to finish, then count: only uvicorn's own remain.
    deadline = time.monotonic() + 1.0
    while loop_tasks(server) > 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert loop_tasks(server) <= 2
    assert threading.active_count() <= threads_before + 2


# ---- the outbox rule, in isolation --------------------------------------------------------------


def _frames(steps, events=()):
    return [outbox.Frame(k, b'{"step":%d}' % k, k in events) for k in steps]


def test_outbox_coalesces_then_thins_keeping_events_and_the_newest():
    async def scenario():
        box = outbox.Outbox(max_frames=100)
        box.put_frames(_frames(range(50)))
        (msg,) = box.take()  # a lagging client: fifty steps, one message, nothing lost
        assert [f["step"] for f in json.loads(msg)["frames"]] == list(range(50))
        assert "skipped" not in json.loads(msg)

        events = {7, 333, 998}
        box.put_frames(_frames(range(1000), events))
        box.put_message({"type": "done"})
        box.put_frames(_frames(range(1000, 1003)))
        assert box.frames <= 100
        first, done, last = box.take()
        kept = [f["step"] for f in json.loads(first)["frames"]]
        assert events <= set(kept) and kept[-1] == 999  # every event and the newest before done
        assert kept == sorted(kept) and len(kept) + json.loads(first)["skipped"] == 1000
        assert json.loads(done) == {"type": "done"}
        assert [f["step"] for f in json.loads(last)["frames"]] == [1000, 1001, 1002]
        assert "skipped" not in json.loads(last)

    in_thread(scenario)


def test_outbox_byte_bound():
    async def scenario():
        box = outbox.Outbox(max_frames=10_000, max_bytes=10_000)
        big = [outbox.Frame(k, b'{"pad":"' + b"x" * 990 + b'"}', False) for k in range(100)]
        box.put_frames(big)
        assert box.bytes <= 10_000 and box.items[-1].step == 99

    in_thread(scenario)


# ---- a run that would go on too long ------------------------------------------------------------


@pytest.mark.parametrize("paused", [False, True])
def test_run_time_limit_ends_the_run_with_a_reason(paused):
    from fastapi.testclient import TestClient

    from app.main import create_app

    client = TestClient(create_app(Settings(max_run_seconds=0.3)))
    with client.websocket_connect("/ws/runs") as ws:
        t0 = time.monotonic()
        ws.send_text(json.dumps({**RACE, "steps_per_second": 30, "paused": paused}))
        while (msg := json.loads(ws.receive_text()))["type"] != "done":
            pass
        assert 0.3 <= time.monotonic() - t0 < 1.0
        assert msg["reason"] == "time_limit" and msg["stopped"] is True
        assert "0.3 s" in msg["message"]
        # The socket stays usable: a new run starts.
        ws.send_text(json.dumps({**RACE, "steps": 2, "steps_per_second": 1000}))
        while (msg := json.loads(ws.receive_text()))["type"] != "done":
            pass
        assert msg["reason"] == "finished"
