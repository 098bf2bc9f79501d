"""A network run over WebSocket /ws/runs against a real uvicorn server (the `websockets` client)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
import websockets

from tests.conftest import LiveServer
from tests.web.helpers import in_thread, strict_json

START = {
    "type": "start",
    "network": {"dataset": "spiral", "hidden": [12, 12], "heatmap_every": 5},
    "steps": 2000,
    "optimizers": [{"name": "adam", "lr": 0.03}, {"name": "sgd", "lr": 0.1, "batch_size": 16}],
    "paused": True,
}


@pytest.fixture(scope="module")
def server():
    with LiveServer() as s:
        yield s


async def _network_flow(url: str) -> dict:
    async with websockets.connect(url + "/ws/runs", max_size=2**24) as ws:
        await ws.send(json.dumps(START))
        started = strict_json(await ws.recv())
        step0 = strict_json(await ws.recv())
        await ws.send(json.dumps({"type": "speed", "steps_per_second": 400}))
        await ws.send('{"type": "resume"}')
        frames, sizes = [], []
        while len(frames) < 60:
            raw = await ws.recv()
            sizes.append(len(raw))
            frames += strict_json(raw)["frames"]
        await ws.send('{"type": "stop"}')
        while (msg := strict_json(await ws.recv()))["type"] != "done":
            frames += msg["frames"]
        bad = {**START, "network": {**START["network"], "hidden": [16] * 7}}
        await ws.send(json.dumps(bad))
        error = strict_json(await ws.recv())
        return {"started": started, "step0": step0, "frames": frames, "done": msg, "error": error}


def test_live_network_run(server):
    out = in_thread(_network_flow, server.ws_url)
    problem = out["started"]["problem"]
    assert problem["kind"] == "network" and problem["hidden"] == [12, 12]
    first = out["step0"]["frames"][0]
    assert first["step"] == 0 and len(first["racers"]) == 2
    heat = first["racers"][0]["heatmap"]
    z = np.frombuffer(base64.b64decode(heat["bdata"]), "<f4").reshape(heat["shape"])
    assert z.shape == (100, 100) and np.isfinite(z).all()
    steps = [f["step"] for f in out["frames"]]
    # At 400 steps/s a slow reader may get thinned frames ("skipped"), never reordered ones.
    assert steps[0] >= 1 and all(a < b for a, b in zip(steps, steps[1:], strict=False))
    for f in out["frames"]:
        for r in f["racers"]:
            assert len(r["point"]) == problem["dim"] and 0 <= r["test_acc"] <= 1
            assert ("heatmap" in r) == (f["step"] % 5 == 0) or f is out["frames"][-1]
            if r["i"] == 1:
                # The mini-batch racer says which points it saw (an epoch's last batch is short).
                assert 1 <= len(r["batch"]) <= 16 and max(r["batch"]) < len(problem["train"]["y"])
    assert out["done"]["stopped"] is True
    assert out["error"]["type"] == "error" and out["error"]["message"].startswith("network.hidden")
