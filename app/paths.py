"""Where static/ and templates/ are: the checkout, or inside the installed wheel."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _locate(package: str, folder: str) -> Path:
    # A wheel carries the folders as app._static / app._templates (see pyproject.toml); a
    # checkout or an editable install has them at the top level.
    local = ROOT / folder
    if local.is_dir():
        return local
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    raise RuntimeError(f"cannot find the {folder}/ folder")


STATIC_DIR = _locate("app._static", "static")
TEMPLATES_DIR = _locate("app._templates", "templates")
