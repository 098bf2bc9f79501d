"""A phone, in real headless Chromium's mobile emulation (viewport tag honoured, touch, 3x
pixels): held upright, a 390 px screen shows the whole 640 px narrow layout scaled to fit,
rather than its left part and a sideways scroll; held sideways it has its own width.
"""

from __future__ import annotations

import pytest

from tests.browser.offline import open_offline
from tests.browser.test_lab_exports import WAIT, export, open_regression, run_regression
from tests.browser.test_narrow_window import (
    BAD_SVG,
    LABS,
    NOT_CLICKABLE,
    READY,
    SIDEWAYS,
    TOP_BAR,
    run_and_pause,
)
from tests.browser.test_surface_page import SCREENSHOTS, PageWatch, assert_clean

pytestmark = pytest.mark.browser

# The layout viewport's width: what CSS lays the page out in.
LAYOUT_WIDTH = "() => document.documentElement.clientWidth"
# The visual viewport's scale: how far the browser shrank that layout to the screen.
SCALE = "() => window.visualViewport.scale"


def phone(size) -> dict:
    return {
        "viewport": {"width": size[0], "height": size[1]},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    }


def open_phone(browser, live_server, path: str, size):
    context = browser.new_context(**phone(size))
    context.add_init_script("localStorage.setItem('lereng.lang', 'id');")
    page = context.new_page()
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_function(READY[path], timeout=40_000)
    return context, page, watch


@pytest.mark.parametrize("path", LABS)
def test_a_phone_held_upright_shows_the_whole_narrow_layout(browser, live_server, path):
    context, page, watch = open_phone(browser, live_server, path, (390, 844))
    # Laid out at the narrow layout's 640 px and shrunk to the screen's 390, whole.
    assert page.evaluate(LAYOUT_WIDTH) == 640
    assert page.evaluate(SCALE) == pytest.approx(390 / 640, abs=0.01)
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.evaluate(NOT_CLICKABLE, TOP_BAR) == []
    assert page.evaluate(BAD_SVG) == []
    if path == "/backprop":
        # Under the explanation, not beside it: beside it the landscape was a strip four
        # times taller than wide.
        land = page.locator(".bp-landscape").bounding_box()
        assert land["height"] <= land["width"]
    lab = path.strip("/") or "surface"
    page.screenshot(path=str(SCREENSHOTS / f"phone-{lab}-390x844-id.png"))
    # A tap runs the lab and pauses it, as a click does in a window.
    run_and_pause(page, path, page.tap)
    # A tap on the menu button opens the drawer.
    page.tap("#controls-toggle")
    page.wait_for_function(
        "() => document.getElementById('controls-toggle').getAttribute('aria-expanded') === 'true'"
    )
    assert_clean(page, watch)
    context.close()


def test_a_phone_turned_sideways_gets_its_own_width_back(browser, live_server):
    context, page, watch = open_phone(browser, live_server, "/", (390, 844))
    assert page.evaluate(LAYOUT_WIDTH) == 640
    page.set_viewport_size({"width": 844, "height": 390})
    page.wait_for_function(f"() => ({LAYOUT_WIDTH})() === 844", timeout=5_000)
    assert page.evaluate(SCALE) == pytest.approx(1)
    assert page.evaluate(SIDEWAYS) <= 0
    assert_clean(page, watch)
    context.close()


def test_an_exported_race_opens_whole_on_a_phone(page, browser, live_server, tmp_path):
    """A mentor sends the offline HTML to the class chat: on a 390 px phone its landscape and
    loss panels were squeezed into strips the window's height, the legend over the title."""
    watch = open_regression(page, live_server, "?p=linear&steps=40&sps=2000")
    run_regression(page)
    path = tmp_path / "run.html"
    export(page, "html").save_as(path)
    assert_clean(page, watch)
    offline = open_offline(browser, path, timeout=WAIT, **phone((390, 844)))
    view = offline.page
    assert view.evaluate(LAYOUT_WIDTH) == 640
    assert view.evaluate(SCALE) == pytest.approx(390 / 640, abs=0.01)
    assert view.evaluate(SIDEWAYS) <= 0
    box = view.locator("#plot").bounding_box()
    assert box["height"] <= 0.75 * box["width"] + 1  # panels, not strips
    # The legend's row lies under the title, not over it.
    title = view.locator("#plot .g-gtitle").bounding_box()
    legend = view.locator("#plot .legend").bounding_box()
    assert legend["y"] >= title["y"] + title["height"] - 1
    # The slider's handle starts clear of the play and pause buttons, not under them.
    grip = view.locator("#plot .slider-grip-rect").bounding_box()
    buttons = view.locator("#plot .updatemenu-button").last.bounding_box()
    assert grip["x"] >= buttons["x"] + buttons["width"]
    view.screenshot(path=str(SCREENSHOTS / "phone-regression-export-390x844.png"))
    assert offline.blocked == [] and offline.errors == []
    offline.context.close()
