"""Settings from LERENG_* variables: defaults, parsing, clear failures, README table, CLI wiring."""

from __future__ import annotations

import os
import subprocess
import sys
import typing
from dataclasses import fields
from pathlib import Path

import pytest

import app.__main__ as cli
from app.config import ConfigError, Settings, env_table

ROOT = Path(__file__).resolve().parents[2]
FIELDS = [f.name for f in fields(Settings)]
HINTS = typing.get_type_hints(Settings)


def var(name: str) -> str:
    return "LERENG_" + name.upper()


def test_defaults_work_and_empty_environment_gives_them():
    assert Settings.from_env({}) == Settings()
    s = Settings()
    assert (s.host, s.port, s.workers, s.log_level) == ("127.0.0.1", 8000, 1, "info")
    assert s.forwarded_allow_ips == "127.0.0.1"
    assert s.max_run_seconds == 600
    assert (s.max_dataset_rows, s.max_upload_bytes) == (5000, 1_000_000)
    assert (s.max_hidden_layers, s.max_layer_width) == (6, 16)


def _sample(name: str) -> tuple[str, object]:
    """A valid raw value for each field and what it parses to."""
    special = {
        "host": ("0.0.0.0", "0.0.0.0"),
        "log_level": ("WARNING", "warning"),
        "forwarded_allow_ips": ("10.0.0.0/8, 192.168.1.5", "10.0.0.0/8, 192.168.1.5"),
        "extra_origins": (
            " https://Kelas.example/ ,http://10.1.2.3:8080,",
            ("https://kelas.example", "http://10.1.2.3:8080"),
        ),
        "default_grid": ("120", 120),
        "class_url": (" http://192.168.1.23:8000/ ", "http://192.168.1.23:8000"),
    }
    if name in special:
        return special[name]
    kind = HINTS[name]
    if kind is int:
        return " 3_000 ", 3000
    if kind is float:
        return "2.5", 2.5
    raise AssertionError(f"no sample for {name}: add one so every setting is tested")


@pytest.mark.parametrize("name", FIELDS)
def test_every_setting_reads_its_variable(name):
    raw, expected = _sample(name)
    settings = Settings.from_env({var(name): raw})
    assert getattr(settings, name) == expected
    # Nothing else moved.
    others = {f: getattr(settings, f) for f in FIELDS if f != name}
    assert others == {f: getattr(Settings(), f) for f in FIELDS if f != name}


BAD = [
    ("port", "eighty"),
    ("port", "0"),
    ("port", "70000"),
    ("port", "80.5"),
    ("workers", "0"),
    ("host", "   "),
    ("log_level", "loud"),
    ("max_steps", "-1"),
    ("max_steps", "1e4"),
    ("max_optimizers", "0"),
    ("max_sweep_rates", "1"),  # a sweep needs two rates at least
    ("max_grid", "1"),
    ("default_grid", "-150"),
    ("max_expression_chars", "0"),
    ("max_expression_nodes", "ten"),
    ("max_expression_depth", "0"),
    ("max_ws_message_bytes", "10"),
    ("max_ws_sessions", ""),
    ("max_steps_per_second", "0"),
    ("max_steps_per_second", "fast"),
    ("max_run_seconds", "inf"),
    ("max_run_seconds", "nan"),
    ("max_run_seconds", "-5"),
    ("max_request_seconds", "0"),
    ("max_request_seconds", "inf"),
    ("max_dataset_rows", "many"),
    ("max_upload_bytes", "1MB"),
    ("max_hidden_layers", "0"),
    ("max_layer_width", "2.0"),
    ("max_network_landscape_grid", "2"),
    ("max_trajectory_points", "many"),
    ("max_backprop_steps", "0"),
    ("extra_origins", "kelas.example"),
    ("extra_origins", "https://kelas.example/path"),
    ("extra_origins", "ftp://kelas.example"),
    ("extra_origins", "https://kelas.example:99999"),
    ("class_url", "192.168.1.23:8000"),
    ("class_url", "http://192.168.1.23:8000/regression"),
    ("forwarded_allow_ips", "proxy.local"),
    ("forwarded_allow_ips", " , "),
]


