"""Where students reach this server: its classroom-network addresses, for the share link."""

from __future__ import annotations

import ipaddress
import socket
import struct
from pathlib import Path

from fastapi import Request

from app.config import Settings

try:
    import fcntl
except ImportError:  # Windows: the routing-table fallback below answers instead
    fcntl = None

# Linux's ioctl asking an interface for its IPv4 address (struct ifreq in, sockaddr_in out).
_SIOCGIFADDR = 0x8915
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}


def _interface_addresses() -> list[str]:
    if fcntl is None:
        raise OSError("no ioctl on this platform")
    found = []
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                answer = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)
            except OSError:  # an interface without an IPv4 address
                continue
            found.append(socket.inet_ntoa(answer[20:24]))
    finally:
        probe.close()
    return found


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses that another computer could use: every interface's,
    without loopback, link-local or unspecified ones, private ranges (a classroom's Wi-Fi)
    first. Read from the interfaces, so it works on a network with no internet."""
    try:
        found = _interface_addresses()
    except OSError:  # no interface list on this platform: ask the routing table instead
        found = []
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.connect(("192.0.2.1", 9))  # UDP connect sends nothing; it picks a route
                found.append(s.getsockname()[0])
            except OSError:
                pass
    usable = []
    for text in dict.fromkeys(found):
        ip = ipaddress.IPv4Address(text)
        if not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
            usable.append(ip)
    return [str(ip) for ip in sorted(usable, key=lambda ip: (not ip.is_private, ip))]


def student_urls(host: str, port: int) -> list[str]:
    """Base URLs other computers can open for a server bound to host:port: one per address
    when it listens on every interface, none when it listens on loopback only."""
    if host in WILDCARD_HOSTS:
        return [f"http://{ip}:{port}" for ip in lan_addresses()]
    if is_loopback_host(host):
        return []
    return [f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"]


def is_loopback_host(host: str) -> bool:
    return host in LOOPBACK_NAMES or host.startswith("127.")


def in_container() -> bool:
    """Docker and Podman leave these marker files in every container."""
    return Path("/.dockerenv").exists() or Path("/run/.containerenv").exists()


def startup_note(host: str, port: int, class_url: str = "") -> str:
    """One line for the console: the addresses students open, or why there are none."""
    if not class_url and host in WILDCARD_HOSTS and in_container():
        # The container's own addresses are on a bridge no student can reach.
        return (
            "in a container, students open this host's address on the published port; set "
            "LERENG_CLASS_URL to it so the share link names it"
        )
    urls = [class_url] if class_url else student_urls(host, port)
    if urls:
        return "students on this network open " + " or ".join(urls)
    if is_loopback_host(host):
        return (
            "only this computer can open the app; start it with --host 0.0.0.0 to let "
            "students on the classroom network in"
        )
    return "no network address found yet: students can open the app once this computer joins"


def classroom_config(request: Request, settings: Settings) -> dict | None:
    """What the share link needs on the server's own screen, None for anyone else.

    A page opened at 127.0.0.1 would share a link that opens only on the mentor's computer;
    this tells it the addresses students can use instead. Only a browser on this machine that
    asked for a loopback host gets them: visitors from elsewhere already hold a working
    address, and need not learn the server's private ones."""
    client = request.client.host if request.client else ""
    asked = (request.url.hostname or "").lower()
    if not (_is_loopback(client) and is_loopback_host(asked)):
        return None
    if settings.class_url:
        return {"urls": [settings.class_url], "loopback_only": False}
    urls = student_urls(settings.host, request.url.port or settings.port)
    return {"urls": urls, "loopback_only": is_loopback_host(settings.host)}


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
