"""The regression lab in real headless Chromium: every problem loads and races, the data view
follows the run, the landscape shows every racer's path, CSV files load (softmax on text class
labels too) or are refused inline, the MSE twin races beside the cross-entropy model, a click
on the landscape moves the start, and a link reproduces the whole run bit for bit.

Waits go through page.wait_for_function on the page's hook (window.__lereng); predicates are
arrow functions because the page's CSP forbids string eval.
"""

from __future__ import annotations

import json
import math
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
    # Generous: five helpers share two cores here, and a first load fetches Plotly's 4.8 MB.
    page.wait_for_function(loaded("linear"), timeout=40_000)
    if problem != "linear":
        page.select_option("#problem-select", problem)
        # The CSV problem waits for its file.
        page.wait_for_function(loaded("csv-empty" if problem == "csv" else problem), timeout=40_000)
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
    # One read: frames the server sent before it heard Pause may still be drawn after it.
    racers, step = page.evaluate(
        "() => [window.__lereng.race.racers.map(r => [r.epoch, r.iteration]), window.__lereng.step]"
    )
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
    # The fitted line's negative numbers carry the minus sign the formula uses, not a hyphen.
    assert "−" in text and "-" not in text
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
    # Categorical cross-entropy by the course's name, with the natural log the engine uses.
    formula = page.locator("#formula-math").inner_text()
    assert "CCE" in formula and "ln" in formula and "log" not in formula
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


def lines_of(div: str) -> str:
    return f"""() => document.getElementById('{div}').data
        .filter(t => t.mode === 'lines').map(t => t.x.length)"""


def test_mse_twin_beside_the_cross_entropy_model(page, live_server):
    watch = open_lab(page, live_server, "logistic")
    assert page.locator("#land-cell-twin").is_hidden()
    page.check("#twin-toggle")
    page.wait_for_function("() => !document.getElementById('land-cell-twin').hidden")
    page.wait_for_function(
        "() => document.getElementById('land-base-twin').data"
        " && document.getElementById('land-base-twin').data[0].type === 'contour'",
        timeout=20_000,
    )
    # Three racers in the legend (twins wear their colours), six curves on the data view:
    # three solid (cross-entropy) and three dashed (the MSE twins).
    assert page.locator("#race-legend li").count() == 3
    assert page.locator("#twin-key").is_visible()
    dashes = page.evaluate(
        "() => document.getElementById('data-plot').data"
        ".filter(t => t.mode === 'lines').map(t => t.line.dash)"
    )
    assert dashes == ["solid"] * 3 + ["dash"] * 3
    assert "MSE" in page.locator("#land-title-twin").inner_text()
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 40", timeout=20_000)
    page.click("#play-button")
    page.wait_for_function("() => document.getElementById('play-button').dataset.state === 'play'")
    # Each landscape carries its own three paths.
    page.wait_for_function(
        f"() => ({lines_of('land-plot')})().length === 3"
        f" && ({lines_of('land-plot-twin')})().length === 3"
        f" && ({lines_of('land-plot-twin')})().every(n => n >= 20)",
        timeout=10_000,
    )
    racers = page.evaluate("() => window.__lereng.race.racers.map(r => r.losses)")
    assert len(racers) == 6
    # From the default start, far on the wrong side, batch descent on cross-entropy gains much
    # more than its MSE twin, which sits on MSE's flat region.
    bce, mse = racers[0], racers[3]
    k = min(len(bce), len(mse)) - 1
    assert (bce[0] - bce[k]) / bce[0] > 3 * (mse[0] - mse[k]) / mse[0]
    sent = page.evaluate("() => window.__lereng.lastStart.optimizers.map(o => o.loss)")
    assert sent == ["bce"] * 3 + ["mse"] * 3
    dashes = page.evaluate(
        "() => document.getElementById('loss-plot').data"
        ".filter(t => t.line.width > 1).map(t => t.line.dash)"
    )
    assert dashes == ["solid"] * 3 + ["dash"] * 3
    assert_clean(page, watch)


