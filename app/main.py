"""Application factory: wires settings, routers, static files and error handlers."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import __version__
from app.config import Settings
from app.paths import STATIC_DIR
from app.web import api, backprop_api, data_api, docs, network_api, pages, stream, sweep_api
from app.web.errors import ApiError, describe_validation_error
from app.web.schemas import ErrorResponse
from app.web.security import HEADER_DICT, BodySizeLimit, SecurityHeaders
from app.web.wire import WireResponse

log = logging.getLogger("app")


def body_limit(settings: Settings) -> int:
    """Largest request body: a CSV upload at its limit plus room for multipart framing."""
    explicit = getattr(settings, "max_body_bytes", None)
    if explicit:
        return int(explicit)
    return int(getattr(settings, "max_upload_bytes", 1_000_000)) + 64 * 1024


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    # Swagger UI and ReDoc load from a CDN: docs.py serves a local page at /docs instead.
    app = FastAPI(
        title="Lereng",
        version=__version__,
        default_response_class=WireResponse,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    # Innermost first: the size guard answers before any route reads a body.
    app.add_middleware(BodySizeLimit, max_bytes=body_limit(settings))
    # Landscape grids and plotly.min.js compress 3-4x; classroom Wi-Fi is the bottleneck.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(data_api.router)
    app.include_router(network_api.router)
    app.include_router(sweep_api.router)
    app.include_router(backprop_api.router)
    app.include_router(stream.router)
    app.include_router(docs.router)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> WireResponse:
        return WireResponse(exc.body(), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> WireResponse:
        return WireResponse({"detail": describe_validation_error(exc.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> WireResponse:
        return WireResponse(
            {"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception) -> WireResponse:
        # The traceback stays in the server log; the client learns only that it failed. This
        # response skips the middleware stack (Starlette answers it outermost), hence the headers.
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return WireResponse({"detail": "internal error"}, status_code=500, headers=HEADER_DICT)

    _describe_refusals_in_openapi(app)
    return app


def _describe_refusals_in_openapi(app: FastAPI) -> None:
    """Every 422 here is `{"detail": "<sentence>"}` (see _validation_error), not FastAPI's list.

    FastAPI documents its own HTTPValidationError on every route with parameters; point those
    at ErrorResponse so the schema says what the server sends (tests/web/test_schema.py).
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        ours = {"$ref": "#/components/schemas/ErrorResponse"}
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorResponse"] = ErrorResponse.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        for operations in schema.get("paths", {}).values():
            for op in operations.values():
                refused = op.get("responses", {}).get("422")
                if refused is None:
                    continue
                refused["description"] = "Refused input, in plain words"
                refused["content"] = {"application/json": {"schema": ours}}
        if "/HTTPValidationError" not in json.dumps(schema.get("paths", {})):
            components.pop("HTTPValidationError", None)
            if "/ValidationError" not in json.dumps(components):
                components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
