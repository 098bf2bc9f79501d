"""Settings: every limit and server option, read from LERENG_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    # Limits are enforced on the server; the page only mirrors them for friendlier controls.
    max_steps: int = 10_000
    max_optimizers: int = 8
    max_grid: int = 400
    default_grid: int = 150
    max_expression_chars: int = 200
    max_expression_nodes: int = 100
    max_expression_depth: int = 20
    max_ws_message_bytes: int = 16_384
    max_ws_sessions: int = 64
    max_steps_per_second: float = 2_000.0
    extra_origins: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from LERENG_<NAME> variables, falling back to the defaults."""
        env = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = env.get(f"LERENG_{f.name.upper()}")
            if raw is None:
                continue
            default = getattr(cls, f.name, None)
            if f.name == "extra_origins":
                values[f.name] = tuple(o.strip() for o in raw.split(",") if o.strip())
            elif isinstance(default, bool):
                values[f.name] = raw.lower() in {"1", "true", "yes"}
            elif isinstance(default, int):
                values[f.name] = int(raw)
            elif isinstance(default, float):
                values[f.name] = float(raw)
            else:
                values[f.name] = raw
        return cls(**values)