def test_click_on_the_landscape_moves_the_start(page, live_server):
    watch = open_lab(page, live_server)
    drag = page.locator("#land-plot .nsewdrag")
    box = drag.bounding_box()
    (x0, x1), (y0, y1) = page.evaluate("() => window.__lereng.plots.land.range")
    page.mouse.click(box["x"] + 0.25 * box["width"], box["y"] + 0.75 * box["height"])
    page.wait_for_function("() => /start=/.test(location.search)")
    w, b = page.evaluate("() => window.__lereng.state.starts.linear")
    assert w == pytest.approx(x0 + 0.25 * (x1 - x0), abs=0.01 * (x1 - x0))
    assert b == pytest.approx(y1 - 0.75 * (y1 - y0), abs=0.01 * (y1 - y0))
    # The start marker moved there, and every racer starts from it.
    marker = page.evaluate(
        "() => { const t = document.getElementById('land-plot').data[0]; return [t.x[0], t.y[0]]; }"
    )
    assert marker == [w, b]
    page.click("#step-button")
    page.wait_for_function("() => window.__lereng.step >= 1", timeout=10_000)
    firsts = page.evaluate("() => window.__lereng.race.racers.map(r => r.points[0])")
    assert firsts == [[w, b]] * 3
    assert page.evaluate("() => window.__lereng.lastStart.start") == [w, b]
    # On the 3D view a click on the surface picks the grid point under the cursor.
    page.click("#land-toggle button[data-land='3d']")
    page.wait_for_function(
        "() => document.getElementById('land-3d').data"
        " && document.getElementById('land-3d').data[0].type === 'surface'",
        timeout=20_000,
    )
    page.wait_for_timeout(500)
    box = page.locator("#land-3d").bounding_box()
    before = page.evaluate("() => JSON.stringify(window.__lereng.state.starts.linear)")
    # Hover first, as a hand does: the surface point under the cursor is what a click picks.
    # The bowl's middle sits a little above the panel's (the camera looks below the box's middle).
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45)
    page.wait_for_timeout(400)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_function(
        f"() => JSON.stringify(window.__lereng.state.starts.linear) !== {json.dumps(before)}",
        timeout=10_000,
    )
    w3, b3 = page.evaluate("() => window.__lereng.state.starts.linear")
    assert x0 <= w3 <= x1 and y0 <= b3 <= y1
    assert_clean(page, watch)


def _run_to_end(page) -> list:
    page.click("#play-button")
    page.wait_for_function(
        "() => window.__lereng.race && window.__lereng.race.done", timeout=30_000
    )
    return page.evaluate("() => window.__lereng.race.racers.map(r => r.points)")


def test_url_reproduces_the_run_bit_for_bit(page, live_server):
    page.set_viewport_size({"width": 1024, "height": 768})  # the narrow view toggle shows
    watch = open_lab(page, live_server, "logistic")
    page.fill("#data-seed", "7")
    page.dispatch_event("#data-seed", "change")
    page.wait_for_function("() => window.__lereng.state.data.logistic.seed === 7")
    page.wait_for_function(loaded("logistic"), timeout=20_000)
    page.check("#twin-toggle")
    page.wait_for_function("() => !document.getElementById('land-cell-twin').hidden")
    page.wait_for_function(loaded("logistic"), timeout=20_000)
    page.click("#view-toggle button[data-view='landscape']")
    box = page.locator("#land-plot .nsewdrag").bounding_box()
    page.mouse.click(box["x"] + 0.3 * box["width"], box["y"] + 0.2 * box["height"])
    page.fill("#steps-input", "40")
    page.dispatch_event("#steps-input", "change")
    page.select_option(".racer-variant >> nth=2", "minibatch")
    page.fill(".batch-size >> nth=2", "5")
    page.dispatch_event(".batch-size >> nth=2", "change")
    page.wait_for_function(
        "() => /k%3D5/.test(location.search) && /steps=40/.test(location.search)"
    )
    first = _run_to_end(page)
    sent = page.evaluate("() => window.__lereng.lastStart")
    url = page.url
    assert "twin=1" in url and "seed%3A7" in url
    other = page.context.new_page()
    other.set_viewport_size({"width": 1024, "height": 768})
    watch2 = PageWatch(other, live_server.url)
    other.goto(url)
    other.wait_for_function(loaded("logistic"), timeout=20_000)
    assert other.locator("#twin-toggle").is_checked()
    assert other.input_value("#data-seed") == "7"
    assert other.input_value("#steps-input") == "40"
    assert other.locator(".batch-size >> nth=2").input_value() == "5"
    assert other.locator(".plot-row").get_attribute("data-view") == "landscape"
    second = _run_to_end(other)
    assert other.evaluate("() => window.__lereng.lastStart") == sent
    assert second == first  # every point of every racer, bit for bit
    assert len(first) == 6 and len(first[0]) == 41
    # Opening the link again writes the same link.
    assert other.url == url
    assert_clean(page, watch)
    assert_clean(other, watch2)


