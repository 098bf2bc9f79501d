"""Exports of the network lab, in real headless Chromium.

The CSV and JSON downloads hold the run as the page shows it (its record and its plotted
curves) and as POST /api/runs computes it for the same settings, number for number; the JSON's
final parameters sit in the layer layout the server describes. PNGs are real images of each
plot and of the network diagram. The interactive HTML opens from file:// with every network
request refused, and its play button moves the decision boundary and the step markers.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.browser.offline import open_offline
from tests.browser.test_network_page import DONE, LAND_READY, WAIT, open_lab
from tests.browser.test_share_export import png_size
from tests.browser.test_surface_page import assert_clean

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

# A small network (2 -> 5 -> 3 -> 1), mini-batches of 16, a heatmap every 4 steps.
QUERY = (
    "?ds=moons&n=200&noise=0.1&test=0.25&seed=3&f=x1,x2&h=5,3&act=tanh&l1=0&l2=0.001"
    "&opt=adam:lr=0.05&bs=16&hm=4&steps={steps}&sps=400&dirs=random"
)
NETWORK = {
    "dataset": "moons",
    "n": 200,
    "noise": 0.1,
    "test_fraction": 0.25,
    "seed": 3,
    "csv": None,
    "features": ["x1", "x2"],
    "hidden": [5, 3],
    "activation": "tanh",
    "loss": None,
    "l1": 0,
    "l2": 0.001,
    "heatmap_every": 4,
}
OPTIMIZER = {"name": "adam", "lr": 0.05, "batch_size": 16}


def trained(page, live_server, steps: int):
    watch = open_lab(page, live_server, QUERY.format(steps=steps), "moons")
    page.click("#play-button")
    page.wait_for_function(DONE, timeout=60_000)
    assert page.evaluate("() => window.__lereng.step") == steps
    return watch


def export(page, item):
    page.click("#export-menu summary")
    with page.expect_download(timeout=WAIT) as info:
        page.click(f"#export-{item}")
    return info.value


def reference(page, live_server, steps: int) -> dict:
    body = {"network": NETWORK, "steps": steps, "optimizers": [OPTIMIZER]}
    got = page.request.post(f"{live_server.url}/api/runs", data=body)
    assert got.ok, got.text()
    (run,) = got.json()["runs"]
    return run


def number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def test_csv_and_json_hold_the_run_as_shown_and_as_the_server_computes_it(page, live_server):
    steps = 60
    watch = trained(page, live_server, steps)
    ref = reference(page, live_server, steps)
    record = page.evaluate(
        """() => { const r = window.__lereng.race; return {steps: r.steps, trainLoss: r.trainLoss,
             testLoss: r.testLoss, trainAcc: r.trainAcc, testAcc: r.testAcc, loss: r.loss,
             wNorms: r.wNorms, gNorms: r.gNorms, point: r.point}; }"""
    )
    plotted = page.evaluate(
        "() => ['loss-plot', 'acc-plot'].map(id => document.getElementById(id).data.map(t => t.y))"
    )

    dl = export(page, "csv")
    assert dl.suggested_filename.startswith("lereng-moons-run") and dl.suggested_filename.endswith(
        ".csv"
    )
    rows = list(csv.DictReader(io.StringIO(dl.path().read_text())))
    per_layer = [f"{kind}_norm_{k}" for kind in ("weight", "grad") for k in (1, 2, 3)]
    assert list(rows[0]) == [
        "step",
        "train_loss",
        "test_loss",
        "train_acc",
        "test_acc",
        "objective",
        *per_layer,
    ]
    # One row per step the page recorded (frames the server dropped for a slow page are not
    # invented), in order, and every step it drew.
    assert [int(r["step"]) for r in rows] == record["steps"]
    assert len(rows) > steps // 2 and record["steps"][-1] == steps
    column = lambda name: [number(r[name]) for r in rows]  # noqa: E731
    # As the page shows them: its record, and the lines on the loss and accuracy charts.
    assert column("train_loss") == record["trainLoss"] == plotted[0][0]
    assert column("test_loss") == record["testLoss"] == plotted[0][1]
    assert column("objective") == record["loss"] == plotted[0][2]  # L2 on: the objective is drawn
    assert [100 * v for v in column("train_acc")] == plotted[1][0]
    assert column("test_acc") == record["testAcc"]
    for k in range(3):
        assert column(f"weight_norm_{k + 1}") == record["wNorms"][k]
        assert column(f"grad_norm_{k + 1}") == record["gNorms"][k]
    # As the server computes the same run (POST /api/runs), exactly, step by step.
    for row in rows:
        s = int(row["step"])
        assert number(row["train_loss"]) == ref["train_loss"][s]
        assert number(row["test_loss"]) == ref["test_loss"][s]
        assert number(row["train_acc"]) == ref["train_acc"][s]
        assert number(row["test_acc"]) == ref["test_acc"][s]
        assert number(row["objective"]) == ref["losses"][s]
        norms = ref["layer_norms"][s]
        assert [number(row[f"weight_norm_{k}"]) for k in (1, 2, 3)] == norms["weight"]
        assert [number(row[f"grad_norm_{k}"]) for k in (1, 2, 3)] == norms["grad"]
    # The objective is the data loss plus the L2 term on the weights (0.001 * sum of squares).
    last = rows[-1]
    l2 = 0.001 * sum(number(last[f"weight_norm_{k}"]) ** 2 for k in (1, 2, 3))
    assert number(last["objective"]) == pytest.approx(number(last["train_loss"]) + l2, rel=1e-9)

    dl = export(page, "json")
    data = json.loads(dl.path().read_text())
    assert data["kind"] == "network-run" and data["status"] == ref["status"]
    assert data["config"]["network"] == NETWORK
    assert data["config"]["optimizers"] == [OPTIMIZER] and data["config"]["steps"] == steps
    assert "ds=moons" in data["config"]["link"]
    curves = data["curves"]
    assert curves["steps"] == record["steps"]
    assert curves["train_loss"] == column("train_loss") and curves["test_acc"] == column("test_acc")
    assert curves["grad_norms"] == record["gNorms"]
    # The final parameters: the server's last point, bit for bit, and each layer's slice of it
    # in the server's layout (weights as fan_in x fan_out matrices, row-major).
    params = data["parameters"]
    assert params["step"] == steps
    assert params["flat"] == ref["points"][-1] == record["point"]
    theta = params["flat"]
    layers = params["layers"]
    assert [(x["kind"], x["layer"], x["shape"]) for x in layers] == [
        ("weight", 1, [2, 5]), ("bias", 1, [5]),
        ("weight", 2, [5, 3]), ("bias", 2, [3]),
        ("weight", 3, [3, 1]), ("bias", 3, [1]),
    ]  # fmt: skip
    assert len(theta) == 2 * 5 + 5 + 5 * 3 + 3 + 3 + 1
    for x in layers:
        if x["kind"] == "weight":
            rows_, cols = x["shape"]
            for i in range(rows_):
                assert (
                    x["values"][i] == theta[x["offset"] + i * cols : x["offset"] + (i + 1) * cols]
                )
        else:
            assert x["values"] == theta[x["offset"] : x["offset"] + x["shape"][0]]
    # The weight norms in the CSV are the Frobenius norms of these matrices.
    for k, x in enumerate(w for w in layers if w["kind"] == "weight"):
        fro = sum(v * v for row in x["values"] for v in row) ** 0.5
        assert fro == pytest.approx(number(rows[-1][f"weight_norm_{k + 1}"]), rel=1e-12)
    problem = page.evaluate("() => window.__lereng.problem")
    assert data["data"]["train"] == problem["train"] and data["data"]["test"] == problem["test"]
    assert data["problem"]["task"] == "binary" and data["problem"]["hidden"] == [5, 3]
    assert_clean(page, watch)


@pytest.mark.parametrize(
    ("item", "box"),
    [
        ("png-boundary", "#data-plot"),
        ("png-diagram", "#net-diagram svg"),
        ("png-loss", "#loss-plot"),
        ("png-acc", "#acc-plot"),
        ("png-norms", "#norms-plot"),
        ("png-landscape", "#land-plot"),
    ],
)
def test_png_exports_are_images_of_each_plot(page, live_server, item, box):
    watch = trained(page, live_server, 40)
    if item == "png-landscape":
        page.click("#view-toggle button[data-view='landscape']")
        page.wait_for_function(LAND_READY.format(n=1), timeout=60_000)
    dl = export(page, item)
    raw = dl.path().read_bytes()
    w, h = png_size(raw)
    rect = page.locator(box).bounding_box()
    # Drawn at twice the on-screen size; the norms chart's three unnamed-on-the-plot lines
    # (L1, L2, output) are named in a band below it.
    assert w == round(rect["width"]) * 2
    band = h - round(rect["height"]) * 2
    assert band >= 40 if item == "png-norms" else band >= 0
    assert len(raw) > 5_000  # not a blank canvas
    assert_clean(page, watch)


def test_before_training_the_run_exports_say_what_to_do(page, live_server):
    watch = open_lab(page, live_server, QUERY.format(steps=30), "moons")
    for item in ("csv", "html"):
        page.click("#export-menu summary")
        page.click(f"#export-{item}")
        page.wait_for_function(
            "() => !document.getElementById('page-message').hidden"
            " && document.getElementById('page-message').textContent.includes('Train the network first')",
            timeout=WAIT,
        )
    assert watch.errors == []


def test_share_puts_the_whole_set_up_in_the_link(page, live_server):
    watch = open_lab(page, live_server, QUERY.format(steps=30), "moons")
    page.click("#export-menu summary")
    page.click("#export-share")
    page.wait_for_function("() => !document.getElementById('share-status').hidden", timeout=WAIT)
    shared = page.evaluate("() => window.__lereng.shared")
    assert shared == page.url
    status = page.locator("#share-status").inner_text()
    assert "Link copied" in status or shared in status
    # The link decodes to this page's configuration.
    same = page.evaluate(
        "(url) => JSON.stringify(window.__lereng.decode(new URL(url).search)) === JSON.stringify(window.__lereng.config())",
        shared,
    )
    assert same
    assert_clean(page, watch)


HEAT_Z = "() => JSON.stringify(document.getElementById('plot').data[0].z)"


def test_interactive_html_opens_offline_and_animates(page, browser, live_server, tmp_path):
    steps = 120
    watch = trained(page, live_server, steps)
    received = page.evaluate("() => window.__lereng.race.heatHistory.map(h => h.step)")
    last_heat = page.evaluate(
        "() => { const h = window.__lereng.race.heatHistory.at(-1); return [h.shape, Array.from(h.z)]; }"
    )
    dl = export(page, "html")
    path = tmp_path / "run.html"
    dl.save_as(path)
    text = path.read_text()
    assert "<script src" not in text and "<link" not in text
    assert text.count("<script") == 3  # the figure (JSON), plotly.js, and the boot script
    assert len(text) < 8_000_000
    assert_clean(page, watch)

    offline = open_offline(browser, path, timeout=WAIT)
    view, blocked, errors = offline.page, offline.blocked, offline.errors
    plot = view.evaluate(
        """() => { const g = document.getElementById('plot');
             return {types: g.data.map(t => t.type), frames: g._transitionData._frames.map(f => f.name),
                     names: g.data.map(t => t.name || '')}; }"""
    )
    # The boundary (heatmap and its p = 0.5 line), the data, the loss and accuracy curves.
    assert plot["types"][:2] == ["heatmap", "contour"]
    assert any("Loss" in n for n in plot["names"]) and any("Accuracy" in n for n in plot["names"])
    # One frame per heatmap the page received: every 4 steps from 0 to 120, less any the
    # server dropped for a page that lagged behind (a loaded machine).
    assert [int(f) for f in plot["frames"]] == received
    assert received[0] == 0 and len(received) >= 5
    assert set(received) <= set(range(0, steps + 1, 4))
    # The last frame is the page's last heatmap, thinned to a grid of at most 50 a side.
    ny, nx = last_heat[0]
    frame_z = view.evaluate(
        "() => document.getElementById('plot')._transitionData._frames.at(-1).data[0].z"
    )
    cols = len(frame_z[0])
    assert len(frame_z) <= 50 and cols <= 50 and (ny, nx) == (100, 100)
    picks = [round(k * (nx - 1) / (cols - 1)) for k in range(cols)]
    for j_out, j in enumerate(picks):
        for i_out, i in enumerate(picks):
            assert frame_z[j_out][i_out] == pytest.approx(last_heat[1][j * nx + i], abs=5e-4)

    assert view.locator(".slider-container").count() == 1
    assert view.evaluate("() => document.getElementById('plot').layout.sliders[0].active") == 0
    before = view.evaluate(HEAT_Z)
    view.locator(".updatemenu-button").first.click()
    view.wait_for_function("() => window.__exported.frames >= 5", timeout=WAIT)
    view.wait_for_function(
        "() => document.getElementById('plot').layout.sliders[0].active > 0", timeout=WAIT
    )
    assert view.evaluate(HEAT_Z) != before  # the drawn boundary moved
    # The step markers follow: on the loss chart the train marker sits at the frame's step.
    marks = view.evaluate(
        "() => document.getElementById('plot').data.filter(t => t.mode === 'markers' && t.showlegend === false && t.xaxis === 'x2').map(t => t.x[0])"
    )
    assert marks and marks[0] > 0
    assert blocked == []
    assert errors == []
    offline.close()


@pytest.mark.parametrize("lang", ["en", "id"])
def test_export_menu_fits_a_small_projector_screen(page, live_server, lang):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(f"localStorage.setItem('lereng.lang', '{lang}')")
    watch = open_lab(page, live_server, QUERY.format(steps=30), "moons")
    page.click("#export-menu summary")
    items = page.locator("#export-menu .menu-item")
    assert items.count() == 10
    labels = items.all_inner_texts()
    assert not any("export." in x for x in labels)  # no untranslated key
    if lang == "id":
        assert "Batas keputusan (PNG)" in labels
    view = page.viewport_size
    for k in range(items.count()):
        r = items.nth(k).bounding_box()
        assert r["x"] >= 0 and r["y"] >= 0
        assert r["x"] + r["width"] <= view["width"] and r["y"] + r["height"] <= view["height"]
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"network-export-menu-1024-{lang}.png"))
    # Switching language relabels the menu at once.
    other = "id" if lang == "en" else "en"
    page.keyboard.press("Escape")
    page.click(f"#language-toggle button[data-lang='{other}']")
    want = "Batas keputusan (PNG)" if other == "id" else "Decision boundary (PNG)"
    page.wait_for_function(
        f"() => document.getElementById('export-png-boundary').textContent === '{want}'",
        timeout=WAIT,
    )
    assert_clean(page, watch)
