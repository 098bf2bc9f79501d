"""The engine stays pure NumPy: no web framework, no app.web, only numpy and the stdlib."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "app" / "engine"
FORBIDDEN = ("fastapi", "starlette", "pydantic", "uvicorn", "app.web")
FILES = sorted(ENGINE.rglob("*.py"))


def imported_modules(path: Path) -> list[str]:
    """Absolute names of every module a file imports; relative imports stay inside app.engine."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                names.append(f"{base}.{node.module}" if node.module else base)
            else:
                names.append(node.module or "")
    return names


def test_engine_files_exist() -> None:
    # The walk below must see the real engine, not an empty folder.
    names = {str(p.relative_to(ENGINE)) for p in FILES}
    assert {"tensor.py", "ops/__init__.py", "functional.py", "losses.py", "nn.py"} <= names


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ENGINE)) for p in FILES])
def test_imports_only_numpy_stdlib_and_engine(path: Path) -> None:
    for mod in imported_modules(path):
        top = mod.split(".")[0]
        assert not any(mod == f or mod.startswith(f + ".") for f in FORBIDDEN), f"imports {mod}"
        assert (
            top == "numpy"
            or top in sys.stdlib_module_names
            or mod == "app.engine"
            or mod.startswith("app.engine.")
        ), f"{path.name} imports {mod}: the engine may use only numpy and the standard library"


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ENGINE)) for p in FILES])
def test_every_module_opens_with_a_one_line_docstring(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text()))
    assert doc, f"{path.name} has no module docstring"
    assert "\n" not in doc.split("\n\n")[0].strip(), f"{path.name}: first docstring line wraps"


def test_importing_the_engine_loads_no_web_framework() -> None:
    code = (
        "import sys, app.engine, app.engine.functional, app.engine.losses, app.engine.nn\n"
        f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"loaded: {done.stdout.strip()}"
