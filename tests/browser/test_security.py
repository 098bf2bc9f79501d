"""The Content-Security-Policy in real Chromium: every page, every plot type, no violation, and
no request (HTTP or WebSocket) leaving the app's origin.

A securitypolicyviolation listener is installed before any page script runs; predicates are
arrow functions, since the CSP forbids the string eval Playwright uses for bare expressions.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute

from app.web import docs, pages
from app.web.security import CSP

pytestmark = pytest.mark.browser

READY = "() => window.__lereng && window.__lereng.plotsReady === true"
LISTEN = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__csp.push("
    "e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));"
)
PLOT_TYPES = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .flatMap(d => (d.data || []).map(t => t.type || 'scatter'))"""


def html_pages() -> list[str]:
    """Every HTML page (GET routes answering HTML, without path parameters) of the routers
    that serve pages: the labs in pages.py and the API reference in docs.py."""
    paths = []
    for route in [*pages.router.routes, *docs.router.routes]:
        if not isinstance(route, APIRoute) or "GET" not in route.methods or "{" in route.path:
            continue
        if route.response_class is HTMLResponse:
            paths.append(route.path)
    return sorted(paths)


PAGES = html_pages()


class Watch:
    def __init__(self, page, origin: str) -> None:
        self.origin = origin
        self.external: list[str] = []
        self.csp_headers: dict[str, str] = {}
        page.on("request", lambda r: self._check(r.url))
        page.on("websocket", lambda ws: self._check(ws.url))
        page.on("response", self._response)
        page.add_init_script(LISTEN)

    def _check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return
        # The app's WebSocket is the same origin over ws://.
        scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
        if f"{scheme}://{parts.netloc}" != self.origin:
            self.external.append(url)

    def _response(self, response) -> None:
        if response.request.resource_type == "document":
            self.csp_headers[response.url] = response.headers.get("content-security-policy", "")


def violations(page) -> list[str]:
    return page.evaluate("() => window.__csp")


def test_pages_are_discovered():
    assert "/" in PAGES and "/docs" in PAGES


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_without_violation_or_foreign_request(page, live_server, path):
    watch = Watch(page, live_server.url)
    page.goto(live_server.url + path, wait_until="networkidle")
    if page.evaluate("() => !!window.__lereng"):
        page.wait_for_function(READY, timeout=20_000)
    assert violations(page) == []
    assert watch.external == []
    assert set(watch.csp_headers.values()) == {CSP}


def test_every_plot_type_renders_under_the_policy(page, live_server):
    """Contour, scatter, the 3D surface and scatter3d paths, during a race, in both views."""
    page.set_viewport_size({"width": 900, "height": 800})  # narrow: one plot and a view toggle
    watch = Watch(page, live_server.url)
    page.goto(f"{live_server.url}/?f=rosenbrock&sps=240&steps=400")
    page.wait_for_function(READY, timeout=20_000)
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 40", timeout=15_000)
    page.click("#view-toggle button[data-view='surface']")
    page.wait_for_function(
        """() => document.getElementById('surface-plot').data
            .filter(t => t.type === 'scatter3d' && t.mode === 'lines')
            .every(t => t.x.length >= 2)""",
        timeout=15_000,
    )
    box = page.locator("#surface-plot").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # 3D hover
    page.mouse.wheel(0, -200)  # and a camera zoom
    page.click("#view-toggle button[data-view='contour']")
    page.wait_for_function("() => window.__lereng.step >= 120", timeout=15_000)
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.plots.caughtUp()", timeout=15_000)
    types = set(page.evaluate(PLOT_TYPES))
    assert {"contour", "scatter", "surface", "scatter3d"} <= types
    assert violations(page) == []
    assert watch.external == []


def test_policy_blocks_what_it_should(page, live_server):
    """The listener works: an inline script and a foreign image are refused and reported."""
    watch = Watch(page, live_server.url)
    page.goto(f"{live_server.url}/docs", wait_until="networkidle")
    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.__ran = true';
            document.body.appendChild(s);
        }"""
    )
    page.wait_for_function("() => window.__csp.length >= 1")
    assert page.evaluate("() => window.__ran === undefined")
    assert any(v.startswith("script-src") for v in violations(page))
    assert watch.external == []
