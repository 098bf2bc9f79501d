"""A local API reference at /docs, built from the OpenAPI schema with no external assets.

FastAPI's Swagger UI and ReDoc pages load their scripts from a CDN, which the classroom (often
offline) cannot reach and the CSP forbids; this page lists the same operations in plain HTML.
The machine-readable schema stays at /openapi.json.
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

router = APIRouter(tags=["docs"])

METHODS = ("get", "post", "put", "patch", "delete")

STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1b1b1b; }
code, pre { font: 14px ui-monospace, monospace; }
.op { border-top: 1px solid #ccc; padding: .5rem 0; }
.method { display: inline-block; min-width: 4rem; font-weight: bold; color: #0072B2; }
.params { margin: .25rem 0 0 4rem; color: #444; }
"""


def _params(op: dict[str, Any]) -> str:
    items = []
    for p in op.get("parameters", []):
        kind = p.get("schema", {}).get("type") or "value"
        items.append(f"<code>{escape(p['name'])}</code> ({escape(p['in'])}, {escape(kind)})")
    body = op.get("requestBody", {}).get("content", {})
    for media, spec in body.items():
        ref = spec.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
        items.append(f"body: <code>{escape(media)}</code> {escape(ref)}")
    codes = ", ".join(escape(str(c)) for c in op.get("responses", {}))
    if codes:
        items.append(f"responses: {codes}")
    return "<br>".join(items)


def render(schema: dict[str, Any]) -> str:
    info = schema.get("info", {})
    title = escape(f"{info.get('title', 'API')} {info.get('version', '')}".strip())
    rows = []
    for path, ops in schema.get("paths", {}).items():
        for method in METHODS:
            op = ops.get(method)
            if op is None:
                continue
            summary = escape(op.get("description") or op.get("summary") or "")
            rows.append(
                f'<div class="op"><span class="method">{method.upper()}</span>'
                f"<code>{escape(path)}</code> {summary}"
                f'<div class="params">{_params(op)}</div></div>'
            )
    return (
        "<!doctype html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>"
        f"<h1>{title}</h1>"
        '<p>The full machine-readable schema: <a href="/openapi.json">/openapi.json</a>. '
        "Live runs stream over the WebSocket <code>/ws/runs</code>.</p>"
        + "".join(rows)
        + "</body></html>"
    )


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
async def docs(request: Request) -> HTMLResponse:
    """The API reference as a plain page (works offline)."""
    return HTMLResponse(render(request.app.openapi()))


@router.get("/redoc", include_in_schema=False)
async def redoc() -> RedirectResponse:
    return RedirectResponse("/docs")
