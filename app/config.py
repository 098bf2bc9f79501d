"""Settings: every limit and server option, read from LERENG_* environment variables.

Each field's `help` metadata is its one-line meaning; README.md lists every variable with its
default (tests/deploy/test_config.py keeps the two in step). A bad value stops the server at
startup with a message that names the variable, never a traceback deep inside a request.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit

PREFIX = "LERENG_"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


class ConfigError(ValueError):
    """An invalid setting; the message names the field (or, from the environment, the variable)."""

    def __init__(self, message: str, name: str | None = None) -> None:
        super().__init__(message)
        self.name = name


def _opt(default: typing.Any, help: str, minimum: float | None = None) -> typing.Any:
    return field(default=default, metadata={"help": help, "minimum": minimum})


@dataclass(frozen=True)
class Settings:
    # Server.
    host: str = _opt("127.0.0.1", "Address to bind (the Docker image uses 0.0.0.0).")
    port: int = _opt(8000, "TCP port to listen on.", minimum=1)
    workers: int = _opt(
        1, "Uvicorn worker processes (the container runs one; scale with replicas).", minimum=1
    )
    log_level: str = _opt("info", "Uvicorn log level: " + ", ".join(LOG_LEVELS) + ".")
    forwarded_allow_ips: str = _opt(
        "127.0.0.1",
        "Comma-separated proxy IPs or CIDRs whose X-Forwarded-For/-Proto headers are trusted "
        "(`*` trusts any peer: only behind a proxy that is the sole way in).",
    )
    extra_origins: tuple[str, ...] = _opt(
        (),
        "Comma-separated extra origins (scheme://host[:port]) allowed to open the WebSocket, "
        "besides the app's own origin.",
    )
    class_url: str = _opt(
        "",
        "The address students open (http://192.168.1.23:8000), for the share link on the "
        "server's own screen when the machine cannot tell it (Docker's port mapping).",
    )
    # Limits are enforced on the server; the page only mirrors them for friendlier controls.
    max_steps: int = _opt(10_000, "Most steps in one run (REST and WebSocket).", minimum=1)
    max_optimizers: int = _opt(8, "Most optimizers racing in one run.", minimum=1)
    max_sweep_rates: int = _opt(
        40, "Most learning rates per optimizer in one learning-rate sweep.", minimum=2
    )
    max_grid: int = _opt(400, "Most landscape grid points per axis.", minimum=2)
    default_grid: int = _opt(
        150, "Grid points per axis when a request names none (at most the maximum).", minimum=2
    )
    max_expression_chars: int = _opt(200, "Most characters in a custom formula.", minimum=1)
    max_expression_nodes: int = _opt(100, "Most syntax-tree nodes in a custom formula.", minimum=1)
    max_expression_depth: int = _opt(20, "Deepest nesting in a custom formula.", minimum=1)
    max_ws_message_bytes: int = _opt(
        262_144, "Largest WebSocket message from a client, in bytes.", minimum=64
    )
    max_ws_sessions: int = _opt(
        64, "Most concurrent WebSocket sessions per process; extras close with 1013.", minimum=1
    )
    max_steps_per_second: float = _opt(
        2_000.0, "Fastest streaming speed of one run, in steps per second.", minimum=0
    )
    max_run_seconds: float = _opt(
        600.0, "Longest wall-clock time of one streamed run, in seconds.", minimum=0
    )
    max_request_seconds: float = _opt(
        20.0,
        "Longest time of one POST /api/runs or /api/sweep answer, in seconds from the request's "
        "arrival (time queued behind others counts); a longer run is refused with 422 (the "
        "WebSocket streams a run instead).",
        minimum=0,
    )
    max_dataset_rows: int = _opt(5_000, "Most rows in a dataset, generated or uploaded.", minimum=1)
    max_upload_bytes: int = _opt(1_000_000, "Largest uploaded CSV file, in bytes.", minimum=1)
    max_hidden_layers: int = _opt(6, "Most hidden layers in a network.", minimum=1)
    max_layer_width: int = _opt(16, "Most units in one hidden layer.", minimum=1)
    max_network_landscape_grid: int = _opt(
        101, "Most grid points per axis of a network's loss landscape.", minimum=3
    )
    max_trajectory_points: int = _opt(
        300, "Most trajectory points sent with a network landscape request.", minimum=3
    )
    max_backprop_steps: int = _opt(
        1_000, "Most SGD steps in one backprop-lab training request.", minimum=1
    )

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self))
        for f in fields(self):
            value = getattr(self, f.name)
            minimum = f.metadata.get("minimum")
            kind = hints[f.name]
            if kind is float and not (isinstance(value, int | float) and math.isfinite(value)):
                raise ConfigError(f"{f.name} must be a finite number, got {value!r}", f.name)
            if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise ConfigError(f"{f.name} must be an integer, got {value!r}", f.name)
            if minimum is not None:
                # Integers may equal their minimum; rates and durations must exceed zero.
                ok = value > minimum if kind is float else value >= minimum
                if not ok:
                    rel = ">" if kind is float else ">="
                    raise ConfigError(f"{f.name} must be {rel} {minimum:g}, got {value!r}", f.name)
        if self.port > 65535:
            raise ConfigError(f"port must be at most 65535, got {self.port}", "port")
        if not self.host.strip():
            raise ConfigError("host must not be empty", "host")
        object.__setattr__(self, "log_level", self.log_level.strip().lower())
        if self.log_level not in LOG_LEVELS:
            raise ConfigError(
                f"log_level must be one of {', '.join(LOG_LEVELS)}, got {self.log_level!r}",
                "log_level",
            )
        _check_forwarded_allow_ips(self.forwarded_allow_ips)
        object.__setattr__(self, "extra_origins", tuple(_origin(o) for o in self.extra_origins))
        if self.class_url.strip():
            object.__setattr__(self, "class_url", _origin(self.class_url, "class_url"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from LERENG_<NAME> variables, falling back to the defaults."""
        env = os.environ if environ is None else environ
        hints = typing.get_type_hints(cls)
        values: dict[str, typing.Any] = {}
        for f in fields(cls):
            var = PREFIX + f.name.upper()
            raw = env.get(var)
            if raw is None:
                continue
            try:
                values[f.name] = _parse(raw, hints[f.name])
            except ValueError as exc:
                raise ConfigError(f"{var}={raw!r}: {exc}", f.name) from None
        # A smaller grid cap alone should not trip over the default grid size.
        if "default_grid" not in values and "max_grid" in values:
            values["default_grid"] = min(cls.default_grid, values["max_grid"])
        try:
            settings = cls(**values)
        except ConfigError as exc:
            var = PREFIX + (exc.name or "").upper()
            raw = env.get(var)
            shown = f"{var}={raw!r}" if raw is not None else var
            raise ConfigError(f"{shown}: {exc}", exc.name) from None
        if settings.default_grid > settings.max_grid:
            raise ConfigError(
                f"LERENG_DEFAULT_GRID ({settings.default_grid}) must not exceed "
                f"LERENG_MAX_GRID ({settings.max_grid})",
                "default_grid",
            )
        return settings

    @classmethod
    def unknown_variables(cls, environ: Mapping[str, str] | None = None) -> list[str]:
        """LERENG_* names that look like misspelt settings, each with its likely meaning."""
        env = os.environ if environ is None else environ
        known = [PREFIX + f.name.upper() for f in fields(cls)]
        notes = []
        for var in sorted(env):
            if var.startswith(PREFIX) and var not in known:
                close = difflib.get_close_matches(var, known, n=1, cutoff=0.85)
                if close:
                    notes.append(f"{var} is not a setting; did you mean {close[0]}?")
        return notes