def test_csv_with_class_labels_runs_softmax(page, live_server, tmp_path):
    rows = []
    for i in range(45):
        c = i % 3
        rows.append(
            (c * 2 + (i % 5) * 0.2, (c - 1) * 1.5 + (i % 7) * 0.15, ["cat", "dog", "eel"][c])
        )
    path = tmp_path / "pets.csv"
    path.write_text("size,weight,pet\n" + "".join(f"{a:.2f},{b:.2f},{n}\n" for a, b, n in rows))
    watch = open_lab(page, live_server, "csv")
    page.set_input_files("#csv-input", str(path))
    page.wait_for_function(loaded("csv"), timeout=20_000)
    assert page.input_value("#csv-model") == "softmax"
    assert page.locator("#csv-x2-field").is_visible()
    names = page.evaluate(
        "() => document.getElementById('data-plot').data"
        ".filter(t => t.mode === 'markers' && t.name !== 'batch').map(t => t.name)"
    )
    assert names == ["cat", "dog", "eel"]
    race_and_watch_data(page)
    assert page.evaluate("() => window.__lereng.lastStart.data.y.slice(0, 3)") == [
        "cat",
        "dog",
        "eel",
    ]
    # Too many classes for the chosen column: refused beside the file, naming the row.
    bad = tmp_path / "many.csv"
    bad.write_text("a,b,c\n" + "".join(f"{i},{i % 4},k{i}\n" for i in range(8)))
    page.set_input_files("#csv-input", str(bad))
    error = page.locator("#csv-error")
    error.wait_for(state="visible")
    assert "row 7" in error.inner_text() and "2 to 5 classes" in error.inner_text()
    assert [e for e in watch.errors if "422" not in e] == []
    assert watch.external == []
    assert page.evaluate("() => window.__csp") == []


GRADES = "hours,score,passed,grp\n" + "".join(
    f"{h},{50 + 5 * h},{int(h > 2)},{'abc'[h % 3]}\n" for h in range(1, 10)
)


