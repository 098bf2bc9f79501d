"""Exports of the regression and backprop labs, in real headless Chromium.

Regression: the CSV (one row per racer-step) and the JSON hold the run's numbers exactly as the
page's record holds them and as POST /api/runs computes them for the same start message; the
PNGs are real images of the plots; the interactive HTML opens from file:// with every network
request refused and animates. Backprop: the CSV and JSON hold every node's value and gradient
as the server computes them for the page's weights, and the training history equals
POST /api/backprop/train; the graph and landscape PNGs are real images.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.browser.offline import open_offline
from tests.browser.test_share_export import png_size
from tests.browser.test_surface_page import PageWatch, assert_clean

pytestmark = pytest.mark.browser

WAIT = 40_000  # five helpers share two cores: page loads can take long


def export(page, item):
    page.click("#export-menu summary")
    with page.expect_download(timeout=WAIT) as info:
        page.click(f"#export-{item}")
    return info.value


def num(cell: str):
    return None if cell == "" else float(cell)


# ---- regression --------------------------------------------------------------------------------

LINEAR = "?p=linear&steps=40&sps=2000"
TWIN = "?p=logistic&steps=30&sps=2000&twin=1"


def open_regression(page, live_server, query: str) -> PageWatch:
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/regression{query}")
    problem = "logistic" if "p=logistic" in query else "linear"
    page.wait_for_function(
        f"() => window.__lereng && window.__lereng.loaded === '{problem}'", timeout=WAIT
    )
    return watch


def run_regression(page) -> None:
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.race && window.__lereng.race.done", timeout=WAIT)


def server_reference(page, live_server):
    sent = page.evaluate("() => window.__lereng.lastStart")
    body = {k: v for k, v in sent.items() if k not in ("type", "steps_per_second")}
    got = page.request.post(f"{live_server.url}/api/runs", data=body)
    assert got.ok, got.text()
    return sent, got.json()["runs"]


@pytest.mark.parametrize("query", [LINEAR, TWIN])
def test_regression_csv_and_json_hold_the_run(page, live_server, query):
    watch = open_regression(page, live_server, query)
    run_regression(page)
    sent, ref = server_reference(page, live_server)
    shown = page.evaluate(
        "() => window.__lereng.race.racers.map(r => ({points: r.points, losses: r.losses, label: r.label}))"
    )
    twin = "twin=1" in query
    assert len(ref) == (6 if twin else 3)

    dl = export(page, "csv")
    assert dl.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(dl.path().read_text())))
    assert list(rows[0]) == [
        "step", "racer", "variant", "batch_size", "optimizer", "lr", "loss_function", "loss",
        "w", "b", "batch_loss", "epoch", "iteration", "status",
    ]  # fmt: skip
    assert len(rows) == sum(r["steps"] + 1 for r in ref)
    steps = [int(r["step"]) for r in rows]
    assert steps == sorted(steps)
    by_racer: dict[str, list] = {}
    for row in rows:
        by_racer.setdefault(row["racer"], []).append(row)
    assert list(by_racer) == [s["label"] for s in shown]
    for i, (want, got, page_racer) in enumerate(zip(ref, by_racer.values(), shown, strict=True)):
        opt = sent["optimizers"][i]
        pts = [[float(r["w"]), float(r["b"])] for r in got]
        assert pts == want["points"]  # exact: the shortest round-trip decimal of each double
        assert pts == page_racer["points"]  # what the page drew
        assert [float(r["loss"]) for r in got] == want["losses"] == page_racer["losses"]
        assert [num(r["batch_loss"]) for r in got] == want["batch_loss"]
        assert [num(r["epoch"]) for r in got] == want["epoch"]
        assert [num(r["iteration"]) for r in got] == want["iteration"]
        assert {r["variant"] for r in got} == {opt["variant"]}
        assert {r["optimizer"] for r in got} == {want["optimizer"]["name"]}
        assert {float(r["lr"]) for r in got} == {want["optimizer"]["lr"]}
        want_loss = opt.get("loss", "mse" if "linear" in query else "bce")
        assert {r["loss_function"] for r in got} == {want_loss}
        if opt["variant"] == "minibatch":
            assert {int(r["batch_size"]) for r in got} == {opt["batch_size"]}
        assert got[-1]["status"] == want["status"]
    if twin:
        assert [r.get("loss") for r in sent["optimizers"]] == ["bce"] * 3 + ["mse"] * 3

    data = json.loads(export(page, "json").path().read_text())
    assert data["kind"] == "regression-run"
    assert data["param_names"] == ["w", "b"]
    assert data["config"]["data"] == sent["data"] and data["config"]["steps"] == sent["steps"]
    assert data["config"]["optimizers"] == sent["optimizers"]
    for want, got in zip(ref, data["racers"], strict=True):
        assert got["points"] == want["points"]
        assert got["losses"] == want["losses"]
        assert got["batch_losses"] == want["batch_loss"]
        assert got["epochs"] == want["epoch"]
        assert got["status"] == want["status"]
        assert got["optimizer"] == want["optimizer"]  # every hyperparameter, as the server used
    assert_clean(page, watch)


@pytest.mark.parametrize(
    "item,divs",
    [("png-data", "data-plot"), ("png-landscape", "land-base"), ("png-loss", "loss-plot")],
)
def test_regression_pngs_are_images_of_the_plots(page, live_server, item, divs):
    watch = open_regression(page, live_server, LINEAR)
    run_regression(page)
    raw = export(page, item).path().read_bytes()
    box = page.locator(f"#{divs}").bounding_box()
    w, h = png_size(raw)
    assert w == round(box["width"]) * 2
    # The loss chart's lines are named in a band below it (the page's legend is HTML).
    band = h - round(box["height"]) * 2
    assert band >= 40 if item == "png-loss" else band >= 0
    assert len(raw) > 5_000  # not a blank canvas
    assert_clean(page, watch)


def test_regression_export_before_a_run_says_what_to_do(page, live_server):
    watch = open_regression(page, live_server, LINEAR)
    page.click("#export-menu summary")
    page.click("#export-csv")
    page.wait_for_function(
        "() => document.getElementById('page-message').textContent.includes('Run the race first')",
        timeout=WAIT,
    )
    assert watch.errors == []


def test_regression_html_opens_offline_and_animates(page, browser, live_server, tmp_path):
    watch = open_regression(page, live_server, "?p=linear&steps=80&sps=2000")
    run_regression(page)
    path = tmp_path / "run.html"
    export(page, "html").save_as(path)
    text = path.read_text()
    assert "<script src" not in text and "<link" not in text
    assert text.count("<script") == 3  # the figure (JSON), plotly.js, the boot script
    assert_clean(page, watch)

    offline = open_offline(browser, path, timeout=WAIT)
    view, blocked, errors = offline.page, offline.blocked, offline.errors
    plot = "document.getElementById('plot')"
    assert view.evaluate(f"() => {plot}.data[0].type") == "contour"
    # Three racers: a path and a head each on the landscape, and a loss curve each.
    assert view.evaluate(f"() => {plot}.data.filter(t => t.xaxis === 'x2').length") == 3
    assert view.locator(".slider-container").count() == 1
    heads = f"() => {plot}.data.filter(t => t.mode === 'markers' && t.hoverinfo === 'text').map(t => [t.x[0], t.y[0]])"
    curves = f"() => {plot}.data.filter(t => t.xaxis === 'x2').map(t => t.x.length)"
    before, lengths = view.evaluate(heads), view.evaluate(curves)
    assert len(before) == 3 and lengths == [1, 1, 1]  # the first frame: the start only
    view.locator(".updatemenu-button").first.click()
    view.wait_for_function("() => window.__exported.frames >= 5", timeout=WAIT)
    view.wait_for_function(f"() => {plot}.layout.sliders[0].active > 0", timeout=WAIT)
    assert view.evaluate(heads) != before
    assert all(n > 1 for n in view.evaluate(curves))
    # The landscape is still drawn under the paths once frames have replaced them.
    # Counted once, this caught a frame transition mid-redraw (0 paths) under CI load: wait.
    view.wait_for_function(
        f"() => {plot}.querySelectorAll('.contourlayer path').length > 10", timeout=WAIT
    )
    assert blocked == [] and errors == []
    offline.close()


def test_regression_html_in_twin_mode_draws_both_maps(page, browser, live_server, tmp_path):
    watch = open_regression(page, live_server, TWIN)
    run_regression(page)
    path = tmp_path / "twin.html"
    export(page, "html").save_as(path)
    assert_clean(page, watch)
    offline = open_offline(browser, path, timeout=WAIT)
    view = offline.page
    plot = "document.getElementById('plot')"
    on = "(t, ax) => t.mode === 'lines' && (t.xaxis || 'x') === ax"
    # Two maps: the cross-entropy landscape (x) and the MSE twins' (x3), each with a contour.
    assert view.evaluate(
        f"() => {plot}.data.filter(t => t.type === 'contour').map(t => t.xaxis)"
    ) == ["x", "x3"]
    # Three racers on the first map, their three MSE twins on the second, six loss curves.
    assert view.evaluate(f"() => {plot}.data.filter(t => ({on})(t, 'x')).length") == 3
    assert view.evaluate(f"() => {plot}.data.filter(t => ({on})(t, 'x3')).length") == 3
    assert view.evaluate(f"() => {plot}.data.filter(t => t.xaxis === 'x2').length") == 6
    twin_paths = f"() => {plot}.data.filter(t => ({on})(t, 'x3')).map(t => t.x.length)"
    view.locator(".updatemenu-button").first.click()
    view.wait_for_function(f"() => ({twin_paths})().every(n => n > 1)", timeout=WAIT)
    assert offline.blocked == [] and offline.errors == []
    offline.close()


# ---- backprop ----------------------------------------------------------------------------------

READY = "() => window.__lereng && window.__lereng.ready === true && window.__lereng.busy === 0"


def open_backprop(page, live_server, query: str = "") -> PageWatch:
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/backprop{query}")
    page.wait_for_function(READY, timeout=WAIT)
    return watch


def body_of(state: dict) -> dict:
    keys = ("network", "activation", "loss", "examples", "params", "lr")
    return {k: state[k] for k in keys}


def test_backprop_csv_and_json_hold_nodes_and_training(page, live_server):
    watch = open_backprop(page, live_server, "?net=neuron&ex=0.5,1,1;-0.2,0.3,0")
    start = body_of(page.evaluate("() => window.__lereng.state"))
    page.fill("#bp-train-steps", "6")
    page.click("#bp-train")
    page.wait_for_function(
        "() => window.__lereng.history && window.__lereng.history.losses.length === 7"
        " && window.__lereng.busy === 0",
        timeout=WAIT,
    )
    trained = page.request.post(
        f"{live_server.url}/api/backprop/train", data={**start, "steps": 6}
    ).json()
    state = page.evaluate("() => window.__lereng.state")
    assert state["params"] == trained["params"]
    # Independent of the page's graph: the server's graph at the trained weights.
    graph = page.request.post(f"{live_server.url}/api/backprop/graph", data=body_of(state)).json()

    rows = list(csv.DictReader(io.StringIO(export(page, "csv").path().read_text())))
    assert list(rows[0]) == ["section", "step", "node", "label", "kind", "op", "value", "grad"]
    nodes = [r for r in rows if r["section"] == "node"]
    assert [r["node"] for r in nodes] == [n["id"] for n in graph["nodes"]]
    for row, n in zip(nodes, graph["nodes"], strict=True):
        # Two examples: each node's value is one number per example (a JSON list in the cell).
        value = json.loads(row["value"])
        assert value == n["value"]
        assert (json.loads(row["grad"]) if row["grad"] else None) == n["grad"]
    update = {r["node"]: float(r["value"]) for r in rows if r["section"] == "update"}
    assert update == {u["param"]: u["after"] for u in graph["update"]}
    # One step count through the file: the pass on screen comes after 6 updates, its own
    # update is the 7th; a bias is a bias in every section.
    assert {r["step"] for r in nodes} == {"6"}
    assert {r["step"] for r in rows if r["section"] == "update"} == {"7"}
    kinds = {n["id"]: n["kind"] for n in graph["nodes"]}
    assert {(r["node"], r["kind"]) for r in rows if r["section"] in ("update", "history")} == {
        (name, kinds[name]) for name in trained["history"]
    } | {("L", "loss")}
    assert kinds["b"] == "bias"
    hist = [r for r in rows if r["section"] == "history"]
    losses = [float(r["value"]) for r in hist if r["node"] == "L"]
    assert losses == trained["losses"]
    for name, values in trained["history"].items():
        assert [float(r["value"]) for r in hist if r["node"] == name] == values
    # The loss the page shows is the CSV's loss node.
    shown = page.locator("#bp-loss-value").inner_text()
    loss_row = next(r for r in nodes if r["node"] == "L")
    loss = float(loss_row["value"])
    assert shown == f"L = {float(f'{loss:.3g}'):g}".replace("-", "−")

    data = json.loads(export(page, "json").path().read_text())
    assert data["kind"] == "backprop-pass"
    assert {k: data["config"][k] for k in start} == body_of(state)
    assert data["nodes"] == [
        {k: n[k] for k in ("id", "label", "kind", "op", "shape", "value", "grad")}
        for n in graph["nodes"]
    ]
    assert data["history"]["losses"] == trained["losses"]
    assert data["history"]["params"] == trained["history"]
    assert_clean(page, watch)


def test_backprop_a_manual_pass_after_training_joins_the_history(page, live_server):
    watch = open_backprop(page, live_server, "?net=neuron")
    page.fill("#bp-train-steps", "2")
    page.click("#bp-train")
    page.wait_for_function(
        "() => window.__lereng.history && window.__lereng.history.losses.length === 3"
        " && window.__lereng.busy === 0",
        timeout=WAIT,
    )
    before = page.evaluate("() => window.__lereng.graph")
    # Training leaves every value and gradient shown: one step to the update, one more to
    # the next pass, with the new weights.
    cursor = page.evaluate("() => window.__lereng.cursor")
    page.locator("#bp-next").click()
    page.wait_for_function(f"() => window.__lereng.cursor === {cursor + 1}", timeout=WAIT)
    page.locator("#bp-next").click()
    page.wait_for_function(
        "() => window.__lereng.history.losses.length === 4 && window.__lereng.busy === 0",
        timeout=WAIT,
    )
    data = json.loads(export(page, "json").path().read_text())
    assert data["history"]["losses"][-1] == before["loss_after"]
    assert {k: v[-1] for k, v in data["history"]["params"].items()} == {
        u["param"]: u["after"] for u in before["update"]
    }
    assert_clean(page, watch)


@pytest.mark.parametrize(
    "item,target", [("png-graph", "bp-graph"), ("png-landscape", "bp-landscape")]
)
def test_backprop_pngs_are_images(page, live_server, item, target):
    watch = open_backprop(page, live_server)
    raw = export(page, item).path().read_bytes()
    box = page.locator(f"#{target}").bounding_box()
    assert png_size(raw) == (round(box["width"]) * 2, round(box["height"]) * 2)
    assert len(raw) > 5_000
    assert_clean(page, watch)


def test_regression_softmax_csv_has_a_column_per_parameter(page, live_server):
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/regression?p=softmax&steps=15&sps=2000")
    page.wait_for_function(
        "() => window.__lereng && window.__lereng.loaded === 'softmax'", timeout=WAIT
    )
    run_regression(page)
    _, ref = server_reference(page, live_server)
    rows = list(csv.DictReader(io.StringIO(export(page, "csv").path().read_text())))
    names = [f"w{j}{c}" for j in (1, 2) for c in (1, 2, 3)] + ["b1", "b2", "b3"]
    assert list(rows[0])[8:17] == names
    assert {r["loss_function"] for r in rows} == {"cross_entropy"}
    by_racer: dict[str, list] = {}
    for row in rows:
        by_racer.setdefault(row["racer"], []).append(row)
    for want, got in zip(ref, by_racer.values(), strict=True):
        assert [[float(r[n]) for n in names] for r in got] == want["points"]
    assert_clean(page, watch)


def test_backprop_html_steps_through_the_pass_offline(page, browser, live_server, tmp_path):
    watch = open_backprop(page, live_server, "?net=neuron")
    graph = page.evaluate("() => window.__lereng.graph")
    path = tmp_path / "pass.html"
    export(page, "html").save_as(path)
    text = path.read_text()
    assert "<script src" not in text and "<link" not in text
    assert_clean(page, watch)

    offline = open_offline(browser, path, timeout=WAIT)
    view, blocked, errors = offline.page, offline.blocked, offline.errors
    # One frame per cursor step: start, each forward node, each backward node, the update.
    steps = 1 + len(graph["forward"]) + len(graph["backward"]) + 1
    assert view.evaluate("() => Number(document.getElementById('slider').max)") == steps - 1
    assert view.locator("#graph svg [data-id]").count() == len(graph["nodes"])
    box = view.locator("#graph svg").bounding_box()  # drawn in the page, not off screen
    assert box["x"] >= 0 and box["width"] > 300 and box["height"] > 150
    # At the start no gradient is known; playing reaches the backward pass, whose gradients show.
    grads = "() => [...document.querySelectorAll('#graph text')].filter(g => /^∂ [^?]/.test(g.textContent)).length"
    assert view.evaluate(grads) == 0
    assert view.locator("#phase").inner_text() == f"0/{steps - 1} · Start"
    view.click("#play")
    view.wait_for_function(
        f"() => window.__exported.frame >= {1 + len(graph['forward']) + 2}", timeout=WAIT
    )
    assert view.evaluate(grads) >= 2
    assert view.locator("#loss").inner_text().startswith("L = ")
    assert blocked == [] and errors == []
    offline.close()


@pytest.mark.parametrize("lab", ["regression", "backprop"])
def test_share_copies_the_page_link(page, live_server, lab):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    if lab == "regression":
        watch = open_regression(page, live_server, "?p=logistic&steps=25&twin=1")
    else:
        watch = open_backprop(page, live_server, "?net=softmax&lr=0.25")
    page.click("#export-menu summary")
    page.click("#export-share")
    page.wait_for_function("() => !document.getElementById('share-status').hidden", timeout=WAIT)
    shared = page.evaluate("() => window.__lereng.shared")
    assert shared == page.url and ("twin=1" in shared or "lr=0.25" in shared)
    assert page.evaluate("() => navigator.clipboard.readText()") == shared
    assert_clean(page, watch)
