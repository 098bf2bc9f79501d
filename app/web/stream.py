"""WebSocket /ws/runs: control messages in, paced frames out, one run per connection."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from typing import Any
from urllib.parse import urlsplit

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from app.runs import Run, frame_of, summary
from app.web.builders import build_run
from app.web.errors import ApiError, describe_validation_error
from app.web.schemas import StartMessage
from app.web.wire import dumps_text

router = APIRouter(tags=["stream"])

TICK = 1 / 30  # frame messages per second: smooth on a projector, light on weak Wi-Fi
SEND_TIMEOUT = 5.0  # a client that cannot take a frame in this long is gone
DEFAULT_SPEED = 30.0
MAX_STEPS_PER_MESSAGE = 500


class Session:
    """The state of one connection: its run (if any) and how fast to play it."""

    def __init__(self, ws: WebSocket, max_speed: float) -> None:
        self.ws = ws
        self.max_speed = max_speed
        self.run: Run | None = None
        self.records: Any = None
        self.paused = False
        self.pending_steps = 0
        self.speed = DEFAULT_SPEED
        self.credit = 0.0
        self.wake = asyncio.Event()
        self.send_lock = asyncio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        async with self.send_lock:
            await asyncio.wait_for(self.ws.send_text(dumps_text(message)), SEND_TIMEOUT)

    async def error(self, message: str, **extra: Any) -> None:
        await self.send({"type": "error", "message": message, **extra})

    def set_speed(self, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ApiError("steps_per_second must be a positive number")
        if value != value or value == float("inf"):
            raise ApiError("steps_per_second must be finite")
        self.speed = min(float(value), self.max_speed)

    async def handle(self, raw: str) -> None:
        try:
            msg = json.loads(raw)
        except ValueError:
            raise ApiError("message is not valid JSON") from None
        if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
            raise ApiError("message must be a JSON object with a string 'type'")
        kind = msg["type"]
        if kind == "start":
            await self.start(msg)
        elif kind in ("pause", "resume", "step", "stop", "speed") and self.run is None:
            raise ApiError(f"'{kind}' needs a running run: send 'start' first")
        elif kind == "pause":
            self.paused = True
        elif kind == "resume":
            self.paused, self.credit = False, 0.0
        elif kind == "step":
            self.paused = True
            self.pending_steps = min(self.pending_steps + 1, MAX_STEPS_PER_MESSAGE)
        elif kind == "speed":
            self.set_speed(msg.get("steps_per_second"))
        elif kind == "stop":
            await self.finish(stopped=True)
        else:
            raise ApiError(f"unknown message type '{kind[:32]}'")
        self.wake.set()

    async def start(self, msg: dict[str, Any]) -> None:
        try:
            req = StartMessage.model_validate(msg)
        except ValidationError as exc:
            raise ApiError(describe_validation_error(exc.errors())) from None
        settings = self.ws.app.state.settings
        run, problem = build_run(req, settings)
        if req.steps_per_second is not None:
            self.set_speed(req.steps_per_second)
        self.run, self.records = run, run.records()
        self.paused, self.pending_steps, self.credit = req.paused, 0, 0.0
        await self.send(
            {
                "type": "started",
                **problem,
                "start": run.start.tolist(),
                "steps": run.steps,
                "racers": summary(run),
                "speed": self.speed,
            }
        )
        # Step 0 goes out at once so the start point shows before the first tick.
        await self.emit(1)

    async def emit(self, count: int) -> None:
        """Advance the run by up to `count` records off the event loop and send them."""
        records = self.records
        recs = await asyncio.to_thread(lambda: list(itertools.islice(records, count)))
        if records is not self.records:
            return  # a new start or a stop arrived while the engine was stepping
        if recs:
            await self.send({"type": "frames", "frames": [frame_of(r) for r in recs]})
        if len(recs) < count:
            await self.finish(stopped=False)

    async def finish(self, stopped: bool) -> None:
        run = self.run
        if run is None:
            return
        self.run, self.records = None, None
        last = max((s for s in run.stopped_at if s is not None), default=0)
        await self.send({"type": "done", "stopped": stopped, "step": last, "runs": summary(run)})

    async def produce(self) -> None:
        last = time.monotonic()
        while True:
            if self.run is None or (self.paused and not self.pending_steps):
                self.wake.clear()
                await self.wake.wait()
                last = time.monotonic()
                continue
            if self.pending_steps:
                count, self.pending_steps = self.pending_steps, 0
            else:
                now = time.monotonic()
                self.credit = min(self.credit + (now - last) * self.speed, MAX_STEPS_PER_MESSAGE)
                last = now
                count = int(self.credit)
                self.credit -= count
            if count:
                await self.emit(count)
            # Sleep for the tick, or wake early for a control message.
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), TICK)


def origin_allowed(origin: str | None, host: str | None, settings: Any) -> bool:
    """Same-origin pages and configured extra origins; non-browser clients send no Origin."""
    if origin is None:
        return True
    if origin in settings.extra_origins:
        return True
    netloc = urlsplit(origin).netloc
    return bool(host) and netloc == host


@router.websocket("/ws/runs")
async def runs_socket(ws: WebSocket) -> None:
    """Stream a race: send `start`, then pause/resume/step/speed/stop; frames come back."""
    app = ws.app
    settings = app.state.settings
    if not origin_allowed(ws.headers.get("origin"), ws.headers.get("host"), settings):
        # Browsers send Origin on every WebSocket handshake; CORS does not guard sockets.
        await ws.close(code=1008, reason="origin not allowed")
        return
    await ws.accept()
    sessions = getattr(app.state, "ws_sessions", 0)
    if sessions >= settings.max_ws_sessions:
        await ws.close(code=1013, reason="server busy: too many live runs, try again soon")
        return
    app.state.ws_sessions = sessions + 1
    session = Session(ws, settings.max_steps_per_second)
    try:
        # anyio's task group, not asyncio's: Starlette and its test client cancel through anyio
        # cancel scopes, which asyncio.TaskGroup on Python 3.11 does not report correctly.
        async with anyio.create_task_group() as tg:
            tg.start_soon(session.produce)
            tg.start_soon(_receive, session, settings.max_ws_message_bytes, tg.cancel_scope)
    except* (WebSocketDisconnect, TimeoutError, RuntimeError):
        pass  # the client is gone or stopped reading; nothing is left to tell it
    finally:
        app.state.ws_sessions -= 1


async def _receive(session: Session, max_bytes: int, scope: anyio.CancelScope) -> None:
    ws = session.ws
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            scope.cancel()  # ends the producer too, and any engine work it awaits
            return
        text = message.get("text")
        if text is None:
            await session.error("binary messages are not accepted: send JSON text")
            continue
        if len(text) > max_bytes:
            await session.error(f"message too large: at most {max_bytes} bytes")
            continue
        try:
            await session.handle(text)
        except ApiError as exc:
            await session.error(exc.message, **exc.extra)
