"""The wheel serves every page: build it, install it into a fresh venv, start it, fetch pages.

The venv has no system site-packages, so the runtime dependencies come from the package index
exactly as for a user, and no editable install of the checkout can shadow the wheel. About 20 s
here (wheel 1 s, venv 3 s, dependency install 10 to 16 s, server start 1 s).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _free_port

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("app", "static", "templates", "pyproject.toml", "setup.py", "README.md")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")


def _run(cmd: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _clean_env() -> dict[str, str]:
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("LERENG_")}


class Installed:
    def __init__(self, src: Path, wheel: Path, venv: Path, cwd: Path, timings: dict) -> None:
        # src is the copy the wheel was built from: compare against it, not the checkout, which
        # others may be editing while the suite runs.
        self.src, self.wheel, self.venv, self.cwd, self.timings = src, wheel, venv, cwd, timings
        self.python = venv / "bin" / "python"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    tmp = tmp_path_factory.mktemp("wheel")
    # Build from a copy, so the checkout gains no build/ or *.egg-info and a stale build/ from
    # an earlier run cannot slip deleted files into the wheel.
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=IGNORE)
        else:
            shutil.copy2(path, src / name)
    timings = {}
    t = time.monotonic()
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    _run([*pip_wheel, "-w", str(tmp / "dist"), str(src)], 120, cwd=tmp)
    (wheel,) = (tmp / "dist").glob("lereng-*.whl")
    timings["wheel"] = time.monotonic() - t

    t = time.monotonic()
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], 120, env=_clean_env())
    timings["venv"] = time.monotonic() - t
    t = time.monotonic()
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    _run([*pip, str(wheel)], 300, cwd=tmp, env=_clean_env())
    timings["install"] = time.monotonic() - t
    cwd = tmp / "elsewhere"  # not the checkout: nothing importable lies here
    cwd.mkdir()
    return Installed(src, wheel, venv, cwd, timings)


def test_wheel_carries_every_package_static_file_and_template(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    src = installed.src
    packages = {
        p.parent.relative_to(src).as_posix()
        for p in (src / "app").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    missing = [f"{p}/__init__.py" for p in sorted(packages) if f"{p}/__init__.py" not in names]
    for folder, packaged in (("static", "app/_static"), ("templates", "app/_templates")):
        for path in sorted((src / folder).rglob("*")):
            if path.is_file():
                name = f"{packaged}/{path.relative_to(src / folder).as_posix()}"
                if name not in names:
                    missing.append(name)
    assert not missing, f"missing from {installed.wheel.name}: {missing}"
    assert not any(n.startswith(("tests/", "bench/", "scripts/")) for n in names)


def test_venv_imports_the_wheel_not_the_checkout(installed):
    code = (
        "import json, app, app.paths as p; "
        "print(json.dumps([app.__file__, str(p.STATIC_DIR), str(p.TEMPLATES_DIR)]))"
    )
    proc = _run([str(installed.python), "-c", code], 60, cwd=installed.cwd, env=_clean_env())
    venv = installed.venv.resolve()
    for path in json.loads(proc.stdout):
        assert Path(path).resolve().is_relative_to(venv), path
    print(f"\nwheel test timings: {installed.timings}")  # shown with -s; see the docstring


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as exc:  # the status goes into the assertion message
        return exc.code, exc.headers.get("content-type", ""), exc.read()


@pytest.fixture(scope="module")
def server(installed) -> Iterator[tuple[str, Installed]]:
    port = _free_port()
    env = {**_clean_env(), "LERENG_LOG_LEVEL": "warning"}
    proc = subprocess.Popen(
        [str(installed.venv / "bin" / "lereng"), "--port", str(port)],
        cwd=installed.cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"lereng exited: {proc.stdout.read().decode()[-3000:]}")
            try:
                if _get(url + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the installed server did not answer /healthz within 30 s")
            time.sleep(0.1)
        yield url, installed
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_installed_server_serves_the_page_and_its_plotly_bundle(server):
    server, _ = server
    status, kind, body = _get(server + "/")
    html = body.decode()
    assert status == 200 and kind.startswith("text/html")
    match = re.search(r'src="(/vendor/plotly-[\w.]+\.min\.js)"', html)
    assert match, "the page names no Plotly bundle"
    status, kind, js = _get(server + match.group(1))
    assert status == 200 and "javascript" in kind and len(js) > 1_000_000
    status, kind, main = _get(server + "/static/js/main.js")
    assert status == 200 and "javascript" in kind and b"import" in main
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert _get(server + asset)[0] == 200, asset
    status, _, health = _get(server + "/healthz")
    assert status == 200 and json.loads(health) == {"status": "ok"}


def test_installed_server_serves_every_page_route_and_static_file(server):
    server, installed = server
    # The page routes as the installed package declares them.
    code = (
        "import json; from app.web import pages; print(json.dumps([r.path for r in "
        "pages.router.routes if 'GET' in getattr(r, 'methods', ()) and '{' not in r.path]))"
    )
    proc = _run([str(installed.python), "-c", code], 60, cwd=installed.cwd, env=_clean_env())
    routes = json.loads(proc.stdout)
    assert "/" in routes
    failed = {path: status for path in routes if (status := _get(server + path)[0]) != 200}
    assert not failed, f"pages that fail from the installed wheel: {failed}"
    static = installed.src / "static"
    for path in [p for p in static.rglob("*") if p.is_file()]:
        url = f"{server}/static/{path.relative_to(static).as_posix()}"
        status, _, body = _get(url)
        assert status == 200 and body == path.read_bytes(), url
    status, _, catalog = _get(server + "/api/functions")
    assert status == 200 and any(f["id"] == "rosenbrock" for f in json.loads(catalog))