def test_changing_the_csv_model_picks_a_y_it_can_learn(page, live_server, tmp_path):
    """A file with a text column opens as softmax; switching the model to linear or logistic
    takes a number column as y (the 0/1 one for logistic), and the boxes, the link and the run
    all name the same columns."""
    path = tmp_path / "grades.csv"
    path.write_text(GRADES)
    watch = open_lab(page, live_server, "csv")
    page.set_input_files("#csv-input", str(path))
    page.wait_for_function(loaded("csv"), timeout=20_000)
    assert page.input_value("#csv-model") == "softmax"
    for model, x, y in [("linear", "hours", "score"), ("logistic", "hours", "passed")]:
        page.evaluate("() => { window.__lereng.loaded = null; }")
        page.select_option("#csv-model", model)
        page.wait_for_function(
            "() => ['csv', 'csv-refused'].includes(window.__lereng.loaded)", timeout=20_000
        )
        assert page.evaluate("() => window.__lereng.loaded") == "csv"
        assert page.locator("#csv-error").is_hidden()
        shown = page.evaluate(
            "() => ['#csv-x', '#csv-y'].map(s => { const el = document.querySelector(s);"
            " return el.options[el.selectedIndex].text; })"
        )
        assert shown == [x, y]
        csv = page.evaluate("() => window.__lereng.state.csv")
        assert (csv["model"], csv["columns"][csv["xcol"]], csv["columns"][csv["ycol"]]) == (
            model,
            x,
            y,
        )
        data = page.evaluate("() => window.__lereng.plots.data")
        assert data["y_name"] == y and data["n"] == 9
        query = page.evaluate("() => Object.fromEntries(new URLSearchParams(location.search))")
        assert query["m"] == model
        assert query["c"].split(",")[::2] == [str(csv["xcol"]), str(csv["ycol"])]
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 5", timeout=10_000)
    sent = page.evaluate("() => window.__lereng.lastStart")
    assert sent["model"] == "logistic" and sent["data"]["y"] == [0, 0] + [1] * 7
    assert_clean(page, watch)


# The formula strip's numbers (<mn>) beyond the formula's own 1 (1/n, i = 1) and 2 (squared).
FORMULA_NUMBERS = """() => [...document.querySelectorAll('#formula-math mn')]
    .map(el => el.textContent).filter(s => s !== '1' && s !== '2')"""


def test_the_formula_strip_has_no_numbers_without_data(page, live_server, tmp_path):
    """The CSV problem before its file, and after a refused one, shows the formula alone: the
    previous problem's loss, line and n would describe data that is no longer on the page. A
    refusal names its row once."""
    watch = open_lab(page, live_server)
    assert page.evaluate(FORMULA_NUMBERS) != []  # the synthetic data's loss and line
    page.select_option("#problem-select", "csv")
    page.wait_for_function(loaded("csv-empty"), timeout=20_000)
    catalog = SCREENSHOTS.parent / "static" / "js" / "i18n" / "en.json"
    no_data = json.loads(catalog.read_text("utf-8"))["reg.formula_note_no_data"]
    assert page.evaluate(FORMULA_NUMBERS) == []
    assert page.locator("#formula-note").inner_text() == no_data
    assert "MSE" in page.locator("#formula-math").inner_text()
    good = tmp_path / "good.csv"
    good.write_text("hours,score\n" + "".join(f"{h},{50 + 5 * h}\n" for h in range(1, 10)))
    page.set_input_files("#csv-input", str(good))
    page.wait_for_function(loaded("csv"), timeout=20_000)
    assert page.evaluate(FORMULA_NUMBERS) != []
    assert page.locator("#formula-note").inner_text().startswith("n = 9;")
    # A refused file: its row said once, and no numbers left from the file before it.
    bad = tmp_path / "gap.csv"
    bad.write_text("hours,score\n1,50\n2,55\n3,\n")
    page.set_input_files("#csv-input", str(bad))
    page.locator("#csv-error").wait_for(state="visible")
    assert (
        page.locator("#csv-error").inner_text() == "Refused: row 4, column 'score': missing value"
    )
    page.evaluate("() => { window.__lereng.loaded = null; }")
    # Columns the server refuses (a score is no 0/1 target) leave the strip empty too.
    page.set_input_files("#csv-input", str(good))
    page.wait_for_function(loaded("csv"), timeout=20_000)
    page.evaluate("() => { window.__lereng.loaded = null; }")
    page.select_option("#csv-model", "logistic")
    page.wait_for_function(loaded("csv-refused"), timeout=20_000)
    assert page.evaluate(FORMULA_NUMBERS) == []
    assert page.locator("#formula-note").inner_text() == no_data
    assert "BCE" in page.locator("#formula-math").inner_text()
    assert [e for e in watch.errors if "422" not in e] == []
    assert watch.external == []


# Each sum sign's box height beside the 1/n fraction's, in the formula strip.
SUM_AND_FRACTION = """() => {
    const frac = document.querySelector('#formula-math mfrac').getBoundingClientRect().height;
    return [...document.querySelectorAll('#formula-math munderover > mo:first-child')]
        .map(mo => [mo.textContent, mo.getBoundingClientRect().height / frac]); }"""


