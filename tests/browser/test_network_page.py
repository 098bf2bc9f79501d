"""The network lab in real headless Chromium: training on the spiral moves the boundary heatmap,
grows the curves and the diagram's weights, and ends with a landscape carrying the projected
trajectory; the whole configuration round-trips through the URL; a refused CSV says why inline.

Waits go through page.wait_for_function on the page's hook (window.__lereng); predicates are
arrow functions because the page's CSP forbids string eval.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_surface_page import PageWatch, assert_clean

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
WAIT = 30_000

# A position-weighted sum of the drawn heatmap: differs whenever the boundary moves.
HEAT_SUM = """() => {
  const h = (document.getElementById('data-plot').data || []).find(t => t.type === 'heatmap');
  if (!h) return null;
  let s = 0;
  h.z.forEach((row, j) => row.forEach((v, i) => { s += (v || 0) * (((i * 7 + j * 13) % 17) + 1); }));
  return s;
}"""
LOSS_POINTS = "() => document.getElementById('loss-plot').data[0].x.length"
# The diagram's forward pass in the page, on the server's heatmap grid, against that heatmap:
# [largest difference, share of cells off by more than 1e-3, heatmap step, current step].
FORWARD_VS_SERVER = """async () => {
  const m = await import('/static/js/components/network-neurons.js');
  const L = window.__lereng;
  const r = L.race;
  const n = r.heatmap.shape[1];
  const s = m.scores(L.problem, m.forwardGrid(L.problem, r.point, n).out);
  let worst = 0;
  let off = 0;
  for (let i = 0; i < s.length; i += 1) {
    const d = Math.abs(s[i] - r.heatmap.z[i]);
    worst = Math.max(worst, d);
    if (d > 1e-3) off += 1;
  }
  return [worst, off / s.length, r.heatmap.step, r.steps.at(-1)];
}"""
DONE = "() => window.__lereng.race && window.__lereng.race.done && window.__lereng.race.drawn"
LAND_READY = "() => window.__lereng.landscapes >= {n} && !window.__lereng.landscapeBusy"


def loaded(dataset: str) -> str:
    return f"() => window.__lereng && window.__lereng.loaded === '{dataset}' && window.__lereng.step === 0 && window.__lereng.heatmaps >= 1"


def open_lab(page, live_server, query: str = "", dataset: str = "circle") -> PageWatch:
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/network{query}")
    page.wait_for_function(loaded(dataset), timeout=WAIT)
    return watch


def test_spiral_trains_and_ends_with_its_landscape(page, live_server):
    watch = open_lab(page, live_server, "?ds=spiral&steps=300&sps=150&hm=10", "spiral")
    assert page.locator(".lab-tab[aria-current='page']").inner_text() == "Network"
    problem = page.evaluate("() => window.__lereng.problem")
    assert problem["task"] == "binary" and problem["hidden"] == [12, 12]
    # One SVG edge per weight, as many as the server's weight shapes say.
    weights = sum(x["shape"][0] * x["shape"][1] for x in problem["layers"] if x["kind"] == "weight")
    assert page.locator("#net-diagram line").count() == weights == 2 * 12 + 12 * 12 + 12
    widths0 = page.evaluate(
        "() => [...document.querySelectorAll('#net-diagram line')].map(l => l.getAttribute('stroke-width'))"
    )
    assert len(set(widths0)) > 5  # sized by |weight|, not all alike
    heat0 = page.evaluate(HEAT_SUM)
    assert heat0 is not None

    page.click("#play-button")
    page.wait_for_function(
        f"() => window.__lereng.heatmaps >= 3 && ({HEAT_SUM})() !== {heat0!r}", timeout=WAIT
    )
    # Between two later heatmap frames the drawn boundary moves again, and the curves grow.
    heat1, count1, loss1 = page.evaluate(
        f"() => [({HEAT_SUM})(), window.__lereng.heatmaps, ({LOSS_POINTS})()]"
    )
    page.wait_for_function(
        f"() => window.__lereng.heatmaps >= {count1 + 2} && ({HEAT_SUM})() !== {heat1!r}",
        timeout=WAIT,
    )
    page.wait_for_function(f"() => ({LOSS_POINTS})() > {loss1 + 20}", timeout=WAIT)
    page.wait_for_function(DONE, timeout=60_000)
    assert page.evaluate("() => window.__lereng.step") == 300
    curves = page.evaluate(
        """() => ['loss-plot', 'acc-plot', 'norms-plot'].map(id =>
             document.getElementById(id).data.map(t => t.y.filter(v => v !== null).length))"""
    )
    # Every folded frame is drawn: train and test loss, train and test accuracy, and one
    # gradient-norm line per weight matrix (W1, W2, W3).
    frames, skipped = page.evaluate(
        "() => [window.__lereng.race.steps.length, window.__lereng.race.skipped]"
    )
    # Steps 0 to 300: each one drawn, or dropped by the server for a lagging page (and counted).
    assert frames + skipped == 301 and frames > 100
    assert curves[0][:2] == [frames, frames] and curves[1] == [frames, frames]
    assert curves[2] == [frames] * 3
    acc = page.evaluate("() => window.__lereng.race.testAcc.at(-1)")
    assert 0.5 <= acc <= 1
    # Each unit's picture comes from the page's own forward pass: it reproduces the server's
    # final heatmap (float32 there) from the final parameters.
    worst, off, heat_step, step = page.evaluate(FORWARD_VS_SERVER)
    assert heat_step == step == 300 and worst < 1e-4 and off == 0
    assert page.locator("#net-diagram image").count() == 2 + 12 + 12 + 1
    # Edge by edge, dashes mark exactly the negative weights and the widest edge is the
    # largest |weight| (read straight from the final parameters and the layer slices).
    edges = page.evaluate(
        """() => {
          const p = window.__lereng.problem;
          const theta = window.__lereng.race.point;
          const ws = p.layers.filter(x => x.kind === 'weight').sort((a, b) => a.layer - b.layer);
          const values = ws.flatMap(w => theta.slice(w.offset, w.offset + w.shape[0] * w.shape[1]));
          const lines = [...document.querySelectorAll('#net-diagram line')];
          const drawn = lines.map(l => [l.hasAttribute('stroke-dasharray'), Number(l.getAttribute('stroke-width'))]);
          return {values, drawn};
        }"""
    )
    by_row = []  # the diagram draws layer by layer, input i by output j: W[i][j] in row-major order
    for value, (dashed, width) in zip(edges["values"], edges["drawn"], strict=True):
        assert dashed == (value < 0)
        by_row.append((abs(value), width))
    assert max(by_row)[1] == max(w for _, w in by_row)
    widths1 = page.evaluate(
        "() => [...document.querySelectorAll('#net-diagram line')].map(l => l.getAttribute('stroke-width'))"
    )
    assert widths1 != widths0

    # The run's end computes the landscape (random directions by default), path on top.
    page.wait_for_function(LAND_READY.format(n=1), timeout=60_000)
    page.click("#view-toggle button[data-view='landscape']")
    land = page.evaluate(
        """() => document.getElementById('land-plot').data.map(t => [t.type, t.mode || '',
             t.type === 'contour' ? t.z.length * t.z[0].filter(v => v !== null).length : t.x.length])"""
    )
    assert land[0][0] == "contour" and land[0][2] == 51 * 51
    path = [n for kind, mode, n in land if mode == "lines+markers"]
    assert path and path[0] >= 10
    assert "filter-normalised" in page.locator("#land-title").inner_text()
    assert page.locator("#land-progress").is_hidden()

    # PCA directions on demand: the title says so; centred on the last point, the path ends at 0.
    page.select_option("#land-directions", "pca")
    page.wait_for_function(LAND_READY.format(n=2), timeout=60_000)
    assert "PCA" in page.locator("#land-title").inner_text()
    end = page.evaluate(
        "() => document.getElementById('land-plot').data.find(t => t.mode === 'lines+markers')"
        ".x.slice(-1).concat(document.getElementById('land-plot').data"
        ".find(t => t.mode === 'lines+markers').y.slice(-1))"
    )
    assert abs(end[0]) < 1e-3 and abs(end[1]) < 1e-3
    page.click("#land-toggle button[data-land='3d']")
    page.wait_for_function(
        "() => (document.getElementById('land-3d').data || []).some(t => t.type === 'surface')",
        timeout=WAIT,
    )
    assert_clean(page, watch)


def test_configuration_round_trips_through_the_url(page, live_server):
    query = (
        "?ds=moons&n=300&noise=0.2&test=0.25&seed=7&f=x1,x2,x1x2,sin_x1&h=6,4,3&act=relu"
        "&loss=mse&l1=0.001&l2=0.01&opt=sgd:lr=0.1:momentum=0.9&bs=stochastic&hm=5"
        "&steps=250&sps=80&dirs=pca&other=kept"
    )
    watch = open_lab(page, live_server, query, "moons")
    config = page.evaluate("() => window.__lereng.config()")
    assert config["hidden"] == [6, 4, 3] and config["features"] == ["x1", "x2", "x1x2", "sin_x1"]
    assert config["racer"]["name"] == "sgd" and config["racer"]["hp"] == {
        "lr": 0.1,
        "momentum": 0.9,
    }
    assert config["racer"]["variant"] == "stochastic" and config["loss"] == "mse"
    # state -> URL -> state, both from the page's own link and from the encoder.
    assert page.evaluate("() => window.__lereng.decode(location.search)") == config
    assert page.evaluate("() => window.__lereng.decode(window.__lereng.encode())") == config
    # The server got that configuration, and explains MSE on a classification task.
    problem = page.evaluate("() => window.__lereng.problem")
    assert problem["hidden"] == [6, 4, 3] and problem["activation"] == "relu"
    assert problem["loss"] == "mse" and problem["loss_note"]
    # The server's note, shown in the page's language (here English: the same sentence).
    assert page.locator("#loss-note").inner_text() == problem["loss_note"]
    assert page.locator("#layer-list li").count() == 3
    assert page.locator("#net-activation").input_value() == "relu"
    # A change through the controls reaches the URL, and the URL decodes to the new state.
    page.click("#layers-plus")
    page.wait_for_function(
        "() => window.__lereng.problem && window.__lereng.problem.hidden.length === 4", timeout=WAIT
    )
    assert "h=6%2C4%2C3%2C3" in page.url
    assert "other=kept" in page.url  # keys of other code (the shell's present=1) stay
    config = page.evaluate("() => window.__lereng.config()")
    assert page.evaluate("() => window.__lereng.decode(location.search)") == config
    # The shared shortcuts drive this lab too: the right arrow steps exactly once.
    page.wait_for_function("() => window.__lereng.heatmaps >= 1", timeout=WAIT)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.__lereng.step === 1", timeout=WAIT)
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__lereng.step") == 1
    assert_clean(page, watch)


@pytest.mark.parametrize(("dataset", "loss"), [("plane", "ce"), ("sine", "bce")])
def test_a_link_with_a_loss_that_cannot_fit_follows_the_task(page, live_server, dataset, loss):
    # A regression target takes mse only: the link's loss would get every Play refused.
    watch = open_lab(page, live_server, f"?ds={dataset}&loss={loss}", dataset=dataset)
    assert page.evaluate("() => window.__lereng.state.loss") is None
    page.click("#step-button")
    page.wait_for_function("() => window.__lereng.step >= 1", timeout=WAIT)
    assert [e for e in watch.errors if "422" not in e] == []


def test_csv_file_trains_and_a_refused_one_says_why(page, live_server, tmp_path):
    watch = open_lab(page, live_server)
    page.select_option("#net-dataset", "csv")
    page.wait_for_function("() => window.__lereng.loaded === 'csv-empty'", timeout=WAIT)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,label\n1,2,0\n3,abc,1\n")
    page.set_input_files("#csv-input", str(bad))
    error = page.locator("#csv-error")
    error.wait_for(state="visible")
    assert "row 3" in error.inner_text() and "abc" in error.inner_text()
    assert error.inner_text().count("3") == 1  # the row is said once, not in the heading too
    assert error.evaluate("el => getComputedStyle(el).color") == "rgb(179, 38, 30)"

    rows = [(i % 10 / 3 - 1.5, i // 10 / 3 - 1.5) for i in range(100)]
    good = tmp_path / "quadrants.csv"
    good.write_text(
        "hours,sleep,passed\n" + "".join(f"{a:.3f},{b:.3f},{int(a * b > 0)}\n" for a, b in rows)
    )
    page.set_input_files("#csv-input", str(good))
    page.wait_for_function(loaded("csv"), timeout=WAIT)
    assert error.is_hidden()
    assert page.evaluate("() => window.__lereng.problem.task") == "binary"
    # The page standardises a CSV's columns as the server does: its forward pass at the start
    # reproduces the server's step-0 heatmap.
    worst, off, heat_step, step = page.evaluate(FORWARD_VS_SERVER)
    assert heat_step == step == 0 and worst < 1e-4 and off == 0
    title = page.evaluate("() => document.getElementById('data-plot').layout.xaxis.title.text")
    assert title == "hours"

    # Words in the target column are class labels: the key and the hover use them.
    words = tmp_path / "words.csv"
    words.write_text(
        "hours,sleep,result\n"
        + "".join(f"{a:.3f},{b:.3f},{'pass' if a * b > 0 else 'fail'}\n" for a, b in rows)
    )
    page.set_input_files("#csv-input", str(words))
    page.wait_for_function(
        "() => window.__lereng.loaded === 'csv' && window.__lereng.heatmaps >= 1"
        " && (window.__lereng.problem.class_names || []).length === 2",
        timeout=WAIT,
    )
    assert sorted(page.evaluate("() => window.__lereng.problem.class_names")) == ["fail", "pass"]
    key = page.locator("#class-key").inner_text()
    assert "fail" in key and "pass" in key
    assert not page.locator("#net-loss option[value='ce']").is_disabled()
    # The refusal was an expected answer: only its 422 resource line reaches the console.
    watch.errors = [e for e in watch.errors if "422" not in e]
    assert_clean(page, watch)


@pytest.mark.parametrize(
    ("width", "height", "lang", "projector"),
    [
        (1280, 800, "en", False),
        (1024, 768, "en", False),
        (1280, 800, "id", False),
        (1024, 768, "id", True),
    ],
)
def test_screenshots(page, live_server, width, height, lang, projector):
    page.set_viewport_size({"width": width, "height": height})
    watch = open_lab(page, live_server, "?ds=spiral3&steps=200&sps=400", "spiral3")
    if lang == "id":
        page.click("#language-toggle button[data-lang='id']")
        page.wait_for_function("() => document.documentElement.lang === 'id'")
        assert page.locator("#play-button .label").inner_text() == "Jalankan"
    if projector:
        page.click("#projector-toggle")
        page.wait_for_function("() => document.body.classList.contains('projector')")
    page.click("#play-button")
    page.wait_for_function(DONE, timeout=60_000)
    page.wait_for_function(LAND_READY.format(n=1), timeout=60_000)
    page.wait_for_timeout(400)  # the throttled plots draw their last frame
    SCREENSHOTS.mkdir(exist_ok=True)
    name = f"network-{width}x{height}-{lang}{'-projector' if projector else ''}"
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.click("#view-toggle button[data-view='landscape']")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-landscape.png"))
    box = page.locator("#reset-button").bounding_box()
    assert box is not None and box["y"] + box["height"] <= height
    if projector:
        page.click("#projector-toggle")  # the choice persists in localStorage
    assert_clean(page, watch)


# The page's pure logic, run in the page itself (the module as served, no bundler or Node).
STATE_LOGIC = """async () => {
  const s = {...await import('/static/js/network-state.js'),
             ...await import('/static/js/network-record.js')};
  const problem = {layers: [
    {name: 'W1', kind: 'weight', layer: 1, shape: [2, 3], offset: 0},
    {name: 'b1', kind: 'bias', layer: 1, shape: [3], offset: 6},
    {name: 'W2', kind: 'weight', layer: 2, shape: [3, 1], offset: 9},
    {name: 'b2', kind: 'bias', layer: 2, shape: [1], offset: 12}]};
  const record = s.newRecord(problem);
  const frames = [];
  for (let k = 0; k <= 2000; k += 1) {
    const point = Array.from({length: 13}, (_, i) => k + i / 100);
    frames.push({step: k, racers: [{i: 0, point, loss: 1 / (k + 1), train_loss: 1 / (k + 1),
      test_loss: 2 / (k + 1), train_acc: null, test_acc: null,
      layer_norms: {weight: [1, 2], grad: [k, k + 1]}}]});
  }
  s.foldFrames(record, frames);
  const flat = Array.from({length: 13}, (_, i) => i);
  const wide = Object.assign(s.newRecord(problem), {point: new Array(1425).fill(0.5),
    trajectory: {steps: [], points: Array.from({length: 600}, () => new Array(1425).fill(0.25)), stride: 1}});
  return {
    kept: record.trajectory.points.length, stride: record.trajectory.stride,
    keptSteps: record.trajectory.steps.slice(0, 3),
    sent: s.trajectoryForRequest(record).length,
    sentLast: s.trajectoryForRequest(record).at(-1)[0],
    wideSent: s.trajectoryForRequest(wide).length,
    wideBytes: JSON.stringify(s.trajectoryForRequest(wide)).length,
    norms: [record.gNorms.length, record.gNorms[1].length, record.gNorms[1].at(-1)],
    bands: s.landscapeBands(51, 5),
    W1: s.weightsOf(problem, flat, 1), b1: s.biasesOf(problem, flat, 1), W2: s.weightsOf(problem, flat, 2),
    thin: s.thinRows(Array.from({length: 10}, (_, i) => [i]), 4),
  };
}"""


def test_state_logic(page, live_server):
    watch = open_lab(page, live_server)
    got = page.evaluate(STATE_LOGIC)
    # 2,001 steps thinned to at most 600 kept points, on a doubling stride from step 0.
    assert got["kept"] <= 600 and got["stride"] == 4 and got["keptSteps"] == [0, 4, 8]
    assert got["sent"] == 300 and got["sentLast"] == 2000  # the contract's cap, ending now
    # A 1,425-parameter network sends fewer points so the body stays under the server's 1 MB.
    assert got["wideSent"] < 300 and got["wideBytes"] < 800_000
    assert got["norms"] == [2, 2001, 2001]
    bands = got["bands"]
    assert bands[0][0] == 0 and bands[-1][1] == 51
    assert all(a[1] == b[0] for a, b in zip(bands, bands[1:], strict=False))
    # Row-major (fan_in, fan_out) slices of the flat vector, as the server lays them out.
    assert got["W1"] == [[0, 1, 2], [3, 4, 5]] and got["b1"] == [6, 7, 8]
    assert got["W2"] == [[9], [10], [11]]
    assert got["thin"] == {"table": [[0], [2], [5], [7]], "kept": 4}
    # A hand-edited link: nonsense is ignored, numbers are clamped to what the controls offer.
    plain = page.evaluate("() => window.__lereng.decode('')")
    odd = page.evaluate(
        "() => window.__lereng.decode('?h=99,2&act=evil&n=-5&f=&opt=nosuch:lr=1&bs=0"
        "&steps=99999999&noise=7&test=0&hm=abc&dirs=up')"
    )
    max_steps = page.evaluate(
        "() => JSON.parse(document.getElementById('config').textContent).limits.max_steps"
    )
    expected = {**plain, "n": 10, "steps": max_steps, "noise": 0.5, "testFraction": 0.1}
    assert odd == expected
    assert_clean(page, watch)


def test_a_change_while_training_restarts_and_keeps_playing(page, live_server):
    watch = open_lab(page, live_server, "?ds=circle&steps=2000&sps=60")
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 10", timeout=WAIT)
    page.click("#layers-plus")
    page.wait_for_function(
        "() => window.__lereng.problem.hidden.length === 3 && window.__lereng.step >= 10",
        timeout=WAIT,
    )
    assert page.evaluate("() => window.__lereng.race.steps[0]") == 0  # a fresh run
    assert page.locator("#play-button").get_attribute("data-state") == "pause"
    page.click("#play-button")
    page.wait_for_function(
        "() => document.getElementById('play-button').dataset.state === 'play'", timeout=WAIT
    )
    assert_clean(page, watch)


def test_a_link_reproduces_the_run_bit_for_bit(page, context, live_server):
    # Mini-batch shuffles, the split and the initial weights all come from the link's seed.
    query = "?ds=moons&n=200&seed=5&h=5,3&act=tanh&opt=adam:lr=0.02&bs=16&hm=10&steps=60&sps=1000"
    finals = []
    for view in (page, context.new_page()):
        watch = open_lab(view, live_server, query, "moons")
        view.click("#play-button")
        view.wait_for_function(DONE, timeout=60_000)
        finals.append(
            view.evaluate(
                "() => [window.__lereng.race.point, window.__lereng.race.trainLoss.at(-1)]"
            )
        )
        assert view.evaluate("() => window.__lereng.step") == 60
        assert_clean(view, watch)
    assert finals[0] == finals[1]
    assert len(finals[0][0]) == 2 * 5 + 5 + 5 * 3 + 3 + 3 + 1  # every weight and bias


# Each small chart's text, as boxes in page pixels: the plot area, the centred note's lines,
# the tick labels and the axis titles (Plotly's SVG, as drawn).
CURVE_BOXES = """() => ['loss-plot', 'acc-plot', 'norms-plot'].map(id => {
  const div = document.getElementById(id);
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const all = (sel) => [...div.querySelectorAll(sel)].filter(e => e.getBoundingClientRect().width > 0).map(box);
  return {id, area: box(div.querySelector('.nsewdrag')), div: box(div), note: all('.annotation-text'),
          ticks: all('.xtick text, .ytick text'), ytitle: all('.g-ytitle text')};
})"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


