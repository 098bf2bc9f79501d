"""What a screen-reader or keyboard-only student meets, in real headless Chromium: the run's
status is a live status region, menus and panels hand the focus back where it came from, a
graph node's name says everything its box shows, and an error is tied to the box at fault.

Roles and names come from Playwright's role queries, which follow the browser's own
accessibility computation, not from the markup as written.
"""

from __future__ import annotations

import pytest

from tests.browser.test_surface_page import PageWatch, assert_clean, open_lab

pytestmark = pytest.mark.browser

BP_READY = "() => window.__lereng && window.__lereng.ready === true && window.__lereng.busy === 0"
FOCUSED = "() => { const a = document.activeElement; return a ? (a.id || a.dataset.id || a.tagName) : null; }"


def test_the_run_status_is_a_live_status_region(page, live_server):
    # It sat inside the step counter's aria-live="off": "finished" or "connection lost" were
    # never spoken.
    watch = open_lab(page, live_server, "?f=quadratic&steps=20&sps=2000&opt=sgd:lr=0.1")
    page.click("#play-button")
    page.wait_for_function("() => document.getElementById('run-status').textContent === 'finished'")
    status = page.get_by_role("status").filter(has_text="finished")
    assert status.count() == 1
    assert status.get_attribute("aria-live") == "polite"
    assert_clean(page, watch)


def test_the_export_menu_gives_the_focus_back_to_its_button(page, live_server):
    watch = open_lab(page, live_server, "?f=quadratic&steps=20&sps=2000&opt=sgd:lr=0.1")
    page.click("#play-button")
    page.wait_for_function("() => document.getElementById('run-status').textContent === 'finished'")
    page.focus("#export-menu summary")
    page.keyboard.press("Enter")
    page.focus("#export-json")
    with page.expect_download():
        page.keyboard.press("Enter")
    assert page.evaluate(
        "() => document.activeElement === document.querySelector('#export-menu summary')"
    )
    assert_clean(page, watch)


def test_backprop_nodes_panels_and_errors_for_keyboard_and_screen_reader(page, live_server):
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/backprop")
    page.wait_for_function(BP_READY, timeout=20_000)
    graph = page.evaluate("() => window.__lereng.graph")
    # Step to the end of the backward pass: every gradient is on the graph.
    end = len(graph["forward"]) + len(graph["backward"])
    page.evaluate(f"() => {{ window.__lereng.state.cursor = {end - 1}; }}")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => window.__lereng.cursor === {end}")
    w11 = page.locator("#bp-graph [data-id='w11']")
    name = w11.get_attribute("aria-label")
    shown = " ".join(w11.locator("text").all_text_contents()[:3])
    assert name == shown  # label, value and gradient, as the box shows them
    assert "∂" in name
    # The node's panel, opened and closed by keyboard, returns the focus to the node.
    w11.focus()
    page.keyboard.press("Enter")
    page.locator("#bp-node-panel").wait_for(state="visible")
    page.click("#bp-node-close")
    page.wait_for_function("() => document.getElementById('bp-node-panel').hidden")
    assert page.evaluate(FOCUSED) == "w11"
    # The explanation can scroll, so the keyboard can reach it.
    assert page.locator("#bp-explain").get_attribute("tabindex") == "0"
    # A refused number names its box as the table does and is tied to it.
    box = page.locator("#bp-numbers input[data-key='e:0:0']")
    box.fill("500")
    box.dispatch_event("change")
    error = page.get_by_role("alert")
    error.wait_for(state="visible")
    assert error.inner_text().startswith("x1 (1):")
    assert box.get_attribute("aria-invalid") == "true"
    assert box.get_attribute("aria-describedby") == "bp-error"
    assert [e for e in watch.errors if "422" not in e] == []


def test_loss_curves_differ_by_shape_not_colour_alone(page, live_server):
    # Solid lines in four colours were one grey in greyscale: each curve now carries its
    # racer's glyph, the same as its head on the map.
    watch = open_lab(page, live_server, "?f=himmelblau&steps=40&sps=2000")
    page.click("#play-button")
    page.wait_for_function("() => document.getElementById('run-status').textContent === 'finished'")
    curves = page.evaluate(
        "() => document.getElementById('loss-plot').data.map(t => [t.name, t.mode, t.marker.symbol])"
    )
    heads = dict(
        page.evaluate(
            "() => document.getElementById('contour-plot').data"
            ".filter(t => t.mode === 'markers' && t.marker && t.name)"
            ".map(t => [t.name, t.marker.symbol])"
        )
    )
    assert len(curves) == 4 and len({c[2] for c in curves}) == 4
    for name, mode, symbol in curves:
        assert "markers" in mode and heads[name] == symbol
    assert_clean(page, watch)


@pytest.mark.parametrize("lab", ["", "regression", "network", "backprop"])
def test_at_200_percent_zoom_the_page_scrolls_to_everything(browser, live_server, lab):
    # 1280 x 800 at 200% zoom is a 640 x 400 window. The body's minimum size used to be cut
    # off with no scrollbar (the top bar's language and projector buttons out of reach), and
    # the regression plots were squeezed to 0 px. The page now fits the width (a narrow
    # window's layout) and scrolls down to the rest.
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    page = context.new_page()
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/{lab}")
    page.wait_for_function("() => window.__lereng", timeout=30_000)
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 640
    box = page.locator("#projector-toggle").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 640
    # Scrolled by the user's own wheel, down as far as it goes: the run bar at the foot comes
    # into view (the backprop lab's buttons head its page).
    page.mouse.move(320, 200)
    page.mouse.wheel(0, 2000)
    page.wait_for_function("() => window.scrollY > 0")
    if lab != "backprop":
        run = page.locator("#play-button").bounding_box()
        assert run["y"] >= 0 and run["y"] + run["height"] <= 400
    heights = page.evaluate(
        "() => [...document.querySelectorAll('.plot')].filter(p => p.offsetParent)"
        ".map(p => p.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 60
    assert_clean(page, watch)
    context.close()


def test_headings_names_and_table_headers_say_something(page, live_server):
    # axe: no page had a level-one heading, the backprop tables had empty header cells, and
    # every racer's Learning Rate box had the same name.
    watch = open_lab(page, live_server)
    assert page.get_by_role("heading", level=1).inner_text() == "Surface"
    names = page.eval_on_selector_all(
        "#optimizer-list input.lr-box", "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert len(names) >= 2 and len(set(names)) == len(names)
    assert names[1] == "Learning Rate, Optimizer 2"
    page.goto(f"{live_server.url}/backprop")
    page.wait_for_function(BP_READY, timeout=20_000)
    assert page.get_by_role("heading", level=1).inner_text() == "Backprop"
    empty = page.eval_on_selector_all(
        "#bp-numbers th, #bp-check th", "els => els.filter(e => !e.textContent.trim()).length"
    )
    assert empty == 0
    assert_clean(page, watch)
