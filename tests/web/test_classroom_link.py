"""The classroom address: what the console and the mentor's share link offer students."""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.web import lan
from tests.conftest import LiveServer

ROOT = Path(__file__).resolve().parents[2]


def routed_address() -> str | None:
    """The source address the kernel picks for an outbound UDP socket (no packet is sent):
    a second, independent way to find this machine's address on its network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
        except OSError:
            return None
        return s.getsockname()[0]


def test_lan_addresses_are_this_machines_usable_ipv4_addresses():
    found = lan.lan_addresses()
    for text in found:
        ip = ipaddress.IPv4Address(text)
        assert not (ip.is_loopback or ip.is_link_local or ip.is_unspecified)
    assert len(found) == len(set(found))
    routed = routed_address()
    if routed is not None and not ipaddress.IPv4Address(routed).is_loopback:
        assert routed in found


def test_student_urls_follow_the_bound_host():
    assert lan.student_urls("127.0.0.1", 8000) == []
    assert lan.student_urls("localhost", 8000) == []
    assert lan.student_urls("10.1.2.3", 8123) == ["http://10.1.2.3:8123"]
    assert lan.student_urls("fd00::5", 8000) == ["http://[fd00::5]:8000"]
    assert lan.student_urls("0.0.0.0", 8123) == [f"http://{ip}:8123" for ip in lan.lan_addresses()]


def test_startup_note_names_the_address_or_says_why_not(monkeypatch):
    assert "--host 0.0.0.0" in lan.startup_note("127.0.0.1", 8000)
    assert (
        lan.startup_note("10.1.2.3", 8000) == "students on this network open http://10.1.2.3:8000"
    )
    note = lan.startup_note("127.0.0.1", 8000, "http://192.168.1.23:8080")
    assert note == "students on this network open http://192.168.1.23:8080"
    # Inside Docker or Podman the container's bridge address would mislead: the host's counts.
    monkeypatch.setattr(lan, "in_container", lambda: True)
    assert "LERENG_CLASS_URL" in lan.startup_note("0.0.0.0", 8000)
    # A laptop not yet on the classroom Wi-Fi: listening everywhere, no address to offer.
    monkeypatch.setattr(lan, "in_container", lambda: False)
    monkeypatch.setattr(lan, "lan_addresses", lambda: [])
    assert "no network address" in lan.startup_note("0.0.0.0", 8000)


def test_the_console_names_the_students_address():
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--host", "10.255.255.254", "--port", "1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first = proc.stdout.readline()
    finally:
        proc.kill()
        proc.wait()
    # Printed before uvicorn binds (binding this address then fails: the line is what counts).
    assert first.strip() == "lereng: students on this network open http://10.255.255.254:1"


def page_config(html: str) -> dict:
    found = re.search(r'<script[^>]*id="config"[^>]*>(.*?)</script>', html, re.S)
    assert found, "the page carries its config"
    return json.loads(found.group(1))


@pytest.mark.parametrize("path", ["/", "/regression", "/network", "/backprop"])
def test_each_page_tells_the_servers_own_screen_where_students_connect(path):
    with LiveServer(Settings(host="0.0.0.0")) as server:
        cfg = page_config(httpx.get(server.url + path).text)["classroom"]
        assert cfg == {"urls": lan.student_urls("0.0.0.0", server.port), "loopback_only": False}
        # Asked by name rather than by loopback address: someone reached it from elsewhere.
        other = httpx.get(server.url + path, headers={"host": f"kelas.example:{server.port}"})
        assert page_config(other.text)["classroom"] is None


def test_a_loopback_only_server_says_so_and_class_url_overrides():
    with LiveServer(Settings()) as server:
        cfg = page_config(httpx.get(server.url + "/").text)["classroom"]
        assert cfg == {"urls": [], "loopback_only": True}
    with LiveServer(Settings(class_url="http://192.168.1.23:8080/")) as server:
        cfg = page_config(httpx.get(server.url + "/").text)["classroom"]
        assert cfg == {"urls": ["http://192.168.1.23:8080"], "loopback_only": False}


def test_other_clients_are_not_told_the_servers_addresses():
    client = TestClient(create_app(Settings(host="0.0.0.0")))  # its peer is "testclient"
    assert page_config(client.get("/").text)["classroom"] is None
