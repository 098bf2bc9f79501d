"""Opens an exported HTML file from file:// in a fresh context with every other request refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class OfflineView:
    """The page showing the file, the URLs it tried to fetch, and its console errors."""

    page: object
    context: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.context.close()


def open_offline(browser, path: Path, timeout: float = 30_000, **context_options) -> OfflineView:
    """Load `path` with the network off and wait for the export's own ready flag;
    context_options go to browser.new_context (a phone's viewport and is_mobile)."""
    context = browser.new_context(**context_options)
    view = OfflineView(context.new_page(), context)

    def refuse(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            view.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", refuse)
    view.page.on("pageerror", lambda e: view.errors.append(str(e)))
    view.page.on("console", lambda m: view.errors.append(m.text) if m.type == "error" else None)
    view.page.goto(path.as_uri())
    view.page.wait_for_function(
        "() => window.__exported && window.__exported.ready === true", timeout=timeout
    )
    return view
