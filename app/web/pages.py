"""HTML pages (Jinja2) and the Plotly bundle served from the installed plotly package."""

from __future__ import annotations

import asyncio
import functools
import gzip
import hashlib
from pathlib import Path

import plotly
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from app import __version__
from app.paths import TEMPLATES_DIR
from app.web.lan import classroom_config

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_URL = f"/vendor/plotly-{plotly.__version__}.min.js"

router = APIRouter(tags=["pages"])
templates = Jinja2Templates(directory=TEMPLATES_DIR)


def _static(path: str) -> str:
    # The version query makes a new release fetch fresh assets while old ones stay cacheable.
    return f"/static/{path}?v={__version__}"


templates.env.globals.update(static=_static, plotly_url=PLOTLY_URL, version=__version__)


def _page_config(request: Request, lab: str) -> dict:
    s = request.app.state.settings
    return {
        "lab": lab,
        "version": __version__,
        "limits": {
            "max_steps": s.max_steps,
            "max_optimizers": s.max_optimizers,
            "max_grid": s.max_grid,
            "default_grid": s.default_grid,
            "max_expression_chars": s.max_expression_chars,
            "max_steps_per_second": s.max_steps_per_second,
            "max_ws_message_bytes": s.max_ws_message_bytes,
            "max_sweep_rates": s.max_sweep_rates,
        },
        "classroom": classroom_config(request, s),
    }


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def surface_page(request: Request) -> HTMLResponse:
    """The surface lab: optimizers racing over 2D loss surfaces."""
    return templates.TemplateResponse(
        request, "surface.html", {"config": _page_config(request, "surface")}
    )


@router.get("/regression", response_class=HTMLResponse, include_in_schema=False)
async def regression_page(request: Request) -> HTMLResponse:
    """The regression lab: the three losses and batch, stochastic and mini-batch descent."""
    return templates.TemplateResponse(
        request, "regression.html", {"config": _page_config(request, "regression")}
    )


@router.get("/network", response_class=HTMLResponse, include_in_schema=False)
async def network_page(request: Request) -> HTMLResponse:
    """The network lab: a small neural network learning toy data, and its loss landscape."""
    return templates.TemplateResponse(
        request, "network.html", {"config": _page_config(request, "network")}
    )


@router.get("/backprop", response_class=HTMLResponse, include_in_schema=False)
async def backprop_page(request: Request) -> HTMLResponse:
    """The backprop lab: the forward and backward pass of a tiny network, node by node."""
    return templates.TemplateResponse(
        request, "backprop.html", {"config": _page_config(request, "backprop")}
    )


@functools.cache
def _plotly_bundle() -> tuple[bytes, bytes, str]:
    raw = PLOTLY_JS.read_bytes()
    # Compressed once per process: forty students then cost 1.5 MB each, not 4.8 MB.
    return raw, gzip.compress(raw, compresslevel=9, mtime=0), hashlib.sha256(raw).hexdigest()[:16]


@router.get(PLOTLY_URL, include_in_schema=False)
async def plotly_js(request: Request) -> Response:
    """Plotly.js from the installed plotly package, so the page works offline."""
    raw, packed, digest = await asyncio.to_thread(_plotly_bundle)
    etag = f'"{digest}"'
    headers = {
        "Cache-Control": "public, max-age=31536000, immutable",
        "ETag": etag,
        "Vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(packed, media_type="text/javascript", headers=headers)
    return Response(raw, media_type="text/javascript", headers=headers)


@router.get("/healthz", tags=["health"])
async def healthz() -> dict[str, str]:
    """Liveness probe."""
    return {"status": "ok"}
