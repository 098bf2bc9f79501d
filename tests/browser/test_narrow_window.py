"""Every lab in a narrow window, in real headless Chromium: half a 1366 px laptop screen beside the
course guide (683 px), or 200% zoom on a 1280 px screen (640 px).

Below 860 px the page used to keep an 860 px body and scroll sideways: the language switch, the
projector button and the right half of the plots were out of sight, and the control column took
260 to 360 px of what was left. Now the top bar fits, the column is a drawer over the plots (☰,
Escape) and the run buttons stay in a bar at the foot. Waits go through page.wait_for_function on
the page hooks.
"""

from __future__ import annotations

import pytest

from tests.browser.test_surface_page import SCREENSHOTS, PageWatch, assert_clean

pytestmark = pytest.mark.browser

SIZES = [(640, 720), (700, 900)]
# Each lab's first drawing done (its page hook), and the page in the language asked for.
READY = {
    "/": "() => window.__lereng && window.__lereng.plotsReady === true",
    "/regression": "() => window.__lereng && window.__lereng.plotsReady === true",
    "/network": "() => window.__lereng && window.__lereng.plotsReady === true"
    " && window.__lereng.heatmaps >= 1",
    "/backprop": "() => window.__lereng && window.__lereng.ready === true"
    " && window.__lereng.busy === 0",
}
LABS = list(READY)
TOP_BAR = [
    "#controls-toggle",
    ".brand",
    ".lab-tab[href='/']",
    ".lab-tab[href='/regression']",
    ".lab-tab[href='/network']",
    ".lab-tab[href='/backprop']",
    "#shortcuts-button",
    "#language-toggle button[data-lang='en']",
    "#language-toggle button[data-lang='id']",
    "#projector-toggle",
]
# Where a control is out of the window or under something else: its box, and what a click at
# its centre would hit.
NOT_CLICKABLE = """sels => sels.flatMap(sel => {
  const el = document.querySelector(sel);
  if (!el) return [`${sel}: missing`];
  const r = el.getBoundingClientRect();
  const inside = r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
    && r.right <= innerWidth && r.bottom <= innerHeight;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const ok = inside && hit !== null && (hit === el || el.contains(hit));
  return ok ? [] : [`${sel}: ${Math.round(r.left)},${Math.round(r.top)} `
    + `${Math.round(r.width)}x${Math.round(r.height)} hits ${hit && (hit.id || hit.className)}`];
})"""
SIDEWAYS = "() => document.scrollingElement.scrollWidth - window.innerWidth"
# Plotly writes NaN or Infinity into its SVG when a plot has no room for its axes.
BAD_SVG = """() => [...document.querySelectorAll('.js-plotly-plot svg *')].flatMap(el =>
  [...el.attributes].filter(a => !a.value.startsWith('data:') && /\\b(NaN|Infinity)\\b/.test(a.value))
    .map(a => `${el.tagName}.${a.name}=${a.value}`)).slice(0, 5)"""
DRAWER_SHOWN = "() => getComputedStyle(document.querySelector('#controls .controls-scroll')).visibility === 'visible'"
EXPANDED = "() => document.getElementById('controls-toggle').getAttribute('aria-expanded')"


BESIDE = """() => { const p = document.getElementById('plots').getBoundingClientRect();
  const c = document.getElementById('controls').getBoundingClientRect();
  return c.width >= 300 && p.left >= c.right - 1; }"""


def open_narrow(browser, live_server, path: str, size, lang: str = "en"):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.add_init_script(f"localStorage.setItem('lereng.lang', '{lang}');")
    page = context.new_page()
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_function(READY[path.split("?")[0]], timeout=40_000)
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
    return context, page, watch


def shot_name(path: str, size, lang: str, extra: str = "") -> str:
    lab = path.strip("/") or "surface"
    return str(SCREENSHOTS / f"narrow-{lab}-{size[0]}x{size[1]}-{lang}{extra}.png")


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("path", LABS)
def test_the_page_and_its_top_bar_fit_the_window(browser, live_server, path, size, lang):
    context, page, watch = open_narrow(browser, live_server, path, size, lang)
    assert page.evaluate(SIDEWAYS) <= 0
    # Every top-bar control inside the window and the one a click at its centre reaches; the
    # Indonesian tab names (Permukaan, Regresi, Jaringan) are the longer ones.
    assert page.evaluate(NOT_CLICKABLE, TOP_BAR) == []
    # The plots have the whole width: the drawer starts shut.
    assert page.evaluate(EXPANDED) == "false"
    assert not page.evaluate(DRAWER_SHOWN)
    main = page.locator("#plots, #bp-main").first.bounding_box()
    assert main["width"] >= size[0] - 2
    assert page.evaluate(BAD_SVG) == []
    page.screenshot(path=shot_name(path, size, lang))
    assert_clean(page, watch)
    context.close()


