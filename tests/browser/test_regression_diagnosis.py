"""The regression lab's diagnosis labels in real headless Chromium: a finished default race
(batch, stochastic and mini-batch SGD on a linear fit) says the batch racer converged and the
other two are noisy because of their batches, in either language; the toggle hides the labels
and travels in the link; a finished race on a 1024 x 768 projector keeps its plots.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_surface_page import PageWatch, assert_clean

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
LOADED = "() => window.__lereng && window.__lereng.loaded === 'linear'"
DONE = "() => window.__lereng.race && window.__lereng.race.done"
KEYS = "els => els.map(e => e.dataset.key)"


def finished_race(page, live_server, query: str = "") -> PageWatch:
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/regression?steps=150&sps=2000{query}")
    page.wait_for_function(LOADED, timeout=40_000)
    page.click("#play-button")
    page.wait_for_function(DONE, timeout=30_000)
    return watch


def test_the_default_race_is_diagnosed_and_the_toggle_travels_in_the_link(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = finished_race(page, live_server)
    page.wait_for_function(
        "() => JSON.stringify(window.__lereng.diagnosis) === "
        """'["converged","noisy","noisy"]'"""
    )
    assert page.is_visible("#diagnosis")
    assert page.eval_on_selector_all("#diagnosis li", KEYS) == ["noisy", "converged"]
    # One entry names both batched racers, for screen readers as well as by glyph.
    who = page.inner_text("#diagnosis li[data-key='noisy'] .visually-hidden")
    assert "Stochastic" in who and "Mini-batch" in who
    assert "batch" in page.inner_text("#diagnosis li[data-key='noisy'] .diag-why")
    # The loss chart narrows for the column that just appeared: it must not run under it.
    page.wait_for_function(
        "() => { const c = document.getElementById('diagnosis').getBoundingClientRect();"
        " const p = document.querySelector('#loss-plot .main-svg').getBoundingClientRect();"
        " return p.right <= c.left + 1; }"
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "regression-diagnosis-1280x800.png"))

    page.click("#language-toggle button[data-lang='id']")
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    assert page.inner_text("#diagnosis li[data-key='noisy'] strong").startswith("Berisik")

    page.uncheck("#show-diagnosis")
    assert page.is_hidden("#diagnosis")
    page.wait_for_function("() => /diag=0/.test(location.search)")
    page.reload()
    page.wait_for_function(LOADED, timeout=40_000)
    assert not page.is_checked("#show-diagnosis")
    assert_clean(page, watch)


def test_a_finished_race_on_a_projector_keeps_its_plots(page, live_server):
    # Long statuses ("converged at step 104: gradient norm 7.4e-10") in projector type used to
    # wrap the legend over four lines a racer and squeeze the data plot to nothing (Plotly then
    # wrote its axis titles at x = Infinity).
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script("localStorage.setItem('lereng.projector', '1');")
    watch = finished_race(page, live_server)
    page.wait_for_function("() => window.__lereng.diagnosis.includes('noisy')")
    box = page.locator("#data-plot").bounding_box()
    assert box is not None and box["height"] >= 200, box
    legend = page.locator("#race-legend").bounding_box()
    assert legend is not None and legend["height"] <= 0.3 * 768, legend
    # Two labels ("noisy", "converged") fit beside the loss chart: neither is cut off below.
    page.wait_for_function("() => document.querySelectorAll('#diagnosis li').length === 2")
    column = page.locator("#diagnosis").bounding_box()
    for card in page.locator("#diagnosis li").all():
        b = card.bounding_box()
        assert b["y"] + b["height"] <= column["y"] + column["height"] + 0.5
    page.screenshot(path=str(SCREENSHOTS / "regression-diagnosis-projector-1024x768.png"))
    assert_clean(page, watch)


@pytest.mark.parametrize("problem", ["logistic", "softmax"])
def test_a_finished_convex_fit_is_converged_not_a_plateau(page, live_server, problem):
    # Logistic regression with BCE and softmax with cross-entropy are convex: flat with a tiny
    # gradient is their minimum, even without its value in closed form. They used to be
    # called "Plateau: the minimum is still far away".
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/regression?p={problem}&steps=200&sps=2000&r=sgd:@v=batch:lr=0.5")
    page.wait_for_function(
        f"() => window.__lereng && window.__lereng.loaded === '{problem}'", timeout=40_000
    )
    page.click("#play-button")
    page.wait_for_function(DONE, timeout=30_000)
    page.wait_for_function(
        "() => (window.__lereng.diagnosis || [])[0] === 'converged'", timeout=20_000
    )
    # And it is at its minimum, as far as a chart can tell: fifteen times longer lowers the
    # loss by less than 1% of the way it has come down.
    body = page.evaluate(
        "async () => { const m = await import('/static/js/regression-state.js');"
        " const s = window.__lereng.state;"
        " return { data: m.dataSpec(s), model: m.modelOf(s), start: m.startOf(s) }; }"
    )
    runs = {}
    for steps in (200, 3000):
        r = page.request.post(
            f"{live_server.url}/api/runs",
            data={
                **body,
                "steps": steps,
                "optimizers": [{"name": "sgd", "lr": 0.5, "variant": "batch"}],
            },
        )
        runs[steps] = r.json()["runs"][0]["losses"]
    start, at_200, at_3000 = runs[200][0], runs[200][-1], runs[3000][-1]
    assert at_200 - at_3000 < 0.01 * (start - at_3000)
    assert_clean(page, watch)
