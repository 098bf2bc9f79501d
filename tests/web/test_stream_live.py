"""WebSocket /ws/runs against a real uvicorn server, with the `websockets` client."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest
import websockets

from tests.conftest import LiveServer
from tests.web.helpers import in_thread, strict_json

BODY = {
    "surface": {"function": "himmelblau"},
    "start": [0.0, 0.0],
    "optimizers": [{"name": "adam", "lr": 0.05}, {"name": "rmsprop", "lr": 0.01}],
}


@pytest.fixture(scope="module")
def server():
    with LiveServer() as s:
        yield s


async def _full_flow(url: str) -> dict:
    async with websockets.connect(url + "/ws/runs") as ws:
        await ws.send('{"type": "bogus"}')
        err = strict_json(await ws.recv())
        await ws.send(
            '{"type": "start", "steps": 5000, "paused": true, "surface": {"function": "himmelblau"},'
            ' "start": [0, 0], "optimizers": [{"name": "adam", "lr": 0.05}]}'
        )
        started = strict_json(await ws.recv())
        step0 = strict_json(await ws.recv())
        await ws.send('{"type": "step"}')
        step1 = strict_json(await ws.recv())
        await ws.send('{"type": "speed", "steps_per_second": 300}')
        await ws.send('{"type": "resume"}')
        t0 = time.monotonic()
        steps = []
        while time.monotonic() - t0 < 0.5:
            msg = strict_json(await ws.recv())
            steps += [f["step"] for f in msg["frames"]]
        await ws.send('{"type": "pause"}')
        await ws.send('{"type": "stop"}')
        while (msg := strict_json(await ws.recv()))["type"] != "done":
            steps += [f["step"] for f in msg["frames"]]
        return {
            "err": err,
            "started": started,
            "step0": step0,
            "step1": step1,
            "steps": steps,
            "done": msg,
        }


def test_live_full_flow(server):
    out = in_thread(_full_flow, server.ws_url, timeout=60)
    assert out["err"]["type"] == "error"
    assert out["started"]["type"] == "started"
    assert [f["step"] for f in out["step0"]["frames"]] == [0]
    assert [f["step"] for f in out["step1"]["frames"]] == [1]
    steps = out["steps"]
    assert steps == list(range(2, 2 + len(steps)))
    # Paced at 300 steps/s, half a second gives on the order of 150 steps, never thousands.
    assert 30 <= len(steps) <= 400
    assert out["done"]["stopped"] is True


async def _disconnect_mid_run(url: str) -> None:
    ws = await websockets.connect(url + "/ws/runs")
    body = dict(BODY, steps=10_000, steps_per_second=200)
    await ws.send(json.dumps({"type": "start", **body}))
    await ws.recv()
    await ws.recv()
    await ws.close()


def _ws_sessions(server: LiveServer) -> int:
    return getattr(server.server.config.app.state, "ws_sessions", 0)


def test_disconnect_mid_run_leaves_nothing_behind(server):
    for _ in range(3):  # warm the engine's worker threads, which are pooled, not leaked
        in_thread(_disconnect_mid_run, server.ws_url, timeout=60)
    threads_before = threading.active_count()
    for _ in range(20):
        in_thread(_disconnect_mid_run, server.ws_url, timeout=60)
    deadline = time.monotonic() + 1.0
    while _ws_sessions(server) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _ws_sessions(server) == 0
    loop_tasks = asyncio.run_coroutine_threadsafe(_task_count(), _server_loop(server)).result(5)
    # Only uvicorn's own main task remains: no producer or receiver outlived its socket.
    assert loop_tasks <= 2
    assert threading.active_count() <= threads_before + 2


async def _task_count() -> int:
    current = asyncio.current_task()
    return len([t for t in asyncio.all_tasks() if t is not current and not t.done()])


def _server_loop(server: LiveServer) -> asyncio.AbstractEventLoop:
    return server.loop


# A valid run at the limits whose steps are slow (~10 ms each here): 5,000 rows, 5 classes.
HEAVY = {
    "type": "start",
    "data": {"generator": "blobs", "n": 5000, "classes": 5},
    "model": "softmax",
    "steps": 10_000,
    "steps_per_second": 2000,
    "optimizers": [{"name": n, "lr": 0.01} for n in ("sgd", "adam", "rmsprop", "adagrad")],
}
LIGHT = {"type": "start", **BODY, "steps": 3, "steps_per_second": 2000}


async def _light_beside_heavy(url: str) -> tuple[int, int, dict]:
    async with websockets.connect(url + "/ws/runs") as heavy:
        await heavy.send(json.dumps(HEAVY))
        step = 0
        while step < 2:  # in full swing: frames past the start point
            msg = strict_json(await heavy.recv())
            step = max([step] + [f["step"] for f in msg.get("frames", [])])
        async with websockets.connect(url + "/ws/runs") as light:
            await light.send(json.dumps(LIGHT))
            while (done := strict_json(await light.recv()))["type"] != "done":
                pass
        await heavy.send('{"type": "stop"}')
        while (msg := strict_json(await heavy.recv()))["type"] != "done":
            pass
        return step, msg["step"], done


def test_a_slow_run_does_not_hold_up_other_sockets(server):
    """Sessions share one engine thread in slices: a light run on a second socket ends while
    the heavy one has advanced far less than one unsliced batch (MAX_STEPS_PER_MESSAGE, 500
    steps, which kept other sockets waiting for seconds before)."""
    from app.web.stream import MAX_STEPS_PER_MESSAGE

    before, after, done = in_thread(_light_beside_heavy, server.ws_url, timeout=120)
    assert done["reason"] == "finished" and done["step"] == 3
    assert after - before < MAX_STEPS_PER_MESSAGE, (before, after)
