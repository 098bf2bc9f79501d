"""The regression lab in real headless Chromium: every problem loads and races, the data view
follows the run, the landscape shows every racer's path, CSV files load or are refused inline.

Waits go through page.wait_for_function on the page's hook (window.__lereng); predicates are
arrow functions because the page's CSP forbids string eval.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_surface_page import PageWatch, assert_clean

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

LAND_PATHS = """() => document.getElementById('land-plot').data
    .filter(t => t.mode === 'lines').map(t => t.x.length)"""
# What the data view draws for the racers: each line's y values, or the regions heatmap.
DATA_MODEL = """() => JSON.stringify(document.getElementById('data-plot').data
    .filter(t => t.mode === 'lines' || t.type === 'heatmap').map(t => t.type === 'heatmap' ? t.z : t.y))"""


def loaded(problem: str) -> str:
    return f"() => window.__lereng && window.__lereng.loaded === '{problem}'"


def open_lab(page, live_server, problem: str = "linear") -> PageWatch:
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/regression")
    page.wait_for_function(loaded("linear"), timeout=20_000)
    if problem != "linear":
        page.select_option("#problem-select", problem)
        # The CSV problem waits for its file.
        page.wait_for_function(loaded("csv-empty" if problem == "csv" else problem), timeout=20_000)
    return watch


def race_and_watch_data(page, min_step: int = 25) -> None:
    """Play; the data view's model must change while the run streams; then pause."""
    before = page.evaluate(DATA_MODEL)
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 5", timeout=10_000)
    page.wait_for_function(f"() => ({DATA_MODEL})() !== {before!r}", timeout=10_000)
    middle = page.evaluate(DATA_MODEL)
    page.wait_for_function(f"() => window.__lereng.step >= {min_step}", timeout=15_000)
    page.wait_for_function(f"() => ({DATA_MODEL})() !== {middle!r}", timeout=10_000)
    # Three racers, three paths on the landscape, each grown past its start.
    page.wait_for_function(
        f"() => ({LAND_PATHS})().length === 3 && ({LAND_PATHS})().every(n => n >= 5)"
    )
    page.click("#play-button")
    page.wait_for_function("() => document.getElementById('play-button').dataset.state === 'play'")


def test_linear_regression_races_three_variants(page, live_server):
    watch = open_lab(page, live_server)
    assert page.locator(".lab-tab[aria-current='page']").inner_text() == "Regression"
    assert page.locator("#race-legend li").count() == 3
    assert page.evaluate("() => document.getElementById('land-base').data[0].type") == "contour"
    assert page.locator("#formula-math math").count() == 2
    assert "MSE" in page.locator("#formula-math").inner_text()
    # The faint mini-batch surface follows the mini-batch racer.
    page.select_option("#regions-racer", "2")
    page.check("#batch-surface")
    race_and_watch_data(page)
    page.wait_for_function("() => document.getElementById('land-batch').data.length === 1")
    racers = page.evaluate("() => window.__lereng.race.racers.map(r => [r.epoch, r.iteration])")
    step = page.evaluate("() => window.__lereng.step")
    # Batch: an epoch per step; stochastic: n steps an epoch; mini-batch k=8 of 50: 7 an epoch.
    assert racers[0] == [step, step]
    assert racers[1][0] == 1 + (step - 1) // 50
    assert racers[2][0] == 1 + (step - 1) // 7
    assert "epoch" in page.locator("#race-legend").inner_text()
    assert_clean(page, watch)


@pytest.mark.parametrize("problem", ["logistic", "logistic_mse"])
def test_logistic_regression_runs(page, live_server, problem):
    watch = open_lab(page, live_server, problem)
    text = page.locator("#formula-math").inner_text()
    assert ("BCE" in text) == (problem == "logistic")
    race_and_watch_data(page)
    assert_clean(page, watch)


def test_softmax_regions_and_held_parameters(page, live_server):
    watch = open_lab(page, live_server, "softmax")
    landscapes = page.evaluate("() => window.__lereng.landscapes")
    race_and_watch_data(page)
    # The followed racer's decision regions lie under the points.
    assert page.evaluate("() => document.getElementById('data-plot').data[0].type") == "heatmap"
    # Pausing recomputes the landscape around the followed racer's current values.
    page.wait_for_function(f"() => window.__lereng.landscapes > {landscapes}")
    caption = page.locator("#land-caption").inner_text()
    assert "w11, b1" in caption and "Batch" in caption
    assert "CE" in page.locator("#formula-math").inner_text()
    assert_clean(page, watch)


def test_csv_upload_runs(page, live_server, tmp_path):
    rows = [(i / 20, 1.5 * (i / 20) - 0.5 + (0.2 if i % 3 else -0.3)) for i in range(40)]
    path = tmp_path / "study.csv"
    path.write_text("hours,score\n" + "".join(f"{a:.3f},{b:.3f}\n" for a, b in rows))
    watch = open_lab(page, live_server, "csv")
    page.set_input_files("#csv-input", str(path))
    page.wait_for_function("() => window.__lereng.state.csv !== null")
    page.wait_for_function(loaded("csv"))
    page.wait_for_function(
        "() => document.getElementById('data-plot').data[0].x.length === 40", timeout=10_000
    )
    assert page.locator("#csv-summary").inner_text().startswith("40 rows, 2 columns")
    axis = page.evaluate("() => document.getElementById('data-plot').layout.xaxis.title.text")
    assert axis == "hours"
    race_and_watch_data(page)
    assert_clean(page, watch)


def test_bad_csv_shows_its_error_inline(page, live_server, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("hours,score\n1,2\n3,abc\n")
    watch = open_lab(page, live_server, "csv")
    page.set_input_files("#csv-input", str(path))
    error = page.locator("#csv-error")
    error.wait_for(state="visible")
    text = error.inner_text()
    assert "row 3" in text and "abc" in text
    assert error.evaluate("el => getComputedStyle(el).color") == "rgb(179, 38, 30)"
    # The refusal is an expected answer: only the 422 resource line reaches the console.
    assert [e for e in watch.errors if "422" not in e] == []
    assert watch.external == []
    assert page.evaluate("() => window.__csp") == []


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800)])
def test_race_screenshot(page, live_server, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    watch = open_lab(page, live_server)
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 60", timeout=15_000)
    page.click("#play-button")
    page.wait_for_function("() => document.getElementById('play-button').dataset.state === 'play'")
    page.wait_for_timeout(300)  # the throttled plots draw their last frame
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"regression-race-{width}x{height}.png"))
    if width < 1100:
        page.click("#view-toggle button[data-view='landscape']")
        page.wait_for_timeout(300)
        page.screenshot(path=str(SCREENSHOTS / f"regression-landscape-{width}x{height}.png"))
    box = page.locator("#reset-button").bounding_box()
    assert box is not None and box["y"] + box["height"] <= height
    assert_clean(page, watch)