def _parse(raw: str, kind: typing.Any) -> typing.Any:
    text = raw.strip()
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError("must be an integer") from None
    if kind is float:
        try:
            return float(text)
        except ValueError:
            raise ValueError("must be a number") from None
    if kind is bool:
        lowered = text.lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ValueError("must be true or false")
    if typing.get_origin(kind) is tuple:
        return tuple(item.strip() for item in text.split(",") if item.strip())
    return text


def _origin(value: str, name: str = "extra_origins") -> str:
    many = name == "extra_origins"
    what, one = (f"{name} entries", f"{name} entry") if many else (name, name)
    origin = value.strip().rstrip("/").lower()
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"{what} must look like https://host[:port], got {value!r}", name)
    if parts.path or parts.query or parts.fragment or parts.username:
        raise ConfigError(f"{what} must carry no path or query, got {value!r}", name)
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise ConfigError(f"{one} has a bad port: {value!r}", name) from None
    return origin


def _check_forwarded_allow_ips(value: str) -> None:
    entries = [e.strip() for e in value.split(",") if e.strip()]
    if not entries:
        raise ConfigError(
            "forwarded_allow_ips must name at least one address (or `*`)", "forwarded_allow_ips"
        )
    for entry in entries:
        if entry == "*":
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ConfigError(
                f"forwarded_allow_ips entries must be IP addresses, CIDR networks or `*`, "
                f"got {entry!r}",
                "forwarded_allow_ips",
            ) from None


def env_table() -> list[str]:
    """The README's table of variables, one Markdown row per setting (kept in step by a test)."""
    rows = ["| Variable | Default | Meaning |", "| --- | --- | --- |"]
    for f in fields(Settings):
        default = f.default
        if isinstance(default, tuple):
            shown = ",".join(default) or "(none)"
        elif isinstance(default, float):
            shown = f"{default:g}"
        else:
            shown = str(default) or "(none)"
        rows.append(f"| `{PREFIX}{f.name.upper()}` | `{shown}` | {f.metadata['help']} |")
    return rows
