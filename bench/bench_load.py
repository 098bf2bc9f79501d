"""Load benchmark: N WebSocket clients each stream a 4-optimizer race; report gaps, RSS, CPU.

Starts `python -m app` in a subprocess on a free loopback port, so server RSS and CPU are its
own. Columns: gaps between `frames` messages at each client (p50, p99), steps per message
(coalescing), steps delivered vs the paced target, frames the server dropped for lagging
clients (`skipped`), peak server RSS and CPU, and the 1-minute load average when the level
started: other work on a 2-core machine stalls every client at once and shows up in p99. Usage: python bench/bench_load.py [--clients 10 20 40 80] [--seconds 30] [--rate 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.web.helpers import rosenbrock_race  # noqa: E402

RACE = rosenbrock_race(
    [
        {"name": "sgd", "lr": 5e-4, "momentum": 0.9},
        {"name": "adam", "lr": 0.02},
        {"name": "rmsprop", "lr": 0.005},
        {"name": "adagrad", "lr": 0.3},
    ]
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stats(pid: int) -> tuple[float, float]:
    """(RSS in MB, CPU seconds) from /proc."""
    rss = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss, (int(fields[11]) + int(fields[12])) / ticks


async def client(
    url: str, rate: float, seconds: float, gaps: list, counts: list, skipped: list
) -> None:
    async with websockets.connect(url, max_size=2**22) as ws:
        await ws.send(json.dumps({**RACE, "steps_per_second": rate}))
        last = None
        steps = dropped = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                raw = await asyncio.wait_for(ws.recv(), deadline - time.monotonic())
            except TimeoutError:
                break
            msg = json.loads(raw)
            if msg["type"] != "frames":
                continue
            now = time.monotonic()
            if last is not None:
                gaps.append(now - last)
            last = now
            steps += len(msg["frames"])
            dropped += msg.get("skipped", 0)  # frames the server thinned for a lagging client
        counts.append(steps)
        skipped.append(dropped)


async def one_level(url: str, n: int, rate: float, seconds: float, pid: int) -> dict:
    gaps: list[float] = []
    counts: list[int] = []
    skipped: list[int] = []
    load = os.getloadavg()[0]  # other work on the machine shows up as whole-process stalls
    _, cpu0 = proc_stats(pid)
    t0 = time.monotonic()
    peak = 0.0

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, proc_stats(pid)[0])
            await asyncio.sleep(0.5)

    watcher = asyncio.create_task(watch())
    await asyncio.gather(*(client(url, rate, seconds, gaps, counts, skipped) for _ in range(n)))
    watcher.cancel()
    wall = time.monotonic() - t0
    _, cpu1 = proc_stats(pid)
    g = np.array(gaps) * 1e3 if gaps else np.array([np.nan])
    expected = rate * seconds * n
    return {
        "clients": n,
        "p50_ms": float(np.percentile(g, 50)),
        "p99_ms": float(np.percentile(g, 99)),
        "steps_per_msg": sum(counts) / max(len(gaps) + n, 1),
        "delivered_pct": 100 * sum(counts) / expected,
        "dropped": sum(skipped),
        "load": load,
        "rss_mb": peak,
        "cpu_pct": 100 * (cpu1 - cpu0) / wall,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, nargs="+", default=[10, 20, 40, 80])
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--rate", type=float, default=60)
    args = ap.parse_args()
    port = free_port()
    env = {**os.environ, "LERENG_MAX_WS_SESSIONS": "1000", "LERENG_LOG_LEVEL": "warning"}
    server = subprocess.Popen([sys.executable, "-m", "app", "--port", str(port)], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        url = f"ws://127.0.0.1:{port}/ws/runs"
        print(f"{args.rate:g} steps/s per client, {args.seconds:g} s per level")
        head = f"{'clients':>7} {'p50 gap ms':>10} {'p99 gap ms':>10} {'steps/msg':>9}"
        print(head + f" {'delivered %':>11} {'dropped':>7} {'RSS MB':>7} {'CPU %':>6} {'load':>5}")
        for n in args.clients:
            r = asyncio.run(one_level(url, n, args.rate, args.seconds, server.pid))
            print(
                f"{r['clients']:7d} {r['p50_ms']:10.1f} {r['p99_ms']:10.1f} "
                f"{r['steps_per_msg']:9.2f} {r['delivered_pct']:11.1f} {r['dropped']:7d} "
                f"{r['rss_mb']:7.0f} {r['cpu_pct']:6.0f} {r['load']:5.1f}"
            )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