@pytest.mark.parametrize(
    ("width", "height", "lang", "projector"),
    [(1024, 768, "id", True), (1024, 768, "en", True), (1280, 800, "id", False)],
)
def test_untrained_charts_fit_their_note_and_titles(
    page, live_server, width, height, lang, projector
):
    # The placeholder lies inside each chart's plot area, clear of every tick label, and the
    # y title clear of the y tick labels: on a projector in Indonesian the one-line note was
    # wider than the charts, ran over the labels and was cut off at the panel's edge.
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}');"
        f"localStorage.setItem('lereng.projector', '{'1' if projector else '0'}');"
    )
    watch = open_lab(page, live_server)
    assert page.evaluate("() => document.body.classList.contains('projector')") == projector
    for chart in page.evaluate(CURVE_BOXES):
        assert chart["note"], chart["id"]
        area = chart["area"]
        for line in chart["note"]:
            assert area[0] <= line[0] and line[2] <= area[2], chart
            assert not any(_overlap(line, tick) for tick in chart["ticks"]), chart
        for title in chart["ytitle"]:
            assert not any(_overlap(title, tick) for tick in chart["ticks"]), chart
    assert_clean(page, watch)


SUMMARY_LOOK = """() => {
  const el = document.getElementById('net-summary');
  const items = [...el.querySelectorAll('.sum-item')].filter(e => e.offsetParent !== null);
  const box = (e) => e.getBoundingClientRect();
  const tools = box(document.querySelector('.net-plots .lab-tools'));
  const s = box(el);
  const apart = s.top >= tools.bottom || s.bottom <= tools.top || s.right <= tools.left;
  return {px: parseFloat(getComputedStyle(el).fontSize), tops: new Set(items.map(e => Math.round(box(e).top))).size,
          items: items.length, apart, inside: s.right <= box(document.getElementById('plots')).right + 0.5};
}"""