@pytest.mark.parametrize(("name", "raw"), BAD)
def test_invalid_values_fail_naming_the_variable(name, raw):
    with pytest.raises(ConfigError) as info:
        Settings.from_env({var(name): raw})
    assert str(info.value).startswith(f"{var(name)}={raw!r}: "), str(info.value)
    assert info.value.name == name


def test_every_numeric_setting_has_a_bad_value_in_the_table():
    numeric = {f for f in FIELDS if HINTS[f] in (int, float)}
    assert numeric <= {name for name, _ in BAD}


def test_default_grid_follows_a_smaller_max_grid_unless_set_above_it():
    assert Settings.from_env({"LERENG_MAX_GRID": "100"}).default_grid == 100
    assert (
        Settings.from_env({"LERENG_MAX_GRID": "100", "LERENG_DEFAULT_GRID": "80"}).default_grid
        == 80
    )
    with pytest.raises(ConfigError, match="LERENG_DEFAULT_GRID .* LERENG_MAX_GRID"):
        Settings.from_env({"LERENG_MAX_GRID": "100", "LERENG_DEFAULT_GRID": "120"})


def test_settings_built_in_code_are_checked_too():
    with pytest.raises(ConfigError, match="max_steps"):
        Settings(max_steps=0)
    with pytest.raises(ConfigError, match="max_steps_per_second"):
        Settings(max_steps_per_second=float("nan"))
    assert Settings(extra_origins=("HTTPS://A.example/",)).extra_origins == ("https://a.example",)


def test_misspelt_variables_are_pointed_out_and_others_ignored():
    notes = Settings.unknown_variables(
        {"LERENG_MAX_STEP": "5", "LERENG_CHROMIUM": "/usr/bin/chromium", "PATH": "/bin"}
    )
    assert notes == ["LERENG_MAX_STEP is not a setting; did you mean LERENG_MAX_STEPS?"]


def test_readme_lists_every_variable_with_its_default_and_meaning():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [row for row in env_table() if row not in readme]
    assert not missing, "README.md is out of date; paste app.config.env_table():\n" + "\n".join(
        missing
    )


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LERENG_")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def test_server_refuses_to_start_with_a_bad_variable():
    proc = subprocess.run(
        [sys.executable, "-m", "app"],
        env=_clean_env(LERENG_MAX_STEPS="lots"),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode != 0
    assert "LERENG_MAX_STEPS='lots'" in proc.stderr and "integer" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_flags_are_refused_before_uvicorn_starts(monkeypatch, capsys):
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("uvicorn started"))
    for flags in (["--port", "0"], ["--workers", "0"], ["--log-level", "chatty"]):
        with pytest.raises(SystemExit) as info:
            cli.main(flags)
        assert info.value.code == 2
    assert "port must be >= 1" in capsys.readouterr().err


@pytest.fixture
def captured(monkeypatch):
    calls: list[tuple[tuple, dict]] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: calls.append((a, k)))
    for name in list(os.environ):
        if name.startswith("LERENG_"):
            monkeypatch.delenv(name)
    return calls


def test_one_process_serves_an_app_object_with_proxy_headers_from_the_setting(
    captured, monkeypatch
):
    monkeypatch.setenv("LERENG_FORWARDED_ALLOW_IPS", "10.0.0.2")
    monkeypatch.setenv("LERENG_LOG_LEVEL", "warning")
    cli.main(["--port", "8123"])
    ((args, kwargs),) = captured
    assert not isinstance(args[0], str)  # an app object, built once
    assert args[0].state.settings.forwarded_allow_ips == "10.0.0.2"
    assert kwargs["host"] == "127.0.0.1" and kwargs["port"] == 8123
    assert kwargs["proxy_headers"] is True and kwargs["forwarded_allow_ips"] == "10.0.0.2"
    assert kwargs["log_level"] == "warning"
    assert "workers" not in kwargs


def test_several_workers_use_the_factory_import_string(captured, monkeypatch):
    monkeypatch.setenv("LERENG_WORKERS", "3")
    cli.main(["--host", "0.0.0.0"])
    cli.main(["--workers", "2"])
    (a3, k3), (a2, k2) = captured
    assert a3 == ("app.main:create_app",) and k3["factory"] is True and k3["workers"] == 3
    assert k3["host"] == "0.0.0.0"
    assert a2 == ("app.main:create_app",) and k2["workers"] == 2