def test_the_sum_signs_stand_as_tall_as_the_fraction_beside_them(page, live_server):
    """Without a math font (none is served offline) Chromium drew ∑ at text size, 0.6 of the
    1/n before it: the sum read as a footnote to the fraction. Each loss's sums are enlarged."""
    watch = open_lab(page, live_server)
    for problem, sums in (("linear", 1), ("logistic", 1), ("softmax", 2)):
        if problem != "linear":
            page.select_option("#problem-select", problem)
            page.wait_for_function(loaded(problem), timeout=20_000)
        ratios = page.evaluate(SUM_AND_FRACTION)
        assert [sign for sign, _ in ratios] == ["∑"] * sums
        assert all(ratio >= 0.75 for _, ratio in ratios), (problem, ratios)
    assert_clean(page, watch)


@pytest.mark.parametrize(
    ("size", "lang", "projector"), [((1280, 800), "en", False), ((1024, 768), "id", True)]
)
def test_twin_screenshot(page, live_server, size, lang, projector):
    """The twin view from a shared link, in both languages and projector mode, for a look."""
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}');"
        f"localStorage.setItem('lereng.projector', '{1 if projector else 0}');"
    )
    watch = PageWatch(page, live_server.url)
    view = "landscape" if width < 1100 else "data"
    page.goto(f"{live_server.url}/regression?p=logistic&twin=1&view={view}&sps=60")
    page.wait_for_function(loaded("logistic"), timeout=20_000)
    assert page.evaluate("() => document.documentElement.lang") == lang
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 80", timeout=20_000)
    page.click("#play-button")
    page.wait_for_function("() => document.getElementById('play-button').dataset.state === 'play'")
    page.wait_for_timeout(400)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"regression-twin-{lang}-{width}x{height}.png"))
    # Both landscapes keep a usable height even on a projector at 1024 x 768.
    for div in ("land-plot", "land-plot-twin"):
        box = page.locator(f"#{div}").bounding_box()
        assert box is not None and box["height"] >= 150, (div, box)
    box = page.locator("#reset-button").bounding_box()
    assert box is not None and box["y"] + box["height"] <= height
    assert_clean(page, watch)


# Each legend entry's name: how far it reaches past the legend's visible box, or past its own.
LEGEND_CUT = """() => { const box = document.getElementById('race-legend').getBoundingClientRect();
    return [...document.querySelectorAll('#race-legend .legend-label')].map(el => {
      const r = el.getBoundingClientRect();
      return Math.round(Math.max(0, r.right - box.right, el.scrollWidth - el.clientWidth)); }); }"""


@pytest.mark.parametrize("lang", ["en", "id"])
def test_projector_legend_names_every_racer_in_full(page, live_server, lang):
    """At 1024 x 768 in projector mode the legend shares its row with the view toggle and the
    tool buttons: a long racer name wraps instead of being cut off at the buttons."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}'); localStorage.setItem('lereng.projector', '1');"
    )
    watch = PageWatch(page, live_server.url)
    racers = "sgd:@v=batch:lr=0.1;sgd:@v=stochastic:lr=0.02;adadelta:@v=minibatch:@k=8:lr=1"
    page.goto(f"{live_server.url}/regression?p=linear&sps=200&steps=60&r={racers}")
    page.wait_for_function(loaded("linear"), timeout=20_000)
    labels = page.locator("#race-legend .legend-label").all_inner_texts()
    assert len(labels) == 3 and "Adadelta" in labels[2]
    assert page.evaluate(LEGEND_CUT) == [0, 0, 0]
    # A finished race adds each racer's status; the names stay whole.
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 60", timeout=20_000)
    page.wait_for_function("() => document.getElementById('play-button').dataset.state === 'play'")
    assert page.evaluate(LEGEND_CUT) == [0, 0, 0]
    assert_clean(page, watch)


# Each legend name's "lr <value>": on how many lines it is drawn.
LR_LINES = """() => [...document.querySelectorAll('#race-legend .legend-label')].map(el => {
    const node = el.firstChild, m = node.data.match(/lr\\s\\S+/);
    const range = document.createRange();
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })"""


def test_projector_legend_keeps_each_learning_rate_on_one_line(page, live_server):
    """The default race in Indonesian at 1024 x 768 in projector mode: the mini-batch racer's
    name wrapped between "lr" and "0.05", leaving the number alone on a line."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(
        "localStorage.setItem('lereng.lang', 'id'); localStorage.setItem('lereng.projector', '1');"
    )
    watch = open_lab(page, live_server)
    assert page.locator("#race-legend .legend-label").count() == 3
    assert page.evaluate(LR_LINES) == [1, 1, 1]
    assert_clean(page, watch)