@pytest.mark.parametrize("lang", ["en", "id"])
def test_key_numbers_grow_on_a_projector(page, live_server, lang):
    # Epoch, losses and accuracy are read from the back of the room: at 1024 x 768 projector
    # mode set them at 0.6em (about 14 px), smaller than on a laptop. Now larger, on one line
    # of their own, clear of the tools.
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(f"localStorage.setItem('lereng.lang', '{lang}');")
    watch = open_lab(page, live_server)
    laptop = page.evaluate(SUMMARY_LOOK)
    page.click("#projector-toggle")
    page.wait_for_function("() => document.body.classList.contains('projector')")
    projector = page.evaluate(SUMMARY_LOOK)
    assert projector["items"] == 4  # epoch, train loss, test loss, test accuracy
    assert projector["px"] >= 16 and projector["px"] > laptop["px"]
    assert projector["tops"] == 1 and projector["apart"] and projector["inside"]
    page.click("#projector-toggle")  # the choice persists in localStorage
    assert_clean(page, watch)


def status_is(text: str) -> str:
    return f"() => document.getElementById('run-status').textContent === {text!r}"


def test_a_fresh_lab_says_ready_and_a_paused_run_paused(page, live_server):
    # The lab previews each configuration as a paused run at step 0; nobody started it, so it
    # says "ready" as the other labs do, and "paused" only once a running race was paused.
    watch = open_lab(page, live_server, "?steps=2000&sps=60")
    page.wait_for_function(status_is("ready"), timeout=WAIT)
    page.click("#language-toggle button[data-lang='id']")
    page.wait_for_function(status_is("siap"), timeout=WAIT)
    page.click("#language-toggle button[data-lang='en']")
    page.click("#play-button")
    page.wait_for_function(
        f"() => window.__lereng.step >= 5 && ({status_is('running')})()", timeout=WAIT
    )
    page.click("#play-button")
    page.wait_for_function(status_is("paused"), timeout=WAIT)
    # A new configuration under the paused run is a fresh preview again.
    page.click("#layers-plus")
    page.wait_for_function(
        f"() => window.__lereng.problem.hidden.length === 3 && ({status_is('ready')})()",
        timeout=WAIT,
    )
    # One step makes it a run the user moved: then it waits, paused.
    page.click("#step-button")
    page.wait_for_function(
        f"() => window.__lereng.step === 1 && ({status_is('paused')})()", timeout=WAIT
    )
    assert_clean(page, watch)


