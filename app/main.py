"""Application factory: wires settings, routers, static files and error handlers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import __version__
from app.config import Settings
from app.paths import STATIC_DIR
from app.web import api, data_api, pages, stream
from app.web.errors import ApiError, describe_validation_error
from app.web.security import SecurityHeaders
from app.web.wire import WireResponse


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(title="Lereng", version=__version__, default_response_class=WireResponse)
    app.state.settings = settings
    # Landscape grids and plotly.min.js compress 3-4x; classroom Wi-Fi is the bottleneck.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(data_api.router)
    app.include_router(stream.router)

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

    return app
