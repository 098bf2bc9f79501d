"""`python -m app --workers 2`: two uvicorn worker processes serve HTTP and WebSocket runs.

Each worker builds its own app from the environment and keeps no state outside a connection,
so requests may land on either process and a run lives on whichever one took its socket.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import websockets

from tests.conftest import _free_port

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
BODY = {
    "surface": {"function": "himmelblau"},
    "start": [0.0, 0.0],
    "steps": 120,
    "optimizers": [{"name": "adam", "lr": 0.05}, {"name": "sgd", "lr": 0.01, "momentum": 0.9}],
}


def _workers(pid: int) -> list[int]:
    """Child processes of the uvicorn supervisor that run a worker (not the resource tracker)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    workers = []
    for child in children:
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in cmdline:
            workers.append(child)
    return workers


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LERENG_")}
    env.update(PYTHONPATH=str(ROOT), LERENG_LOG_LEVEL="warning")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--workers", "2", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stdout.read().decode()[-3000:]}")
            try:
                # Both workers up: uvicorn spawns them together, each answers once it is ready.
                if httpx.get(url + "/healthz", timeout=2).status_code == 200 and (
                    len(_workers(proc.pid)) == 2
                ):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("two workers did not come up within 60 s")
            time.sleep(0.2)
        yield proc, url
    finally:
        workers = _workers(proc.pid) if proc.poll() is None else []
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        for pid in workers:  # the supervisor took its workers down with it
            deadline = time.monotonic() + 5
            while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not Path(f"/proc/{pid}").exists(), f"worker {pid} outlived the server"


def test_two_worker_processes_run(server):
    proc, _ = server
    assert len(_workers(proc.pid)) == 2


def test_http_requests_succeed_on_any_worker(server):
    _, url = server

    def one(i: int) -> None:
        # A fresh connection each time, so the kernel spreads them over both workers' accepts.
        with httpx.Client(base_url=url, timeout=30) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            assert any(f["id"] == "rosenbrock" for f in client.get("/api/functions").json())
            assert "adam" in json.dumps(client.get("/api/optimizers").json())
            runs = client.post("/api/runs", json=BODY).json()["runs"]
            assert len(runs) == 2 and all(len(r["points"]) == BODY["steps"] + 1 for r in runs)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one, range(12)))


async def _stream(ws_url: str) -> dict:
    async with websockets.connect(ws_url + "/ws/runs") as ws:
        await ws.send(json.dumps({"type": "start", **BODY, "steps_per_second": 400}))
        frames, started = [], None
        while True:
            msg = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
            if msg["type"] == "started":
                started = msg
            elif msg["type"] == "frames":
                frames += msg["frames"]
            elif msg["type"] == "done":
                return {"started": started, "frames": frames, "done": msg}
            else:
                raise AssertionError(f"unexpected message {msg}")


async def _two_runs(ws_url: str) -> tuple[list[dict], float]:
    t = time.monotonic()
    results = await asyncio.gather(_stream(ws_url), _stream(ws_url))
    return list(results), time.monotonic() - t


def test_two_concurrent_websocket_runs_complete(server):
    _, url = server
    ws_url = url.replace("http://", "ws://")
    # Playwright's session fixtures may own this thread's event loop: use a worker thread.
    with ThreadPoolExecutor(1) as pool:
        results, seconds = pool.submit(lambda: asyncio.run(_two_runs(ws_url))).result(90)
    reference = httpx.post(url + "/api/runs", json=BODY, timeout=30).json()["runs"]
    for result in results:
        steps = [f["step"] for f in result["frames"]]
        assert result["started"] is not None
        assert steps == list(range(BODY["steps"] + 1))
        assert result["done"]["stopped"] is False
        assert result["done"]["step"] == BODY["steps"]
        # One code path: the streamed race ends where the REST race ends.
        last = result["frames"][-1]["racers"]
        assert [r["point"] for r in last] == [r["points"][-1] for r in reference]
        assert json.dumps(result["done"]["runs"]) == json.dumps(
            [{k: r[k] for k in result["done"]["runs"][0]} for r in reference]
        )
    # Paced at 400 steps/s, each 120-step run takes about 0.3 s: run in turn they would take
    # about twice as long as together.
    assert seconds < 5
