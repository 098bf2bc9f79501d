"""Hostile and malformed input for every endpoint and every WebSocket message type.

Each row gets a 4xx (or, on the socket, an error frame that leaves the socket usable), never a
5xx and never a traceback, and /healthz answers 200 afterwards.
"""

from __future__ import annotations

import json
import socket
import time

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.web.helpers import strict_json

GOOD = {"surface": {"function": "rosenbrock"}, "steps": 5, "optimizers": [{"name": "sgd"}]}
TRACE_MARKS = ("Traceback", 'File "', "site-packages", "Error:")


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(autouse=True)
def stays_healthy(client):
    yield
    r = client.get("/healthz")
    assert r.status_code == 200 and strict_json(r.content) == {"status": "ok"}


def assert_refused(r, statuses=(400, 413, 422)) -> dict:
    assert r.status_code in statuses, (r.status_code, r.text[:300])
    body = strict_json(r.content)
    assert isinstance(body["detail"], str) and body["detail"]
    for mark in TRACE_MARKS:
        assert mark not in r.text
    return body


# ---- GET /api/landscape ------------------------------------------------------------------------

LANDSCAPE_BAD = [
    "",
    "function=rosenbrock&expression=x",
    "function=nope",
    "function=" + "r" * 65,
    "expression=" + "x+" * 10_001 + "x",
    "expression=__import__('os').system('id')",
    "expression=x²%2By²",  # textbook superscripts: "²" is a digit to str.isdigit, not to int()
    "expression=x%2B٣",  # an Arabic-Indic digit
    "expression=" + "(" * 500 + "x" + ")" * 500,
    "function=rosenbrock&n=abc",
    "function=rosenbrock&n=1",
    "function=rosenbrock&n=0",
    "function=rosenbrock&n=-5",
    "function=rosenbrock&n=1000000000",
    "function=rosenbrock&n=1e308",
    "function=rosenbrock&n=2.5",
    "function=rosenbrock&n=99999999999999999999999999999",
    "function=rosenbrock&xmin=NaN",
    "function=rosenbrock&xmin=nan&xmax=nan",
    "function=rosenbrock&xmax=Infinity",
    "function=rosenbrock&ymin=-Infinity",
    "function=rosenbrock&xmin=1e308&xmax=1e308",
    "function=rosenbrock&xmin=-1e308&xmax=1e308",
    "function=rosenbrock&xmin=1e309",
    "function=rosenbrock&xmin=2&xmax=1",
    "function=rosenbrock&xmin=5e-324&xmax=5e-324",
    "function=rosenbrock&xmin=abc",
    "function[]=rosenbrock",
]


@pytest.mark.parametrize("query", LANDSCAPE_BAD)
def test_landscape_refuses(client, query):
    assert_refused(client.get("/api/landscape?" + query))


@pytest.mark.parametrize(
    "query",
    [
        "function=rosenbrock&xmin=0&xmax=5e-324",  # denormal width: a degenerate but legal grid
        "function=rosenbrock&xmin=-1e6&xmax=1e6&ymin=-1e6&ymax=1e6",  # huge values, float32 inf
        "function=rosenbrock&n=2",
        "expression=exp(exp(exp(x)))&n=30",  # overflows to inf everywhere: gaps, not errors
        "expression=log(x)/0&n=30",
        "expression=" + "x**y**" * 11 + "x",  # a tower of powers: overflow, not an error
    ],
)
def test_landscape_edge_values_answer_without_nan_tokens(client, query):
    r = client.get("/api/landscape?" + query)
    assert r.status_code in (200, 422), r.text[:300]
    strict_json(r.content)  # refuses NaN/Infinity tokens


# ---- POST /api/runs ----------------------------------------------------------------------------


def body(**patch) -> bytes:
    return json.dumps({**GOOD, **patch}).encode()


HUGE = b"0" * 400

