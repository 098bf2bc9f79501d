"""WebSocket /ws/runs: control messages in, paced frames out, one run per connection.

Each connection runs three loops in one anyio task group, so whichever ends first (a client
disconnect, a missed send deadline) cancels the other two:

- receive reads control messages and queues an `error` for each refusal;
- produce paces the run: a worker thread steps the engine and builds and encodes the frames,
  which go into the connection's outbox; it never waits for the network. All connections
  share that one engine thread in slices of at most ENGINE_SLICE (50 ms) each, so a run with
  slow steps plays slower itself but never holds up the other connections;
- send takes everything in the outbox and sends it, consecutive frames coalesced into one
  `frames` message, each send under a deadline (SEND_TIMEOUT): a client that cannot take a
  message in that long is gone, and the connection ends.

Backpressure rule (app/web/outbox.py). A client that lags gets several steps per message (coalescing, nothing
lost). If the frames waiting in the outbox still exceed MAX_BACKLOG (or MAX_BACKLOG_BYTES), the
outbox is thinned:
every frame in which some racer's status changes is kept, so is the newest frame before each
control message and the newest of all, and every second one of the others is dropped, repeated
until the backlog fits. The next `frames` message carries `"skipped": n`, the number of frames
left out since the previous one; paths gain straight segments there, but every racer's latest
point and every status change arrive. Control messages (`started`, `done`, `error`) are never
dropped; instead, while MAX_PENDING_MESSAGES of them wait, the server stops reading the
client's messages (so a flood of controls from a client that does not read its answers is held
up by TCP, not by server memory).

A run lasts at most Settings.max_run_seconds of wall-clock time (paused time included: a
session holds a slot), then ends with `{"type": "done", "reason": "time_limit", ...}`; `done`
otherwise says `"reason": "finished"` or `"stopped"`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from app.run_output import summary
from app.runs import Run
from app.web.builders import build_run
from app.web.error_codes import classify
from app.web.errors import ApiError, describe_validation_error
from app.web.outbox import Outbox, encode_records
from app.web.schemas import StartMessage

# One engine thread per process: runs take turns stepping, instead of several worker threads
# contending for the GIL with the event loop (that contention, not the arithmetic, made the
# gaps between frames uneven under load).
_ENGINE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lereng-engine")

router = APIRouter(tags=["stream"])
log = logging.getLogger(__name__)

TICK = 1 / 30  # frame messages per second: smooth on a projector, light on weak Wi-Fi
SEND_TIMEOUT = 5.0  # a client that cannot take a message in this long is gone
DEFAULT_SPEED = 30.0
MAX_STEPS_PER_MESSAGE = 500
DEFAULT_MAX_RUN_SECONDS = 600.0


class Session:
    """The state of one connection: its run (if any), how fast to play it, what to send."""

    def __init__(self, ws: WebSocket, max_speed: float, max_run_seconds: float) -> None:
        self.ws = ws
        self.max_speed = max_speed
        self.max_run_seconds = max_run_seconds
        self.outbox = Outbox()
        self.run: Run | None = None
        self.records: Any = None
        self.step = 0
        self.deadline = math.inf
        self.paused = False
        self.pending_steps = 0
        self.speed = DEFAULT_SPEED
        self.credit = 0.0
        self.wake = asyncio.Event()
        self.engine_lock = asyncio.Lock()

    def send(self, message: dict[str, Any]) -> None:
        self.outbox.put_message(message)

    def error(self, message: str, **extra: Any) -> None:
        # code/params let the page show the refusal in its own language (see error_codes).
        self.send({"type": "error", "message": message, **classify(message), **extra})

    def set_speed(self, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ApiError("steps_per_second must be a positive number")
        if value != value or value == float("inf"):
            raise ApiError("steps_per_second must be finite")
        # Compared before float(): an integer like 10**400 has no float, but is surely too fast.
        self.speed = self.max_speed if value >= self.max_speed else float(value)

    async def handle(self, raw: str) -> None:
        try:
            msg = json.loads(raw)
        except (ValueError, RecursionError):
            raise ApiError("message is not valid JSON") from None
        if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
            raise ApiError("message must be a JSON object with a string 'type'")
        kind = msg["type"]
        try:
            await self._dispatch(kind, msg)
        except ApiError as exc:
            # The refusal names what it refuses: a page that sent stop and start in a burst
            # must not take the refused stop (its run had just ended) for its start's answer.
            exc.extra.setdefault("request", kind[:32])
            raise

    async def _dispatch(self, kind: str, msg: dict[str, Any]) -> None:
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
            self.finish("stopped")
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
        self.outbox.drop_frames()  # of a run the client has just left
        self.run, self.records, self.step = run, run.records(), 0
        self.deadline = time.monotonic() + self.max_run_seconds
        self.paused, self.pending_steps, self.credit = req.paused, 0, 0.0
        self.send(
            {
                "type": "started",
                **problem,
                "start": run.start.tolist(),
                "steps": run.steps,
                "racers": summary(run),
                "speed": self.speed,
            }
        )
        # Step 0 goes out at once so the start point shows before the first tick; a playing
        # run sends step 1 with it, so Play's first drawn step waits for no tick and the page
        # redraws its 3D scene once for both (a software-GL redraw costs ~90 ms).
        await self.emit(1 if self.paused else 2)

    async def emit(self, count: int) -> int:
        """Advance the run by up to `count` steps off the event loop and queue the frames.

        Returns how many steps it made: fewer than `count` when the engine slice ran out (the
        engine thread then serves the other sessions) or the run ended."""
        async with self.engine_lock:  # one worker thread per generator at a time
            records = self.records
            if records is None:
                return 0
            frames, ended = await asyncio.get_running_loop().run_in_executor(
                _ENGINE, encode_records, records, count
            )
            if records is not self.records:
                return 0  # a new start or a stop arrived while the engine was stepping
            if frames:
                self.step = frames[-1].step
                self.outbox.put_frames(frames)
            if ended:
                self.finish("finished")
            return len(frames)

    def finish(self, reason: str, **extra: Any) -> None:
        run = self.run
        if run is None:
            return
        self.run, self.records = None, None
        self.send(
            {
                "type": "done",
                "stopped": reason != "finished",
                "reason": reason,
                "step": self.step,
                "runs": summary(run),
                **extra,
            }
        )

    def check_deadline(self) -> None:
        if self.run is not None and time.monotonic() >= self.deadline:
            self.finish(
                "time_limit",
                message=f"a run may last at most {self.max_run_seconds:g} s: start it again",
            )

    async def produce(self) -> None:
        last = next_tick = time.monotonic()
        while True:
            self.check_deadline()
            if self.run is None or (self.paused and not self.pending_steps):
                self.wake.clear()
                timeout = math.inf if self.run is None else self.deadline - time.monotonic()
                with anyio.move_on_after(timeout):
                    await self.wake.wait()
                last = next_tick = time.monotonic()
                continue
            # Cleared before stepping: a control message that arrives meanwhile wakes us at once.
            self.wake.clear()
            stepping = bool(self.pending_steps)
            if stepping:
                count, self.pending_steps = self.pending_steps, 0
            else:
                now = time.monotonic()
                self.credit = min(self.credit + (now - last) * self.speed, MAX_STEPS_PER_MESSAGE)
                last = now
                count = int(self.credit)
                self.credit -= count
            if count:
                run = self.run
                made = await self.emit(count)
                # Asked-for steps (Step presses) that the engine slice cut off come next turn;
                # a paced run that cannot keep up simply plays slower.
                if stepping and made < count and self.run is run:
                    self.pending_steps += count - made
            # Sleep until the next tick on a fixed grid (stepping time does not stretch the
            # cadence; missed ticks are skipped, not caught up), or wake early for a control.
            now = time.monotonic()
            while next_tick <= now:
                next_tick += TICK
            with anyio.move_on_after(next_tick - now):
                await self.wake.wait()

    async def deliver(self) -> None:
        outbox = self.outbox
        while True:
            await outbox.ready.wait()
            for text in outbox.take():
                # A stalled client blocks here, never the producer; past the deadline it is gone.
                with anyio.fail_after(SEND_TIMEOUT):
                    await self.ws.send_text(text)


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
    max_seconds = getattr(settings, "max_run_seconds", DEFAULT_MAX_RUN_SECONDS)
    session = Session(ws, settings.max_steps_per_second, max_seconds)
    try:
        # anyio's task group, not asyncio's: Starlette and its test client cancel through anyio
        # cancel scopes, which asyncio.TaskGroup on Python 3.11 does not report correctly.
        async with anyio.create_task_group() as tg:
            tg.start_soon(session.produce)
            tg.start_soon(session.deliver)
            tg.start_soon(_receive, session, settings.max_ws_message_bytes, tg.cancel_scope)
    except* (WebSocketDisconnect, TimeoutError, OSError, RuntimeError):
        # The client is gone or stopped reading; nothing is left to tell it. (Starlette raises
        # RuntimeError for a send on a socket the client has already closed.)
        pass
    except* Exception as group:
        log.error("WebSocket session failed", exc_info=group)
        with anyio.move_on_after(1), contextlib.suppress(Exception):
            await ws.close(code=1011, reason="internal error")
    finally:
        app.state.ws_sessions -= 1


async def _receive(session: Session, max_bytes: int, scope: anyio.CancelScope) -> None:
    ws = session.ws
    while True:
        # A client that floods controls but reads no answers waits here, held up by TCP.
        await session.outbox.room.wait()
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            scope.cancel()  # ends the producer and sender too, and any engine work they await
            return
        text = message.get("text")
        if text is None:
            session.error("binary messages are not accepted: send JSON text")
            continue
        if len(text) > max_bytes:
            session.error(f"message too large: at most {max_bytes} bytes")
            continue
        try:
            await session.handle(text)
        except ApiError as exc:
            session.error(exc.message, **exc.extra)
