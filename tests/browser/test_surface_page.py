"""The surface lab in real headless Chromium: load, race, step, start picking, formulas, divergence.

Waits go through page.wait_for_function on the page's test hook (window.__lereng), never blind
sleeps. Predicates are arrow functions: the page's CSP (script-src 'self') forbids the string
eval Playwright would use for bare expressions.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
READY = "() => window.__lereng && window.__lereng.plotsReady === true"

# Path lengths per racer read straight from the Plotly divs' data.
CONTOUR_PATHS = """() => document.getElementById('contour-plot').data
    .filter(t => t.type === 'scatter' && t.mode === 'lines').map(t => t.x.length)"""
SURFACE_PATHS = """() => document.getElementById('surface-plot').data
    .filter(t => t.type === 'scatter3d' && t.mode === 'lines').map(t => t.x.length)"""


class PageWatch:
    """Console errors, uncaught exceptions, CSP violations and requests to other origins."""

    def __init__(self, page, origin: str) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)
        page.add_init_script(
            "window.__csp = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        self.origin = origin

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.external.append(request.url)


def open_lab(page, live_server, query: str = "") -> PageWatch:
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/{query}")
    page.wait_for_function(READY, timeout=20_000)
    return watch


def assert_clean(page, watch: PageWatch) -> None:
    assert watch.errors == []
    assert watch.external == []
    assert page.evaluate("() => window.__csp") == []


def test_page_loads_clean(page, live_server):
    watch = open_lab(page, live_server)
    # The empty state: the surface, the start point, one legend entry per racer, no paths.
    assert page.locator(".lab-tab[aria-current='page']").count() == 1
    hrefs = page.eval_on_selector_all(".lab-tab", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs == ["/", "/regression", "/network", "/backprop"]
    assert page.locator("#race-legend li").count() == 4
    assert page.evaluate("() => document.getElementById('contour-base').data[0].type") == "contour"
    assert page.evaluate("() => document.getElementById('surface-plot').data[0].type") == "surface"
    start = page.evaluate("() => document.getElementById('contour-plot').data[1].x.length")
    assert start == 1
    assert page.evaluate(CONTOUR_PATHS) == [0, 0, 0, 0]
    assert page.locator("#surface-formula").inner_text().startswith("f(x, y) =")
    # The language toggle translates the page in place.
    page.click("#language-toggle button[data-lang='id']")
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    assert page.locator("#play-button .label").inner_text() == "Jalankan"
    page.click("#language-toggle button[data-lang='en']")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert_clean(page, watch)


def test_play_grows_paths_on_contour_and_surface(page, live_server):
    watch = open_lab(page, live_server, "?f=rosenbrock&sps=120&steps=400")
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 10", timeout=10_000)
    # The 3D scene is updated less often than the contour (its redraws cost more), so wait
    # for both rather than expecting them in lockstep.
    page.wait_for_function(
        f"() => ({CONTOUR_PATHS})().every(n => n >= 2) && ({SURFACE_PATHS})().every(n => n >= 2)",
        timeout=10_000,
    )
    first_contour = page.evaluate(CONTOUR_PATHS)
    first_surface = page.evaluate(SURFACE_PATHS)
    page.wait_for_function(
        f"() => ({CONTOUR_PATHS})().every((n, i) => n > {first_contour}[i])"
        f" && ({SURFACE_PATHS})().every((n, i) => n > {first_surface}[i])",
        timeout=10_000,
    )
    page.click("#play-button")  # pause
    assert page.locator("#play-button").get_attribute("data-state") == "play"
    assert_clean(page, watch)


def test_step_advances_exactly_one_step(page, live_server):
    watch = open_lab(page, live_server, "?f=rosenbrock")
    page.click("#step-button")
    page.wait_for_function("() => window.__lereng.step === 1 && window.__lereng.race")
    page.click("#step-button")
    page.wait_for_function("() => window.__lereng.step === 2")
    # Nothing more arrives on its own: wait for a later message round trip, then look again.
    page.wait_for_timeout(400)
    assert page.evaluate("() => window.__lereng.step") == 2
    assert page.locator("#step-count").inner_text() == "2"
    # Steps 0, 1 and 2 on every path.
    assert page.evaluate(CONTOUR_PATHS) == [3, 3, 3, 3]
    assert_clean(page, watch)


def test_nesterov_without_momentum_is_said_in_the_card_and_by_the_server(page, live_server):
    watch = open_lab(page, live_server, "?f=booth")
    card = page.locator(".racer-card").first
    card.locator("details summary").click()
    note = card.locator(".hp-note")
    assert not note.is_visible()
    card.locator("label.hp-bool", has_text="nesterov").locator("input").check()
    assert note.is_visible() and "momentum > 0" in note.inner_text()
    # The server refuses the same run, in words, and the page stays usable.
    page.click("#play-button")
    status = page.locator("#run-status")
    status.filter(has_text="nesterov").wait_for()
    momentum = card.locator("input[aria-label='momentum']")
    momentum.fill("0.9")
    momentum.dispatch_event("change")
    assert not note.is_visible()
    page.click("#step-button")
    page.wait_for_function("() => window.__lereng.step === 1 && window.__lereng.race")
    assert_clean(page, watch)


NARROW_LOG_AXIS = """async () => {
  const { logTicks } = await import("/static/js/plots-common.js");
  const div = document.createElement("div");
  div.style.cssText = "width: 600px; height: 200px";
  document.body.appendChild(div);
  const y = [0.9991, 0.9995, 0.9999];
  const margin = { l: 70, r: 18, t: 8, b: 42 };
  const yaxis = { type: "log", title: { text: "loss" }, ...logTicks(y, div, margin, 12) };
  await window.Plotly.newPlot(div, [{ x: [0, 1, 2], y }], { margin, yaxis });
  const labels = div.querySelectorAll(".ytick text").length;
  div.remove();
  return labels;
}"""


SHORT_LOG_AXIS = """async () => {
  const { logTicks } = await import("/static/js/plots-common.js");
  const div = document.createElement("div");
  div.style.cssText = "width: 300px; height: 170px";
  document.body.appendChild(div);
  const y = [0.09, 0.07, 0.05, 0.03, 0.021];
  const margin = { l: 70, r: 10, t: 10, b: 50 };
  const yaxis = { type: "log", tickfont: { size: 18 }, ...logTicks(y, div, margin, 18) };
  await window.Plotly.newPlot(div, [{ x: [0, 1, 2, 3, 4], y }], { margin, yaxis });
  const tops = [...div.querySelectorAll(".ytick text")].map(t => t.getBoundingClientRect().top).sort((a, b) => a - b);
  div.remove();
  return tops;
}"""


def test_a_short_log_axis_within_one_decade_does_not_pile_its_labels(page, live_server):
    # A projector's small norms chart spanning 0.02 to 0.09 had Plotly label every digit
    # 2 … 9, each on top of the next.
    watch = open_lab(page, live_server, "?f=booth")
    tops = page.evaluate(SHORT_LOG_AXIS)
    assert len(tops) >= 2
    assert min(b - a for a, b in zip(tops, tops[1:], strict=False)) >= 18
    assert_clean(page, watch)


def test_a_log_loss_axis_within_one_decade_keeps_its_labels(page, live_server):
    # Easom's loss gap starts within a hair of 1. Fixed 1-2-5 ticks left such an axis with
    # no label at all, and Plotly then put the axis title at x = Infinity (console errors).
    watch = open_lab(page, live_server, "?f=easom")
    assert page.evaluate(NARROW_LOG_AXIS) >= 2
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 30")
    assert_clean(page, watch)


# Each drawn y tick of a log axis whose label does not say the tick's own value (Plotly binds
# the tick's log10 value to its text element as __data__.x).
LOG_LABELS_WRONG = """(div) => {
  const sup = { "⁻": "-", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                "⁷": "7", "⁸": "8", "⁹": "9" };
  const read = (s) => {
    const [m, p] = s.includes("10") && /[⁰-⁹]/.test(s) ? s.split(/·?10/) : [s, null];
    return p === null ? Number(m) : (m === "" ? 1 : Number(m)) * 10 ** Number([...p].map(c => sup[c]).join(""));
  };
  return [...div.querySelectorAll(".ytick text")].filter(t => t.textContent !== "")
    .map(t => [t.textContent, 10 ** t.__data__.x])
    .filter(([s, v]) => !(Math.abs(read(s) - v) <= 1e-9 * v));
}"""

TALL_LOG_AXIS = """async ([lo, hi]) => {
  const { logTicks } = await import("/static/js/plots-common.js");
  const div = document.createElement("div");
  div.id = "tall-log";
  div.style.cssText = "width: 600px; height: 500px";
  document.body.appendChild(div);
  const y = [hi, (lo * hi) ** 0.5, lo];
  const margin = { l: 70, r: 18, t: 8, b: 42 };
  const yaxis = { type: "log", ...logTicks(y, div, margin, 12) };
  await window.Plotly.newPlot(div, [{ x: [0, 1, 2], y }], { margin, yaxis });
  return [...div.querySelectorAll(".ytick text")].map(t => t.textContent);
}"""


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0.15, 25, "0.2 0.5 1 2 5 10 20"),
        (2e-5, 0.03, "2·10⁻⁵ 5·10⁻⁵ 10⁻⁴ 2·10⁻⁴ 5·10⁻⁴ 0.001 0.002 0.005 0.01 0.02"),
    ],
)
def test_log_axis_ticks_between_decades_say_their_whole_value(page, live_server, lo, hi, expected):
    # Plotly's own 1-2-5 ticks label 0.5 as a small "5" under "1": students read it as 5.
    watch = open_lab(page, live_server, "?f=booth")
    labels = page.evaluate(TALL_LOG_AXIS, [lo, hi])
    assert page.locator("#tall-log").evaluate(LOG_LABELS_WRONG) == []
    # Drawn ticks only: the extra decade each side lies outside the autorange.
    assert sorted(labels) == sorted(expected.split())
    assert_clean(page, watch)


def test_the_loss_chart_labels_say_their_values_in_a_race(page, live_server):
    # A tall chart (1920x1080) of a race over Rosenbrock draws 1-2-5 ticks, and the log axis
    # re-ticks as the loss falls through new decades while the run streams.
    page.set_viewport_size({"width": 1920, "height": 1080})
    watch = open_lab(page, live_server)
    page.click("#play-button")
    # Momentum SGD's loss is under 0.5 by step 70; the plateau of the others sits near 4.
    page.wait_for_function("() => window.__lereng.step >= 80", timeout=20_000)
    page.click("#play-button")
    page.wait_for_function("() => document.getElementById('play-button').dataset.state === 'play'")
    div = page.locator("#loss-plot")
    labels = div.evaluate("d => [...d.querySelectorAll('.ytick text')].map(t => t.textContent)")
    assert "0.5" in labels and "5" in labels
    assert div.evaluate(LOG_LABELS_WRONG) == []
    assert_clean(page, watch)


def test_editing_one_number_of_a_pair_keeps_the_pair(page, live_server):
    watch = open_lab(page, live_server, "?f=booth")
    cards = page.locator(".racer-card")
    i = [cards.nth(k).locator("select.racer-kind").input_value() for k in range(cards.count())]
    card = cards.nth(i.index("adam"))
    card.locator("details summary").click()
    beta1 = card.locator(".hp-pair input").first
    beta1.fill("0.8")
    beta1.press("Tab")
    assert beta1.input_value() == "0.8"
    hp = page.evaluate(f"() => window.__lereng.state.racers[{i.index('adam')}].hp")
    assert hp["betas"] == [0.8, 0.999]
    page.click("#step-button")
    page.wait_for_function("() => window.__lereng.step === 1 && window.__lereng.race")
    assert_clean(page, watch)


def test_a_surface_that_fails_to_load_leaves_the_page_on_the_last_one(page, live_server):
    watch = open_lab(page, live_server, "?f=booth")
    # A dropped request (weak classroom Wi-Fi) for the next surface's landscape.
    page.route("**/api/landscape?function=himmelblau*", lambda route: route.abort())
    page.select_option("#surface-select", "himmelblau")
    message = page.locator("#page-message")
    message.wait_for(state="visible")
    assert page.locator("#surface-select").input_value() == "booth"
    assert page.evaluate("() => window.__lereng.state.surface.function") == "booth"
    message.click()  # it floats over the plot buttons: a click puts it away
    message.wait_for(state="hidden")
    page.click("#step-button")
    page.wait_for_function("() => window.__lereng.step === 1 && window.__lereng.race")
    watch.errors = [e for e in watch.errors if "net::ERR_FAILED" not in e]
    assert_clean(page, watch)


def test_an_emptied_learning_rate_box_keeps_its_rate(page, live_server):
    watch = open_lab(page, live_server, "?f=booth")
    box = page.locator(".racer-card .lr-box").first
    box.fill("0.02")
    box.press("Tab")
    box.fill("")
    box.press("Tab")
    assert box.input_value() == "0.02"
    assert page.evaluate("() => window.__lereng.state.racers[0].hp.lr") == 0.02
    assert_clean(page, watch)


def test_a_link_with_a_start_beyond_the_bounds_opens_on_the_default_start(page, live_server):
    watch = open_lab(page, live_server, "?f=booth&start=1e7,1e7")
    assert page.evaluate("() => window.__lereng.state.start") != [1e7, 1e7]
    page.click("#step-button")  # the server accepts this start: no refusal, one step
    page.wait_for_function("() => window.__lereng.step === 1 && window.__lereng.race")
    assert_clean(page, watch)


def test_clicking_the_contour_map_moves_the_start(page, live_server):
    watch = open_lab(page, live_server, "?f=rosenbrock")
    domain = page.evaluate("() => window.__lereng.plots.land.domain")
    (x0, x1), (y0, y1) = domain
    box = page.locator("#contour-plot .nsewdrag").bounding_box()
    page.mouse.click(box["x"] + 0.75 * box["width"], box["y"] + 0.25 * box["height"])
    page.wait_for_function(
        f"() => Math.abs(window.__lereng.state.start[0] - {x0 + 0.75 * (x1 - x0)}) < 0.05"
    )
    start = page.evaluate("() => window.__lereng.state.start")
    assert start[1] == pytest.approx(y1 - 0.25 * (y1 - y0), abs=0.05)
    drawn = page.evaluate(
        "() => { const t = document.getElementById('contour-plot').data[1]; return [t.x[0], t.y[0]]; }"
    )
    assert drawn == pytest.approx(start)
    assert float(page.input_value("#start-x")) == pytest.approx(start[0], abs=1e-3)
    # The next race starts there.
    page.click("#step-button")
    page.wait_for_function("() => window.__lereng.step === 1")
    first = page.evaluate(
        "() => { const t = document.getElementById('contour-plot').data[2]; return [t.x[0], t.y[0]]; }"
    )
    assert first == pytest.approx(start)
    assert_clean(page, watch)


def test_custom_expression_draws_and_errors_show_by_the_box(page, live_server):
    watch = open_lab(page, live_server)
    page.fill("#expression-input", "x**2 + 3*sin(y)")
    page.click("#expression-draw")
    page.wait_for_function(
        "() => document.getElementById('surface-formula').textContent.includes('sin(y)')"
    )
    page.wait_for_function("() => window.__lereng.state.surface.expression === 'x**2 + 3*sin(y)'")
    assert page.evaluate("() => document.getElementById('contour-base').data[0].z.length") > 10
    assert page.locator("#expression-error").is_hidden()

    page.fill("#expression-input", "x + z")
    page.press("#expression-input", "Enter")
    error = page.locator("#expression-error")
    error.wait_for(state="visible")
    assert "z" in error.locator(".error-message").inner_text()
    mark = error.locator(".caret-mark").inner_text()
    assert mark.strip() == "^"
    assert page.get_attribute("#expression-input", "aria-invalid") == "true"
    colour = error.evaluate("el => getComputedStyle(el).color")
    assert colour == "rgb(179, 38, 30)"  # --danger
    # The old surface stays drawn.
    assert page.evaluate("() => window.__lereng.state.surface.expression") == "x**2 + 3*sin(y)"
    # A refused formula is an expected answer, not a page error; the 422 shows in the console
    # as a failed resource load only.
    assert [e for e in watch.errors if "422" not in e] == []
    assert watch.external == []


def test_diverging_racer_is_labelled_while_another_continues(page, live_server):
    watch = open_lab(page, live_server, "?f=rosenbrock&opt=sgd:lr=5;adam:lr=0.01&steps=300&sps=100")
    page.click("#play-button")
    page.wait_for_function(
        "() => window.__lereng.race && window.__lereng.race.racers[0].status === 'diverged'",
        timeout=10_000,
    )
    diverged_at = page.evaluate("() => window.__lereng.race.racers[0].stoppedAt")
    page.wait_for_function(f"() => window.__lereng.step >= {diverged_at} + 15", timeout=10_000)
    race = page.evaluate("() => window.__lereng.race.racers.map(r => r.status)")
    assert race[1] == "running"
    legend = page.locator("#race-legend li").first.inner_text()
    assert f"diverged at step {diverged_at}" in legend
    label = page.evaluate(
        "() => document.getElementById('contour-plot').data[6].text[0]"
    )  # racer 0's divergence marker
    assert label.startswith(f"diverged at step {diverged_at}")
    # The diverged path ends at a finite point; the other keeps growing.
    lengths = page.evaluate(CONTOUR_PATHS)
    assert lengths[1] > lengths[0]
    page.click("#play-button")
    assert_clean(page, watch)


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800), (1920, 1080)])
def test_race_screenshot(page, live_server, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    watch = open_lab(page, live_server, "?f=rosenbrock&sps=240&steps=500")
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 150", timeout=15_000)
    page.click("#play-button")
    page.wait_for_function("() => document.getElementById('play-button').dataset.state === 'play'")
    page.wait_for_function("() => window.__lereng.plots.caughtUp()")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"surface-race-{width}x{height}.png"))
    # The run buttons stay on screen whatever the height.
    box = page.locator("#reset-button").bounding_box()
    assert box is not None and box["y"] + box["height"] <= height
    assert_clean(page, watch)


def test_surface_names_follow_the_page_language(page, live_server):
    page.add_init_script("localStorage.setItem('lereng.lang', 'id')")
    watch = open_lab(page, live_server, "?f=saddle")
    names = "() => [...document.querySelectorAll('#surface-select option')].map(o => o.textContent)"
    page.wait_for_function(f"() => ({names})().includes('Mangkuk kuadratik')")
    shown = page.evaluate(names)
    assert "Pelana (saddle)" in shown and "Rosenbrock" in shown  # people's names stay
    page.click("#language-toggle button[data-lang='en']")
    page.wait_for_function(f"() => ({names})().includes('Quadratic bowl')")
    assert page.evaluate("() => document.getElementById('surface-select').value") == "saddle"
    assert_clean(page, watch)


@pytest.mark.parametrize("lab", ["", "regression", "network"])
def test_a_budget_that_is_not_a_number_keeps_the_old_one(page, live_server, lab):
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/{lab}?steps=40")
    page.wait_for_function("() => window.__lereng && window.__lereng.state", timeout=30_000)
    box = page.locator("#steps-input")
    for typed in ["", "-3", "0"]:
        box.fill(typed)
        box.press("Enter")
        assert box.input_value() == "40"
    assert "steps=40" in page.url
    box.fill("99999")  # more than allowed: as many as allowed
    box.press("Enter")
    page.wait_for_function("() => window.__lereng.state.steps === 10000")
    assert box.input_value() == "10000"
    assert_clean(page, watch)


def test_a_typed_start_is_shown_as_the_run_uses_it(page, live_server):
    watch = open_lab(page, live_server, "?f=quadratic&steps=20")
    page.fill("#start-x", "99999")
    page.locator("#start-x").press("Enter")
    page.wait_for_function("() => window.__lereng.state.start[0] === 99999")
    assert page.input_value("#start-x") == "99999"
    assert "start=99999" in page.url
    assert_clean(page, watch)