@pytest.mark.parametrize("typed", ["", "abc", "1e309"])
def test_a_data_box_left_without_a_number_keeps_its_value(page, live_server, typed):
    """Slope, noise, n, seed...: an empty box, letters or an overflow are no number; the box
    shows the value in use again and the data is not regenerated (not 0, nor n = 2)."""
    watch = open_lab(page, live_server)
    page.evaluate("() => { window.__lereng.loaded = null; }")
    page.fill("#data-slope", "3")
    page.press("#data-slope", "Tab")
    page.wait_for_function(loaded("linear"), timeout=20_000)  # the boxes are drawn again
    before = page.evaluate("() => window.__lereng.state.data.linear")
    for key in ("slope", "intercept", "noise", "n", "seed"):
        box = page.locator(f"#data-{key}")
        box.click()
        page.keyboard.press("Control+a")
        page.keyboard.press("Backspace")
        page.keyboard.type(typed)
        page.keyboard.press("Tab")  # the change event, handled before this returns
        assert box.input_value() == str(before[key]), key
        assert page.evaluate("() => window.__lereng.state.data.linear") == before, key
    # The next real change builds on the values in use, not on zeros.
    page.evaluate("() => { window.__lereng.loaded = null; }")
    page.fill("#data-seed", "7")
    page.press("#data-seed", "Tab")
    page.wait_for_function(loaded("linear"), timeout=20_000)
    assert page.evaluate("() => window.__lereng.state.data.linear") == {**before, "seed": 7}
    assert page.evaluate("() => window.__lereng.plots.data.n") == 50
    assert_clean(page, watch)


def test_a_mangled_link_is_clamped_not_trusted(page, live_server):
    """Every value from a link passes the same bounds as the page's own controls."""
    watch = PageWatch(page, live_server.url)
    query = (
        "p=linear&d=n:1e99,seed:-5,slope:abc,noise:2.5,bogus:1&start=NaN,1"
        "&r=nope:@v=batch;adam:@v=sideways:@k=-3:lr=999:betas=0.5/2;sgd:@v=minibatch:@k=12"
        "&steps=-3&sps=1e9&twin=maybe&focus=99&axes=0,0"
    )
    page.goto(f"{live_server.url}/regression?{query}")
    page.wait_for_function(loaded("linear"), timeout=20_000)
    state = page.evaluate(
        "() => { const s = window.__lereng.state; return {data: s.data.linear, start: s.starts.linear,"
        " racers: s.racers.map(r => [r.name, r.variant, r.batchSize, r.hp]), steps: s.steps,"
        " speed: s.speed, twin: s.twin, axes: s.axes}; }"
    )
    limits = page.evaluate("() => window.__lereng.config.limits")
    assert state["data"]["n"] == 5000 and state["data"]["seed"] == 0
    assert state["data"]["slope"] == 2 and state["data"]["noise"] == 2.5
    assert state["start"] == [-2, -3]  # the default: NaN is no coordinate
    # The unknown optimizer is dropped; Adam keeps the default variant, bounded lr and betas.
    (adam, sgd) = state["racers"]
    assert adam[0] == "adam" and adam[1] == "batch" and adam[3]["lr"] == 10
    assert all(0 <= b < 1 for b in adam[3]["betas"])
    assert sgd[1:3] == ["minibatch", 12]
    assert state["steps"] == 300 and state["speed"] == limits["max_steps_per_second"]
    assert state["twin"] is False and state["axes"] is None
    assert_clean(page, watch)