LAYER_WORDS = """() => {
  const box = (e) => e.getBoundingClientRect();
  const rows = [...document.querySelectorAll('#net-layers .layer-row')].map(row => {
    const name = row.querySelector('.layer-name');
    const b = box(name);
    const others = [...row.children].filter(c => c !== name).map(box);
    return {text: name.textContent, clipped: name.scrollWidth > name.clientWidth + 1 || name.scrollHeight > name.clientHeight + 1,
            hits: others.some(o => o.left < b.right - 0.5 && b.left < o.right - 0.5 && o.top < b.bottom - 0.5 && b.top < o.bottom - 0.5)};
  });
  const heads = [...document.querySelectorAll('#net-diagram .net-head')];
  const apart = heads.every((h, i) => i === 0 || box(heads[i - 1]).right <= box(h).left);
  return {rows, heads: heads.map(h => h.textContent), apart,
          norms: document.querySelector('[data-i18n="net.norms_title"]').textContent};
}"""


@pytest.mark.parametrize(("width", "height", "projector"), [(1280, 800, False), (1024, 768, True)])
def test_indonesian_names_the_layers_as_the_backprop_lab_does(
    page, live_server, width, height, projector
):
    # "Hidden layer", "Layer 1" and "Hidden 1" stayed English in Indonesian while the backprop
    # lab says "lapisan tersembunyi"; the longer words still fit the sidebar and the diagram.
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(
        "localStorage.setItem('lereng.lang', 'id');"
        f"localStorage.setItem('lereng.projector', '{'1' if projector else '0'}');"
    )
    watch = open_lab(page, live_server, "?h=8,8")
    if width < 1100:
        page.click("#view-toggle button[data-view='network']")
    got = page.evaluate(LAYER_WORDS)
    assert [r["text"] for r in got["rows"]] == ["Lapisan tersembunyi", "Lapisan 1", "Lapisan 2"]
    assert not any(r["clipped"] or r["hits"] for r in got["rows"]), got["rows"]
    assert got["heads"] == ["Input", "Tersembunyi 1", "Tersembunyi 2", "Output"] and got["apart"]
    assert got["norms"] == "Norma per lapisan"
    assert page.locator("#layers-plus").get_attribute("aria-label") == (
        "Tambah satu lapisan tersembunyi"
    )
    assert_clean(page, watch)