RUNS_BAD = [
    b"",
    b"not json",
    b"[1, 2, 3]",
    b"null",
    b'"a string"',
    b"{",
    b"[" * 100_000 + b"]" * 100_000,  # nesting deep enough to blow a recursive parser
    body(surface="rosenbrock"),
    body(surface={"function": 5}),
    body(surface={}),
    body(steps="ten"),
    body(steps=None),
    body(steps=-1),
    body(steps=0),
    body(steps=10**9),
    body(steps=1e308),
    body(steps=1.5),
    body(start="here"),
    body(start=[1, 2, 3]),
    body(start=[1e308, 0]),
    body(start=[-1e308, -1e308]),
    body(start=[True, False]),
    body(optimizers={"name": "sgd"}),
    body(optimizers=[]),
    body(optimizers=["sgd"]),
    body(optimizers=[{"name": "adam"}] * 9),
    body(optimizers=[{"name": "adam"}] * 10_000),
    body(optimizers=[{"name": "lbfgs"}]),
    body(optimizers=[{"name": 42}]),
    body(optimizers=[{}]),
    body(optimizers=[{"name": "sgd", "lr": -1}]),
    body(optimizers=[{"name": "sgd", "lr": 0}]),
    body(optimizers=[{"name": "sgd", "lr": 1e308}]),
    body(optimizers=[{"name": "sgd", "lr": -5e-324}]),
    body(optimizers=[{"name": "sgd", "lr": "fast"}]),
    body(optimizers=[{"name": "sgd", "lr": [1, 2, 3]}]),
    body(optimizers=[{"name": "sgd", "lr": {"a": 1}}]),
    body(optimizers=[{"name": "adam", "betas": [0.9, 1.5]}]),
    body(optimizers=[{"name": "adam", "betas": "x"}]),
    body(optimizers=[{"name": "sgd", "x" * 40: 1}]),
    body(optimizers=[{"name": "sgd", **{f"h{i}": 1 for i in range(20)}}]),
    body(optimizers=[{"name": "sgd", "nesterov": True}]),  # nesterov needs momentum > 0
    body(optimizers=[{"name": "sgd", "momentum": 0.9, "dampening": 0.5, "nesterov": True}]),
    body(surface={"expression": "x" * 100_000}),
    body(surface={"expression": "().__class__.__bases__[0].__subclasses__()"}),
    body(extra=1),
    # The raw NaN and Infinity tokens that Python's json would accept and browsers never send.
    b'{"surface": {"function": "rosenbrock"}, "start": [NaN, 1], "optimizers": [{"name": "sgd"}]}',
    b'{"surface": {"function": "rosenbrock"}, "start": [Infinity, 1], "optimizers": [{"name": "sgd"}]}',
    b'{"surface": {"function": "rosenbrock"}, "optimizers": [{"name": "sgd", "lr": NaN}]}',
    b'{"surface": {"function": "rosenbrock"}, "optimizers": [{"name": "sgd", "lr": -Infinity}]}',
    b'{"surface": {"function": "rosenbrock"}, "steps": Infinity, "optimizers": [{"name": "sgd"}]}',
    b'{"surface": {"function": "rosenbrock"}, "optimizers": [{"name": "adam", "betas": [NaN, 0.9]}]}',
    # Integers beyond float range, which JSON allows and Python parses exactly.
    b'{"surface": {"function": "rosenbrock"}, "optimizers": [{"name": "sgd", "lr": 1'
    + HUGE
    + b"}]}",
    b'{"surface": {"function": "rosenbrock"}, "optimizers": [{"name": "adam", "betas": [1'
    + HUGE
    + b", 0.9]}]}",
    b'{"surface": {"function": "rosenbrock"}, "steps": 1'
    + HUGE
    + b', "optimizers": [{"name": "sgd"}]}',
    # Lone surrogates: legal JSON escapes that UTF-8 cannot hold.
    b'{"surface": {"expression": "x+\\ud800"}, "optimizers": [{"name": "sgd"}]}',
    b'{"surface": {"function": "rosenbrock"}, "optimizers": [{"name": "\\udfff"}]}',
]


@pytest.mark.parametrize("raw", RUNS_BAD, ids=lambda r: r[:60].decode(errors="replace"))
def test_runs_refuse(client, raw):
    r = client.post("/api/runs", content=raw, headers={"content-type": "application/json"})
    assert_refused(r)


def test_runs_wrong_content_type_refused(client):
    r = client.post("/api/runs", content=body(), headers={"content-type": "text/plain"})
    assert_refused(r)


@pytest.mark.parametrize(
    "patch",
    [
        {"start": [5e-324, -5e-324]},
        {"optimizers": [{"name": "sgd", "lr": 5e-324}]},
        {"optimizers": [{"name": "sgd", "lr": 10}], "steps": 300},  # diverges at once
        {"surface": {"expression": "exp(exp(exp(x)))"}, "steps": 50},
        {"surface": {"expression": "1/x"}, "start": [0, 0]},
    ],
)
def test_runs_extreme_but_legal_values_are_results(client, patch):
    r = client.post(
        "/api/runs", content=body(**patch), headers={"content-type": "application/json"}
    )
    assert r.status_code in (200, 422), r.text[:300]
    strict_json(r.content)


def test_five_megabyte_body_refused_at_once(client):
    big = b'{"pad": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    t0 = time.perf_counter()
    r = client.post("/api/runs", content=big, headers={"content-type": "application/json"})
    assert time.perf_counter() - t0 < 1.0
    assert "too large" in assert_refused(r, (413,))["detail"]


