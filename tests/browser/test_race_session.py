"""The shared race session (static/js/race-session.js) in real headless Chromium: restarting a
run faster than the server answers never mixes frames of a replaced run into the new one.

Each start is answered by one `started` (or one error); the session counts them, so a late
answer or late frames of a run the page has left are dropped. Checked on the surface lab
(Reset pressed in a burst while running; the paths must be exactly the server's own run) and
the network lab (configuration changes in a burst; one clean step sequence 0, 1, 2, ...).
"""

from __future__ import annotations

import pytest

from tests.browser.test_network_page import DONE
from tests.browser.test_network_page import open_lab as open_network
from tests.browser.test_surface_page import assert_clean, open_lab

pytestmark = pytest.mark.browser

# Every drawn contour path as [xs, ys], read from the Plotly div itself.
CONTOUR_XY = """() => document.getElementById('contour-plot').data
    .filter(t => t.type === 'scatter' && t.mode === 'lines').map(t => [t.x, t.y])"""
FINISHED = (
    "() => window.__lereng.race && window.__lereng.race.racers.every(r => r.status !== 'running')"
)


def test_reset_in_a_burst_draws_exactly_one_run(page, live_server):
    query = "?f=booth&start=-8,8&steps=150&sps=400&opt=sgd:lr=0.02;adam:lr=0.5"
    watch = open_lab(page, live_server, query)
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 5", timeout=20_000)
    for _ in range(4):  # faster than the server answers each start
        page.click("#reset-button")
    page.wait_for_function(FINISHED, timeout=30_000)
    page.wait_for_function(
        f"() => ({CONTOUR_XY})().every(([xs]) => xs.length === 151)", timeout=20_000
    )
    body = {
        "surface": {"function": "booth"},
        "start": [-8, 8],
        "steps": 150,
        "optimizers": [{"name": "sgd", "lr": 0.02}, {"name": "adam", "lr": 0.5}],
    }
    got = page.request.post(f"{live_server.url}/api/runs", data=body)
    assert got.ok
    runs = got.json()["runs"]
    drawn = page.evaluate(CONTOUR_XY)
    for (xs, ys), run in zip(drawn, runs, strict=True):
        assert run["steps"] == 150
        # Step 0 to the end, each point once, in order, exactly the server's numbers.
        assert xs == [p[0] for p in run["points"]]
        assert ys == [p[1] for p in run["points"]]
    assert page.evaluate("() => window.__lereng.step") == 150
    assert_clean(page, watch)


def test_configuration_changes_in_a_burst_leave_one_clean_run(page, live_server):
    watch = open_network(page, live_server, "?ds=circle&steps=40&sps=400&hm=10")
    # Each change drops the current preview and starts another before the last one answered.
    for seed in (2, 3, 4, 5):
        page.fill("#net-seed", str(seed))
        page.dispatch_event("#net-seed", "change")
    page.wait_for_function(
        "() => window.__lereng.state.seed === 5 && window.__lereng.race"
        " && window.__lereng.race.steps.length >= 1",
        timeout=30_000,
    )
    page.click("#play-button")
    page.wait_for_function(DONE, timeout=60_000)
    steps = page.evaluate("() => window.__lereng.race.steps")
    assert steps == list(range(41))
    assert_clean(page, watch)


def test_the_last_frames_and_done_together_still_update_the_legend(page, live_server):
    # Fast enough that the final frames (which carry each racer's ending) and `done` arrive
    # before the page draws: the legend must still say how each racer ended.
    query = "?f=rosenbrock&steps=60&sps=2000&opt=sgd:lr=0.01;adam:lr=0.1"
    watch = open_lab(page, live_server, query)
    for _ in range(3):
        page.click("#reset-button")
        page.wait_for_function(FINISHED, timeout=20_000)
        page.wait_for_function("() => window.__lereng.race.done === true", timeout=20_000)
        legend = page.locator("#race-legend").inner_text()
        assert "diverged at step" in legend
        assert "used its step budget at step 60" in legend
    assert_clean(page, watch)