def test_a_page_opened_in_projector_mode_draws_a_projector_diagram(page, live_server):
    # The diagram learnt projector size only from the toggle: a page opened with projector
    # mode saved drew its units and labels at laptop size.
    page.add_init_script("localStorage.setItem('lereng.projector', '1');")
    watch = open_lab(page, live_server)
    size = "() => document.querySelector('#net-diagram .net-labels').getAttribute('font-size')"
    assert page.evaluate(size) == "21"
    page.click("#projector-toggle")
    page.wait_for_function(f"() => ({size})() === '14'")
    assert_clean(page, watch)


# Every label the diagnosis panel shows from now on, in order of first appearance.
WATCH_LABELS = """() => {
  const ul = document.querySelector('#diagnosis ul');
  window.__labels = [];
  new MutationObserver(() => ul.querySelectorAll('li').forEach((li) => {
    if (!window.__labels.includes(li.dataset.key)) window.__labels.push(li.dataset.key);
  })).observe(ul, {childList: true});
}"""


def test_a_learning_rate_far_too_small_is_called_slow(page, live_server):
    # Adam at lr 0.0001 on the moons: the loss falls at every step, each step a sliver of the
    # way to the bottom along it.
    page.set_viewport_size({"width": 1280, "height": 800})
    query = "?ds=moons&opt=adam:lr=0.0001&bs=batch&hm=1000&steps=200&sps=2000"
    watch = open_lab(page, live_server, query, "moons")
    page.evaluate(WATCH_LABELS)
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.diagnosis === 'too_small'", timeout=WAIT)
    label = "#diagnosis li[data-key='too_small']"
    assert page.is_visible(label)
    assert page.inner_text(f"{label} strong") == "Slow: Learning Rate too small"
    page.wait_for_function(DONE, timeout=60_000)
    assert page.evaluate("() => [window.__lereng.diagnosis, window.__labels]") == [
        "too_small",
        ["too_small"],
    ]
    page.click("#language-toggle button[data-lang='id']")
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    assert page.inner_text(f"{label} strong") == "Lambat: Learning Rate terlalu kecil"
    assert_clean(page, watch)