def test_oversize_chunked_body_refused(client):
    def chunks():
        for _ in range(100):
            yield b"x" * 65_536

    r = client.post("/api/runs", content=chunks(), headers={"content-type": "application/json"})
    assert "too large" in assert_refused(r, (413,))["detail"]


def read_reply(s: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (it says Connection: close)."""
    reply = b""
    while chunk := s.recv(65_536):
        reply += chunk
    return reply


def test_oversize_body_refused_without_reading_it(live_server):
    """A real server answers 413 from the headers alone: the 5 MB are never sent."""
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=5) as s:
        s.sendall(
            b"POST /api/runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 5242880\r\n\r\n{"
        )
        reply = read_reply(s)
    head, _, payload = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert b"too large" in payload


@pytest.mark.parametrize("header", [b"abc", b"-1", b"1e9"])
def test_malformed_content_length_refused(live_server, header):
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=5) as s:
        s.sendall(b"POST /api/runs HTTP/1.1\r\nHost: x\r\nContent-Length: " + header + b"\r\n\r\n")
        reply = read_reply(s)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:100]
    assert b"Traceback" not in reply


# ---- other HTTP surfaces -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/nothing", 404),
        ("DELETE", "/api/runs", 405),
        ("PUT", "/api/functions", 405),
        ("GET", "/api/runs", 405),
        ("POST", "/healthz", 405),
        ("GET", "/static/../app/config.py", 404),
        ("GET", "/static/%2e%2e/app/config.py", 404),
        ("GET", "/vendor/plotly-0.0.0.min.js", 404),
    ],
)
def test_framework_errors_are_plain_json(client, method, url, status):
    r = client.request(method, url)
    assert r.status_code == status
    assert_refused(r, (status,))
    assert r.headers["content-type"].startswith("application/json")
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_unexpected_exception_is_a_plain_500(caplog):
    app = create_app(Settings())

    @app.get("/boom")
    async def boom():
        raise ZeroDivisionError("secret detail")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert strict_json(r.content) == {"detail": "internal error"}
    assert "secret" not in r.text
    assert r.headers["x-content-type-options"] == "nosniff"
    assert any("ZeroDivisionError" in (rec.exc_text or "") for rec in caplog.records)


def test_docs_are_local(client):
    r = client.get("/docs")
    assert r.status_code == 200 and "/api/runs" in r.text
    assert "http://" not in r.text and "https://" not in r.text and "<script" not in r.text
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/redoc").url.path == "/docs"


# ---- WebSocket /ws/runs ------------------------------------------------------------------------

START = {"type": "start", **GOOD, "steps": 3, "steps_per_second": 1000}
START_BYTES = json.dumps(START).encode()


def recv(ws) -> dict:
    text = ws.receive_text()
    for mark in TRACE_MARKS:
        assert mark not in text
    return strict_json(text)


def until(ws, kind: str, limit: int = 5_000) -> dict:
    for _ in range(limit):
        msg = recv(ws)
        if msg["type"] == kind:
            return msg
    raise AssertionError(f"no {kind}")


def still_usable(ws) -> None:
    ws.send_text(json.dumps(START))
    assert until(ws, "done")["reason"] == "finished"


def start_text(**patch) -> str:
    return json.dumps({**START, **patch})


WS_BAD = [
    "",
    "not json",
    "{",
    "[" * 5_000 + "]" * 5_000,
    "null",
    "[1, 2]",
    '"start"',
    "{}",
    '{"type": null}',
    '{"type": 5}',
    '{"type": ["start"]}',
    '{"type": "START"}',
    '{"type": "dance"}',
    '{"type": "' + "x" * 5_000 + '"}',
    '{"type": "start", "pad": "' + "x" * Settings().max_ws_message_bytes + '"}',  # too large
    '{"type": "pause"}',
    '{"type": "resume"}',
    '{"type": "step"}',
    '{"type": "stop"}',
    '{"type": "speed", "steps_per_second": 10}',
    '{"type": "start"}',
    start_text(surface="rosenbrock"),
    start_text(surface={"function": "nope"}),
    start_text(surface={"expression": "__import__('os')"}),
    start_text(steps="many"),
    start_text(steps=10**9),
    start_text(steps=1e308),
    start_text(steps=0),
    start_text(start=[1e308, 0]),
    start_text(start=[1, 2, 3]),
    start_text(optimizers=[]),
    start_text(optimizers=[{"name": "lbfgs"}]),
    start_text(optimizers=[{"name": "sgd", "lr": 0}]),
    start_text(optimizers=[{"name": "sgd", "lr": -1}]),
    start_text(optimizers=[{"name": "sgd", "lr": 1e308}]),
    start_text(optimizers=[{"name": "adam"}] * 9),
    start_text(steps_per_second=-1),
    start_text(steps_per_second=0),
    start_text(steps_per_second="fast"),
    start_text(paused="yes"),
    start_text(extra=True),
    '{"type": "start", "surface": {"function": "rosenbrock"}, "start": [NaN, 0], "optimizers": [{"name": "sgd"}]}',
    '{"type": "start", "surface": {"function": "rosenbrock"}, "optimizers": [{"name": "sgd", "lr": Infinity}]}',
    '{"type": "start", "surface": {"function": "rosenbrock"}, "steps_per_second": NaN, "optimizers": [{"name": "sgd"}]}',
    start_text(optimizers=[{"name": "sgd", "nesterov": True}]),
    '{"type": "start", "surface": {"function": "rosenbrock"}, "optimizers": [{"name": "sgd", "lr": 1'
    + "0" * 400
    + "}]}",
    '{"type": "\\ud800"}',
    '{"type": "\\udfffstart", "surface": {"expression": "\\ud800"}}',
    start_text(surface={"expression": "x+\ud800"}),
]


@pytest.mark.parametrize("raw", WS_BAD, ids=lambda r: r[:50])
def test_ws_bad_message_gets_error_frame(client, raw):
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_text(raw)
        msg = recv(ws)
        assert msg["type"] == "error" and isinstance(msg["message"], str), msg
        still_usable(ws)


SPEED_BAD = ["-1", "0", '"fast"', "null", "true", "[1]", "NaN", "Infinity", "-Infinity", "1e309"]


@pytest.mark.parametrize("value", SPEED_BAD)
def test_ws_bad_speed_during_a_run(client, value):
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_text(start_text(steps=5000, paused=True))
        until(ws, "started")
        ws.send_text('{"type": "speed", "steps_per_second": ' + value + "}")
        assert until(ws, "error")["message"].startswith("steps_per_second")
        ws.send_text('{"type": "stop"}')
        assert until(ws, "done")["reason"] == "stopped"


def test_ws_huge_but_finite_speed_is_capped(client):
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_text(start_text(steps=5000, paused=True, steps_per_second=1e308))
        started = until(ws, "started")
        assert started["speed"] == Settings().max_steps_per_second


def test_ws_speed_integer_beyond_float_range(client):
    """10**400 is a legal JSON number with no float: a start refuses it, a speed caps it."""
    huge = "1" + "0" * 400
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_text(start_text(steps=5000, paused=True)[:-1] + f', "steps_per_second": {huge}}}')
        assert "steps_per_second" in until(ws, "error")["message"]
        ws.send_text(start_text(steps=5000, paused=True))
        until(ws, "started")
        ws.send_text('{"type": "speed", "steps_per_second": ' + huge + "}")
        ws.send_text('{"type": "step"}')
        last = 0  # the start point (step 0) may come first, in its own frames message
        while last < 1:
            last = until(ws, "frames")["frames"][-1]["step"]
        assert last == 1
        ws.send_text('{"type": "stop"}')
        assert until(ws, "done")["reason"] == "stopped"
        still_usable(ws)


def test_ws_binary_frames(client):
    with client.websocket_connect("/ws/runs") as ws:
        for payload in (b"", b"\x00\xff" * 100, START_BYTES):
            ws.send_bytes(payload)
            assert "binary" in recv(ws)["message"]
        still_usable(ws)


@pytest.mark.parametrize(
    "flood",
    [
        '{"type": "step"}',
        '{"type": "speed", "steps_per_second": 500}',
        '{"type": "pause"}',
        '{"type": "resume"}',
    ],
)
def test_ws_flood_of_controls_during_a_run(client, flood):
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_text(start_text(steps=2000, paused=True))
        until(ws, "started")
        for _ in range(1000):
            ws.send_text(flood)
        ws.send_text('{"type": "stop"}')
        done = until(ws, "done", limit=100_000)
        assert done["stopped"] is True
        still_usable(ws)


def test_ws_flood_of_steps_before_start_and_of_garbage(client):
    with client.websocket_connect("/ws/runs") as ws:
        for raw in ['{"type": "step"}'] * 1000 + ["garbage"] * 1000:
            ws.send_text(raw)
        errors = [recv(ws) for _ in range(2000)]
        assert all(e["type"] == "error" for e in errors)
        still_usable(ws)


def test_ws_flood_of_starts_ends_with_the_last(client):
    with client.websocket_connect("/ws/runs") as ws:
        for k in range(200):
            ws.send_text(start_text(steps=1000 + k, paused=True))
        ws.send_text('{"type": "stop"}')
        done = until(ws, "done", limit=100_000)
        assert done["reason"] == "stopped"
        # Every start was answered, in order; the last is the one that was stopped.
        still_usable(ws)
