"""WebSocket /ws/runs through TestClient: control flow, errors, and agreement with POST."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.problems.surfaces import SURFACES, SurfaceProblem
from app.racers import make_racers
from app.runs import Run
from app.web.outbox import encode_records
from tests.web.helpers import strict_json

BODY = {
    "surface": {"function": "rosenbrock"},
    "start": [-1.5, 2.0],
    "steps": 40,
    "optimizers": [
        {"name": "sgd", "lr": 0.05},  # diverges within a few steps
        {"name": "adam", "lr": 0.05},
        {"name": "sgd", "lr": 1e-3, "momentum": 0.9},
    ],
}


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app(Settings()))


def recv(ws) -> dict:
    return strict_json(ws.receive_text())


def recv_until(ws, kind: str, limit: int = 10_000) -> tuple[list[dict], dict]:
    seen = []
    for _ in range(limit):
        msg = recv(ws)
        if msg["type"] == kind:
            return seen, msg
        seen.append(msg)
    raise AssertionError(f"no {kind} message")


def frames_of(messages) -> list[dict]:
    return [f for m in messages if m["type"] == "frames" for f in m["frames"]]


def test_stream_equals_post(client):
    posted = strict_json(client.post("/api/runs", json=BODY).content)["runs"]
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_json({"type": "start", **BODY, "steps_per_second": 2000})
        started = recv(ws)
        assert started["type"] == "started" and len(started["racers"]) == 3
        msgs, done = recv_until(ws, "done")
    frames = frames_of(msgs)
    assert [f["step"] for f in frames] == list(range(len(frames)))
    for i, run in enumerate(posted):
        mine = [e for f in frames for e in f["racers"] if e["i"] == i]
        assert [e["point"] for e in mine] == run["points"]
        assert [e["loss"] for e in mine] == run["losses"]
        assert [e["grad"] for e in mine] == run["grads"]
        assert mine[-1]["status"] == run["status"] == done["runs"][i]["status"]
    assert posted[0]["status"] == "diverged" and done["stopped"] is False


def test_pause_step_resume_speed_stop(client):
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_json({"type": "start", **BODY, "steps": 5000, "paused": True})
        assert recv(ws)["type"] == "started"
        first = recv(ws)
        assert [f["step"] for f in first["frames"]] == [0]
        for expected in (1, 2, 3):
            ws.send_json({"type": "step"})
            msg = recv(ws)
            assert [f["step"] for f in msg["frames"]] == [expected]
        ws.send_json({"type": "speed", "steps_per_second": 600})
        ws.send_json({"type": "resume"})
        msg = recv(ws)
        assert msg["type"] == "frames" and msg["frames"][0]["step"] == 4
        ws.send_json({"type": "pause"})
        ws.send_json({"type": "stop"})
        _, done = recv_until(ws, "done")
        assert done["stopped"] is True
        # A stopped socket takes a new run.
        ws.send_json({"type": "start", **BODY, "steps": 3, "steps_per_second": 1000})
        _, done = recv_until(ws, "done")
        assert done["stopped"] is False


BAD_MESSAGES = [
    ("not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"type": 5}', "type"),
    ('{"type": "dance"}', "unknown message type"),
    ('{"type": "pause"}', "send 'start' first"),
    ('{"type": "start"}', "optimizers: Field required"),
    (
        '{"type": "start", "surface": {"function": "rosenbrock"}, "optimizers": [{"name": "x"}]}',
        "unknown optimizer",
    ),
    (
        '{"type": "start", "surface": {"expression": "__import__(1)"}, "optimizers": [{"name": "sgd"}]}',
        "not allowed",
    ),
    (
        '{"type": "start", "surface": {"function": "booth"}, "steps": 1e9, "optimizers": [{"name": "sgd"}]}',
        "steps",
    ),
]


@pytest.mark.parametrize(("raw", "needle"), BAD_MESSAGES)
def test_bad_messages_get_error_frames_and_socket_stays_usable(client, raw, needle):
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_text(raw)
        msg = recv(ws)
        assert msg["type"] == "error" and needle in msg["message"], msg
        ws.send_json({"type": "start", **BODY, "steps": 2, "steps_per_second": 1000})
        _, done = recv_until(ws, "done")
        assert done["type"] == "done"


def test_a_refusal_names_the_request_it_refuses(client):
    # A page that sends stop and start in a burst counts the answers to its starts: a refused
    # stop (its run had just ended) must be told apart from a refused start.
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_json({"type": "stop"})
        refusal = recv(ws)
        assert refusal["type"] == "error" and refusal["request"] == "stop"
        ws.send_json({"type": "start", **BODY, "optimizers": [{"name": "x"}]})
        refusal = recv(ws)
        assert refusal["type"] == "error" and refusal["request"] == "start"
        # Before a type is known there is no request to name.
        ws.send_text("[1, 2]")
        assert "request" not in recv(ws)


def test_binary_and_oversize_messages(client):
    with client.websocket_connect("/ws/runs") as ws:
        ws.send_bytes(b"\x00\x01")
        assert "binary" in recv(ws)["message"]
        ws.send_text('{"type": "pause", "pad": "' + "x" * 300_000 + '"}')
        assert "too large" in recv(ws)["message"]
        ws.send_json({"type": "speed", "steps_per_second": -3})
        assert recv(ws)["type"] == "error"


def test_session_limit_closes_with_1013():
    app = create_app(Settings(max_ws_sessions=1))
    client = TestClient(app)
    with client.websocket_connect("/ws/runs") as first:
        with client.websocket_connect("/ws/runs") as second:
            msg = second.receive()
            assert msg["type"] == "websocket.close" and msg["code"] == 1013
        first.send_json({"type": "start", **BODY, "steps": 2, "steps_per_second": 1000})
        _, done = recv_until(first, "done")


def test_foreign_origin_refused(client):
    from starlette.websockets import WebSocketDisconnect

    with (
        pytest.raises(WebSocketDisconnect) as info,
        client.websocket_connect("/ws/runs", headers={"origin": "http://evil.example"}) as ws,
    ):
        ws.receive_text()
    assert info.value.code == 1008


def test_engine_slices_end_early_but_never_empty():
    run = Run(SurfaceProblem(SURFACES["booth"]), make_racers([{"name": "sgd"}]), (0, 0), 10)
    records = run.records()
    assert encode_records(records, 0) == ([], False)
    # A spent slice still makes one step, so every session moves on each turn.
    frames, ended = encode_records(records, 5, max_seconds=0)
    assert [f.step for f in frames] == [0] and not ended
    frames, ended = encode_records(records, 4)
    assert [f.step for f in frames] == [1, 2, 3, 4] and not ended
    frames, ended = encode_records(records, 100)
    assert [f.step for f in frames] == list(range(5, 11)) and ended