def test_the_default_learning_rate_is_not_called_slow(page, live_server):
    # The gaussians' defaults (Adam, lr 0.03) fit at once, then crawl along cross-entropy's
    # flat tail in steps that are short against its curvature: settling, not too small.
    watch = open_lab(page, live_server, "?ds=gaussians&hm=1000&sps=2000", "gaussians")
    page.evaluate(WATCH_LABELS)
    page.click("#play-button")
    page.wait_for_function(DONE, timeout=60_000)
    page.wait_for_function("() => window.__lereng.diagnosis === 'converged'")
    assert "too_small" not in page.evaluate("() => window.__labels")
    assert_clean(page, watch)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_slow_label_reads_whole_on_a_projector(page, live_server, lang):
    # The label's explanation gets two lines under the summary; the advice to raise the
    # Learning Rate is its last words and must not be the part cut off.
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}'); localStorage.setItem('lereng.projector', '1');"
    )
    query = "?ds=moons&opt=adam:lr=0.0001&bs=batch&hm=1000&steps=60&sps=2000"
    watch = open_lab(page, live_server, query, "moons")
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.diagnosis === 'too_small'", timeout=WAIT)
    entry = page.locator("#diagnosis li[data-key='too_small']")
    sizes = entry.evaluate("(e) => [e.scrollHeight, e.clientHeight]")
    assert sizes[0] <= sizes[1] + 1, sizes
    assert "Learning Rate" in entry.locator(".diag-why").inner_text().split(";")[-1]
    assert_clean(page, watch)


