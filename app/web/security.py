"""Security headers on every HTTP response, and a request-body size guard.

Both are pure ASGI middleware (WebSockets pass through: their limits live in stream.py).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.wire import dumps

# The strictest policy under which every plot we draw renders (tests/browser/test_security.py
# listens for securitypolicyviolation on every page). Scripts come from our origin alone, with
# no eval. Plotly injects a <style> element and sets style attributes at runtime, hence
# 'unsafe-inline' for styles only; its WebGL scenes load data: images. No workers, no plugins,
# no fonts or frames from anywhere else; 'self' in connect-src covers our own ws:// origin.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), usb=()"),
]


# For responses built outside the middleware stack (Starlette's server-error handler).
HEADER_DICT = {k.decode(): v.decode() for k, v in HEADERS}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` with 413, without reading them.

    A declared Content-Length over the limit is answered at once; a body without one (chunked)
    is counted as the route reads it, and the read that crosses the limit raises a 413.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                declared = value
        if declared is not None:
            if not declared.isdigit():
                await _refuse(send, 400, "Content-Length must be a whole number of bytes")
                return
            if int(declared) > self.max_bytes:
                await _refuse(send, 413, self._message())
                return
            await self.app(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, counted, send)

    def _message(self) -> str:
        return f"request body too large: at most {self.max_bytes} bytes"


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = dumps({"detail": detail})
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        # The body is left unread: tell the client this connection will not carry another.
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