RUN = {
    "/": ("#play-button", "() => window.__lereng.step >= 5"),
    "/regression": ("#play-button", "() => window.__lereng.step >= 5"),
    "/network": ("#play-button", "() => window.__lereng.step >= 5"),
    "/backprop": ("#bp-next", "() => window.__lereng.cursor === 1"),
}


def run_and_pause(page, path: str, press) -> None:
    """Starts the lab with its run button (press: page.click, or page.tap on a phone), waits
    for it to advance, and pauses a lab that plays on (backprop's Next takes one step)."""
    button, advanced = RUN[path]
    press(button)
    page.wait_for_function(advanced, timeout=30_000)
    if path != "/backprop":
        press("#play-button")  # pause
        page.wait_for_function(
            "() => document.getElementById('play-button').dataset.state === 'play'"
        )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("path", LABS)
def test_play_works_with_the_drawer_shut(browser, live_server, path, size):
    context, page, watch = open_narrow(browser, live_server, path, size)
    # The run buttons are what a student presses most: in sight without opening the drawer.
    buttons = (
        [RUN[path][0]] if path == "/backprop" else ["#play-button", "#step-button", "#reset-button"]
    )
    assert page.evaluate(NOT_CLICKABLE, buttons) == []
    run_and_pause(page, path, page.click)
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.evaluate(BAD_SVG) == []
    assert_clean(page, watch)
    context.close()


@pytest.mark.parametrize("path", LABS)
def test_the_drawer_opens_with_the_menu_button_and_closes_with_it_or_escape(
    browser, live_server, path
):
    size = (640, 720)
    context, page, watch = open_narrow(browser, live_server, path, size, "id")
    plots = page.locator("#plots, #bp-main").first
    width = plots.bounding_box()["width"]
    page.click("#controls-toggle")
    page.wait_for_function(DRAWER_SHOWN)
    assert page.evaluate(EXPANDED) == "true"
    # Over the plots, not beside them: the plots keep their width, and the drawer's controls
    # take the clicks where it lies.
    assert plots.bounding_box()["width"] == width
    drawer = page.locator("#controls .controls-scroll")
    box = drawer.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= size[0] - 40
    assert page.evaluate(
        """() => { const d = document.querySelector('#controls .controls-scroll');
        const r = d.getBoundingClientRect();
        return d.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)); }"""
    )
    # Focus lands in the drawer, so a keyboard user carries on from the button into it.
    assert page.evaluate(
        "() => document.querySelector('#controls .controls-scroll').contains(document.activeElement)"
    )
    # The run bar stays usable while the drawer is open.
    if path != "/backprop":
        assert page.evaluate(NOT_CLICKABLE, ["#play-button", "#step-button", "#reset-button"]) == []
    page.screenshot(path=shot_name(path, size, "id", "-drawer"))
    page.click("#controls-toggle")
    page.wait_for_function(f"() => !({DRAWER_SHOWN})()")
    assert page.evaluate(EXPANDED) == "false"
    # Escape closes it from inside, and focus goes back to the button that opened it.
    page.click("#controls-toggle")
    page.wait_for_function(DRAWER_SHOWN)
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => !({DRAWER_SHOWN})()")
    assert page.evaluate(EXPANDED) == "false"
    assert page.evaluate("() => document.activeElement.id") == "controls-toggle"
    assert page.evaluate(SIDEWAYS) <= 0
    assert_clean(page, watch)
    context.close()


def test_the_column_comes_back_beside_the_plots_in_a_wide_window(browser, live_server):
    context, page, watch = open_narrow(browser, live_server, "/", (700, 900))
    page.click("#controls-toggle")
    page.wait_for_function(DRAWER_SHOWN)
    # Wide again: the column sits beside the plots as before, open.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function(f"() => {EXPANDED}() === 'true'")
    # The drawer was open, so "expanded" held before the resize: wait for the layout itself,
    # which the page's media-query listener settles after the resize event.
    page.wait_for_function(BESIDE, timeout=5_000)
    # Narrow again: the drawer starts shut rather than covering the plots.
    page.set_viewport_size({"width": 700, "height": 900})
    page.wait_for_function(f"() => {EXPANDED}() === 'false'")
    # The media-query listener and the style's own media query settle on separate steps of
    # the browser's frame: wait for the shut drawer (a drawer that stays open still fails).
    page.wait_for_function(f"() => !({DRAWER_SHOWN})()", timeout=5_000)
    # The wide column kept its own state: shut there, it stays shut when the window widens.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function(f"() => {EXPANDED}() === 'true'")
    page.click("#controls-toggle")
    page.wait_for_function(f"() => {EXPANDED}() === 'false'")
    page.set_viewport_size({"width": 700, "height": 900})
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function(f"() => {EXPANDED}() === 'false'")
    assert_clean(page, watch)
    context.close()


# ---- dialogs and menus ---------------------------------------------------------------------

INSIDE = """sel => { const r = document.querySelector(sel).getBoundingClientRect();
  return r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight; }"""