@pytest.mark.parametrize("order", ["pause_then_view", "view_then_pause"])
def test_a_paused_run_draws_its_landscape_without_a_click(page, live_server, order):
    """A mentor paused mid-run and opened Landscape to an empty panel ("appears when a run
    ends, or press Recompute"). Paused, the landscape is drawn around the current weights,
    whether Landscape is opened after the pause or was open before it; while the run plays
    none is computed."""
    page.set_viewport_size({"width": 1024, "height": 768})  # one view at a time
    watch = open_lab(page, live_server, "?steps=1000&sps=60")
    if order == "view_then_pause":
        page.click("#view-toggle button[data-view='landscape']")
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 30", timeout=WAIT)
    assert page.evaluate("() => window.__lereng.landscapes") == 0
    page.click("#play-button")  # pause
    if order == "pause_then_view":
        # Paused on the data view, the landscape is out of sight: nothing is computed yet.
        page.wait_for_timeout(800)
        assert page.evaluate("() => window.__lereng.landscapes") == 0
        assert not page.evaluate("() => window.__lereng.landscapeBusy")
        page.click("#view-toggle button[data-view='landscape']")
    page.wait_for_function(LAND_READY.format(n=1), timeout=60_000)
    step = page.evaluate("() => window.__lereng.race.steps.at(-1)")
    assert 30 <= step < 1000
    assert f" {step}" in page.locator("#land-title").inner_text()
    cells = page.evaluate(
        "() => document.getElementById('land-plot').data[0].z.flat().filter(v => v !== null).length"
    )
    assert cells == 51 * 51
    # Nothing new to draw: choosing the view again computes nothing more.
    page.click("#view-toggle button[data-view='data']")
    page.click("#view-toggle button[data-view='landscape']")
    page.wait_for_timeout(600)
    assert page.evaluate("() => window.__lereng.landscapes") == 1
    assert_clean(page, watch)
