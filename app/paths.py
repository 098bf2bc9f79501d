"""Where static/ and templates/ are: inside the installed wheel, or in the checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent


def _locate(folder: str) -> Path:
    # A wheel carries the folders as app/_static and app/_templates (see pyproject.toml); a
    # checkout or an editable install has them at the top level, next to app/. The packaged copy
    # wins, so an installed app never serves files from whatever lies beside site-packages.
    for candidate in (PACKAGE / f"_{folder}", ROOT / folder):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"cannot find the {folder}/ folder next to {PACKAGE}")


STATIC_DIR = _locate("static")
TEMPLATES_DIR = _locate("templates")