@pytest.mark.parametrize("path", LABS)
def test_dialogs_and_the_export_menu_fit_the_window(browser, live_server, path):
    size = (640, 720)
    context, page, watch = open_narrow(browser, live_server, path, size, "id")
    page.click("#shortcuts-button")
    page.wait_for_function("() => document.getElementById('shortcuts-dialog').open")
    assert page.evaluate(INSIDE, "#shortcuts-dialog")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('shortcuts-dialog').open")
    page.click("#export-menu > summary")
    page.wait_for_function("() => document.getElementById('export-menu').open")
    assert page.evaluate(INSIDE, "#export-menu .menu-items")
    page.click("#export-menu > summary")
    if path != "/backprop":
        page.click("#sweep-button")
        page.wait_for_function("() => document.getElementById('sweep-dialog').open")
        assert page.evaluate(INSIDE, "#sweep-dialog")
        assert page.evaluate(SIDEWAYS) <= 0
        page.screenshot(path=shot_name(path, size, "id", "-sweep"))
    assert_clean(page, watch)
    context.close()


# ---- plots: legends and the backprop bar ---------------------------------------------------


def test_a_finished_race_keeps_one_legend_line_a_racer(browser, live_server):
    # Beside the view toggle, a finished race's statuses ("batas langkah habis pada langkah
    # 150") wrapped over two or three lines a racer and squeezed the map.
    context, page, watch = open_narrow(
        browser, live_server, "/?f=rosenbrock&sps=1000&steps=150", (640, 720), "id"
    )
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 150", timeout=30_000)
    page.wait_for_function(
        "() => document.querySelectorAll('#race-legend .legend-status').length === 4"
    )
    heights = page.eval_on_selector_all(
        "#race-legend .legend-item", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert len(heights) == 4 and max(heights) < 30, heights
    assert page.locator("#contour-plot").bounding_box()["height"] >= 220
    # The whole status is still there, as each one's title.
    assert "150" in page.get_attribute("#race-legend .legend-status >> nth=0", "title")
    assert_clean(page, watch)
    context.close()


def test_the_backprop_bar_keeps_its_buttons_and_says_the_whole_step(browser, live_server):
    # At the update step, in Indonesian ("Putaran baru" on the Next button), one row cut the
    # phase to "B." and the Export menu at the window's edge.
    context, page, watch = open_narrow(browser, live_server, "/backprop", (640, 720), "id")
    last = page.evaluate(
        "async () => (await import('/static/js/backprop-state.js'))"
        ".stepsOf(window.__lereng.graph).length - 1"
    )
    page.click("#bp-next")
    page.wait_for_function("() => window.__lereng.cursor === 1")
    for cursor in (20, last):
        page.evaluate(
            "c => { while (window.__lereng.state.cursor < c) document.getElementById('bp-next').click(); }",
            cursor,
        )
        page.wait_for_function(f"() => window.__lereng.cursor === {cursor}")
        bar = [
            "#bp-reset",
            "#bp-back",
            "#bp-next",
            "#bp-play",
            "#bp-quiz",
            "#export-menu > summary",
        ]
        assert page.evaluate(NOT_CLICKABLE, bar) == [], cursor
        assert page.evaluate(
            "() => { const p = document.getElementById('bp-phase');"
            " return p.scrollWidth <= p.clientWidth && p.textContent.length > 5; }"
        ), cursor
    assert_clean(page, watch)
    context.close()


# ---- projector mode in a narrow window -----------------------------------------------------

FINISHED = {
    "/?f=rosenbrock&sps=1000&steps=150": ("#contour-plot", "() => window.__lereng.step >= 150"),
    "/regression?sps=1000&steps=100": ("#data-plot", "() => window.__lereng.step >= 100"),
}


@pytest.mark.parametrize("query", list(FINISHED))
def test_projector_mode_in_a_narrow_window_keeps_its_plots(browser, live_server, query):
    # Projector type at 24 px squeezed a finished race's map to a strip (Plotly wrote its axis
    # titles at x = Infinity) and ran the tabs out of the bar.
    size = (640, 720)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.add_init_script(
        "localStorage.setItem('lereng.lang', 'id'); localStorage.setItem('lereng.projector', '1');"
    )
    page = context.new_page()
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}{query}")
    page.wait_for_function(READY["/"], timeout=40_000)
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    assert page.evaluate("() => document.body.classList.contains('projector')")
    plot, done = FINISHED[query]
    page.click("#play-button")
    page.wait_for_function(done, timeout=30_000)
    page.wait_for_function("() => document.getElementById('play-button').dataset.state === 'play'")
    assert page.evaluate(NOT_CLICKABLE, TOP_BAR) == []
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.locator(plot).bounding_box()["height"] >= 150
    assert page.evaluate(BAD_SVG) == []
    lab = query.split("?")[0].strip("/") or "surface"
    page.screenshot(path=str(SCREENSHOTS / f"narrow-{lab}-640x720-id-projector.png"))
    assert_clean(page, watch)
    context.close()
