"""The per-connection outbox: encoded frames and control messages, coalesced and bounded.

The backpressure rule it implements is described in app/web/stream.py's docstring.
"""

from __future__ import annotations

import asyncio
import collections
import time
from dataclasses import dataclass
from typing import Any

from app.run_output import frame_of
from app.web.wire import dumps

MAX_BACKLOG = 1_000  # frames waiting for one client
MAX_BACKLOG_BYTES = 512 * 1024  # and their encoded size (a 4-racer frame is about 1 KB)
MAX_PENDING_MESSAGES = 64  # control messages waiting before the server stops reading

_FRAMES_HEAD = b'{"type":"frames","frames":['


@dataclass(slots=True)
class Frame:
    """One encoded step; `event` when some racer's status changed at it."""

    step: int
    data: bytes
    event: bool


# Engine time one call may take before it hands the engine thread to the next session: a
# 5,000-row network needs ~10 ms a step, and 500 steps at once kept other classrooms' runs
# waiting for seconds.
ENGINE_SLICE = 0.05


def encode_records(
    records: Any, count: int, max_seconds: float = ENGINE_SLICE
) -> tuple[list[Frame], bool]:
    """Advance a run by up to `count` steps and encode them (runs in a worker thread).

    Stops early, after one step at least, once `max_seconds` have passed. Returns the frames
    and whether the run has ended (its records are exhausted)."""
    frames: list[Frame] = []
    if count <= 0:
        return frames, False
    deadline = time.monotonic() + max_seconds
    for rec in records:
        frames.append(Frame(rec.step, dumps(frame_of(rec)), bool(rec.events)))
        if len(frames) >= count or time.monotonic() > deadline:
            return frames, False
    return frames, True


class Outbox:
    """What waits to be sent to one client, in order: encoded frames and control messages."""

    def __init__(self, max_frames: int = MAX_BACKLOG, max_bytes: int = MAX_BACKLOG_BYTES) -> None:
        self.items: collections.deque[Frame | bytes] = collections.deque()
        self.max_frames = max_frames
        self.max_bytes = max_bytes
        self.frames = 0
        self.bytes = 0
        self.messages = 0
        self.skipped = 0  # frames dropped since the last `frames` message
        self.skipped_total = 0
        self.ready = asyncio.Event()
        self.room = asyncio.Event()
        self.room.set()

    def put_message(self, message: dict[str, Any]) -> None:
        self.items.append(dumps(message))
        self.messages += 1
        if self.messages >= MAX_PENDING_MESSAGES:
            self.room.clear()
        self.ready.set()

    def put_frames(self, frames: list[Frame]) -> None:
        if not frames:
            return
        self.items.extend(frames)
        self.frames += len(frames)
        self.bytes += sum(len(f.data) for f in frames)
        while self.frames > self.max_frames or self.bytes > self.max_bytes:
            if not self._thin():
                break
        self.ready.set()

    def drop_frames(self) -> None:
        """Forget unsent frames of a run the client has left (a new start)."""
        kept = [it for it in self.items if not isinstance(it, Frame)]
        self.items = collections.deque(kept)
        self.frames = self.bytes = 0

    def _thin(self) -> bool:
        """Drop every second frame that is neither an event nor the last of its stretch."""
        items = list(self.items)
        out: list[Frame | bytes] = []
        drop = False
        dropped = dropped_bytes = 0
        for k, it in enumerate(items):
            if isinstance(it, Frame) and not it.event:
                nxt = items[k + 1] if k + 1 < len(items) else None
                if isinstance(nxt, Frame):
                    drop = not drop
                    if drop:
                        dropped += 1
                        dropped_bytes += len(it.data)
                        continue
            out.append(it)
        self.items = collections.deque(out)
        self.frames -= dropped
        self.bytes -= dropped_bytes
        self.skipped += dropped
        self.skipped_total += dropped
        return dropped > 0

    def take(self) -> list[str]:
        """Everything waiting, as message texts; consecutive frames become one message."""
        out: list[str] = []
        batch: list[bytes] = []

        def flush() -> None:
            if not batch:
                return
            tail = b"]}" if not self.skipped else b'],"skipped":%d}' % self.skipped
            self.skipped = 0
            out.append((_FRAMES_HEAD + b",".join(batch) + tail).decode())
            batch.clear()

        for it in self.items:
            if isinstance(it, Frame):
                batch.append(it.data)
            else:
                flush()
                out.append(it.decode())
        flush()
        self.items.clear()
        self.frames = self.bytes = self.messages = 0
        self.ready.clear()
        self.room.set()
        return out