def test_a_late_answer_for_a_problem_left_behind_is_dropped(page, live_server):
    """Two quick changes of the picker on a slow network: the answer for the first problem
    arrives last and must not replace the second one's data, formula or landscape."""
    watch = open_lab(page, live_server)

    def slow_blobs(route):
        if '"blobs"' in (route.request.post_data or ""):
            page.wait_for_timeout(1500)
        route.continue_()

    page.route("**/api/datasets", slow_blobs)
    with page.expect_event(
        "requestfinished", lambda r: '"blobs"' in (r.post_data or ""), timeout=20_000
    ):
        page.select_option("#problem-select", "softmax")
        page.wait_for_timeout(100)
        page.select_option("#problem-select", "linear")
    page.wait_for_function(loaded("linear"), timeout=20_000)
    page.wait_for_timeout(300)  # what the late answer would have set off has had its turn
    data = page.evaluate("() => window.__lereng.plots.data")
    assert data["kind"] == "regression" and data["n"] == 50
    assert page.locator("#page-message").is_hidden()
    race_and_watch_data(page, min_step=10)
    assert watch.errors == [] and watch.external == []


@pytest.mark.parametrize(
    "text",
    [
        'a,b\n"1,5","2,5"\n"3,5","4,5"\n"5,5","6,5"\n',  # decimal commas, quoted: all words
        "size,pet\n1,cat\n2,dog\n3,cat\n",  # one number column beside the classes
    ],
)
def test_a_csv_without_two_number_columns_says_so_by_the_file(page, live_server, tmp_path, text):
    watch = open_lab(page, live_server, "csv")
    path = tmp_path / "words.csv"
    path.write_text(text)
    page.set_input_files("#csv-input", str(path))
    error = page.locator("#csv-error")
    error.wait_for(state="visible")
    assert "two number columns" in error.inner_text()
    assert [e for e in watch.errors if "422" not in e] == []


def test_the_loss_chart_counts_epochs_as_well_as_iterations(page, live_server):
    # Per iteration the batch racer looks best; per epoch (one pass over the n = 50 examples)
    # a stochastic racer has made 50 steps to its one. Step k of each racer sits at
    # k / (iterations per epoch): 1 for Batch, n for Stochastic, ⌈n / k⌉ = 7 for Mini-batch k=8.
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/regression?steps=100&sps=2000")
    page.wait_for_function(loaded("linear"), timeout=40_000)
    page.click("#play-button")
    page.wait_for_function(
        "() => window.__lereng.race && window.__lereng.race.done", timeout=30_000
    )
    last_x = """() => document.getElementById('loss-plot').data
        .filter(t => !t.name.endsWith('(batch)')).map(t => t.x[t.x.length - 1])"""
    # The chart catches up with the finished run at its own pace.
    page.wait_for_function(f"() => JSON.stringify(({last_x})()) === '[100,100,100]'")
    page.check("#loss-epochs")
    page.wait_for_function(f"() => ({last_x})()[1] === 2")
    assert page.evaluate(last_x) == [100, 100 / 50, 100 / math.ceil(50 / 8)]
    title = "() => document.getElementById('loss-plot').layout.xaxis.title.text"
    assert page.evaluate(title).startswith("epoch")
    page.wait_for_function("() => /[?&]ep=1/.test(location.search)")
    page.reload()
    page.wait_for_function(loaded("linear"), timeout=40_000)
    assert page.is_checked("#loss-epochs")
    assert_clean(page, watch)


def test_the_mini_batch_surface_says_which_racers_have_one(page, live_server):
    # Ticked while the batch racer is followed, the box did nothing and said nothing: a batch
    # racer's "batch" surface is the full landscape.
    watch = open_lab(page, live_server)
    note = page.locator("#batch-surface-note")
    page.check("#batch-surface")
    note.wait_for(state="visible")
    assert "Stochastic" in note.inner_text()
    page.select_option("#regions-racer", "1")  # the stochastic racer
    note.wait_for(state="hidden")
    page.select_option("#regions-racer", "0")
    note.wait_for(state="visible")
    page.uncheck("#batch-surface")
    note.wait_for(state="hidden")
    assert_clean(page, watch)


CATALOGS = Path(__file__).resolve().parents[2] / "static" / "js" / "i18n"
# Elements of the Problem panel a viewer sees (not transparent) that show the given text whole:
# the text alone, nothing of it scrolled or cut off, inside the control column.
SHOWN_WHOLE = """name => { const column = document.getElementById('controls').getBoundingClientRect();
    return [...document.querySelectorAll('#data-panel *')].filter(el => {
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
      if (el.innerText.trim() !== name) return false;
      const r = el.getBoundingClientRect();
      return el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1
        && r.left >= column.left && r.right <= column.right; }).length; }"""


@pytest.mark.parametrize("lang", ["en", "id"])
def test_projector_shows_the_chosen_problem_by_its_whole_name(page, live_server, lang):
    """At 1024 x 768 in projector type the closed problem menu cut 'Logistic regression (binary
    cross-entropy)' short: the mentor must read which loss is chosen from the screen."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}'); localStorage.setItem('lereng.projector', '1');"
    )
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/regression")
    page.wait_for_function(loaded("linear"), timeout=40_000)
    names = json.loads((CATALOGS / f"{lang}.json").read_text())
    for problem in ("logistic", "softmax", "logistic_mse", "linear"):
        page.select_option("#problem-select", problem)
        page.wait_for_function(loaded(problem), timeout=40_000)
        name = names[f"reg.problem_{problem}"]
        assert page.evaluate(SHOWN_WHOLE, name) == 1, (problem, name)
        # A click on the name still lands on the menu itself.
        box = page.locator("#problem-select").bounding_box()
        hit = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).id",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert hit == "problem-select"
    # The other language names the same choice.
    other = "en" if lang == "id" else "id"
    page.select_option("#problem-select", "logistic")
    page.wait_for_function(loaded("logistic"), timeout=40_000)
    page.click(f"#language-toggle button[data-lang='{other}']")
    page.wait_for_function(f"() => document.documentElement.lang === '{other}'")
    name = json.loads((CATALOGS / f"{other}.json").read_text())["reg.problem_logistic"]
    page.wait_for_function(f"name => ({SHOWN_WHOLE})(name) === 1", arg=name)
    assert_clean(page, watch)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_projector_shows_the_csv_model_by_its_whole_name(page, live_server, tmp_path, lang):
    """The CSV box's model menu, like the problem menu: 'Logistic regression (binary
    cross-entropy)' reads whole at 1024 x 768 in projector type, and a click still opens it."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}'); localStorage.setItem('lereng.projector', '1');"
    )
    path = tmp_path / "pass.csv"
    path.write_text("hours,passed\n" + "".join(f"{i / 4:.2f},{int(i > 9)}\n" for i in range(20)))
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/regression?p=csv")
    page.wait_for_function("() => window.__lereng && window.__lereng.state", timeout=40_000)
    page.set_input_files("#csv-input", str(path))
    page.wait_for_function("() => window.__lereng.state.csv !== null")
    page.select_option("#csv-model", "logistic")
    page.wait_for_function("() => window.__lereng.state.csv.model === 'logistic'")
    name = json.loads((CATALOGS / f"{lang}.json").read_text())["reg.problem_logistic"]
    page.wait_for_function(f"name => ({SHOWN_WHOLE})(name) === 1", arg=name)
    page.evaluate("() => document.getElementById('csv-model').scrollIntoView({ block: 'center' })")
    box = page.locator("#csv-model").bounding_box()
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).id",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit == "csv-model"
    assert_clean(page, watch)
