"""The backprop lab in real headless Chromium: stepping forward then backward, going back, the
update, the landscape point, a clicked node's rule, training, both languages and projector mode.

Waits go through page.wait_for_function on the page's hook (window.__lereng); predicates are
arrow functions (the CSP forbids string eval).
"""

from __future__ import annotations

import pytest

from tests.browser.test_surface_page import SCREENSHOTS, PageWatch, assert_clean

pytestmark = pytest.mark.browser

READY = "() => window.__lereng && window.__lereng.ready === true && window.__lereng.busy === 0"
SHOWN = """() => ({
  values: [...document.querySelectorAll('#bp-graph .bp-node.has-value')].map(n => n.dataset.id),
  grads: [...document.querySelectorAll('#bp-graph .bp-node.has-grad')].map(n => n.dataset.id),
  current: (document.querySelector('#bp-graph .bp-node.is-current') || {dataset: {}}).dataset.id || null,
})"""


def open_lab(page, live_server, query: str = "") -> PageWatch:
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/backprop{query}")
    page.wait_for_function(READY, timeout=20_000)
    return watch


def press(page, key: str, cursor: int) -> dict:
    page.keyboard.press(key)
    page.wait_for_function(f"() => window.__lereng.cursor === {cursor}", timeout=20_000)
    return page.evaluate(SHOWN)


def node_text(page, node_id: str, part: str) -> str:
    return page.locator(f"#bp-graph [data-id='{node_id}'] .bp-{part}").text_content()


def fmt3(v: float) -> str:
    return f"{float(f'{v:.3g}'):g}".replace("-", "−")


def test_forward_then_backward_fills_values_then_gradients_in_order(page, live_server):
    watch = open_lab(page, live_server)
    graph = page.evaluate("() => window.__lereng.graph")
    nodes = {n["id"]: n for n in graph["nodes"]}
    leaves = {i for i in nodes if i not in graph["forward"]}
    start = page.evaluate(SHOWN)
    assert set(start["values"]) == leaves and start["grads"] == []
    cursor = 0
    for i, node_id in enumerate(graph["forward"]):
        cursor += 1
        shown = press(page, "ArrowRight", cursor)
        assert set(shown["values"]) == leaves | set(graph["forward"][: i + 1])
        assert shown["current"] == node_id and shown["grads"] == []
        assert node_text(page, node_id, "value") == fmt3(nodes[node_id]["value"])
    assert page.locator("#bp-loss-value").inner_text() == f"L = {fmt3(graph['loss'])}"
    for i, node_id in enumerate(graph["backward"]):
        cursor += 1
        shown = press(page, "ArrowRight", cursor)
        assert shown["grads"] == [
            n["id"] for n in graph["nodes"] if n["id"] in graph["backward"][: i + 1]
        ]
        assert shown["current"] == node_id
        assert node_text(page, node_id, "grad") == f"∂ {fmt3(nodes[node_id]['grad'])}"
    # every node that takes a gradient has one now; inputs and the target never do
    assert set(shown["grads"]) == {i for i, n in nodes.items() if n["grad"] is not None}
    # going back undoes the last gradient, then the one before
    shown = press(page, "ArrowLeft", cursor - 1)
    assert graph["backward"][-1] not in shown["grads"]
    assert node_text(page, graph["backward"][-1], "grad") == "∂ ?"
    shown = press(page, "ArrowLeft", cursor - 2)
    assert graph["backward"][-2] not in shown["grads"]
    assert_clean(page, watch)


def test_update_shows_new_weights_and_moves_the_landscape_point(page, live_server):
    watch = open_lab(page, live_server, "?net=neuron")
    graph = page.evaluate("() => window.__lereng.graph")
    last = len(graph["forward"]) + len(graph["backward"]) + 1
    before = page.evaluate("() => window.__lereng.landscapePoint")
    assert before == pytest.approx([0.4, -0.2])
    page.evaluate(f"() => {{ window.__lereng.state.cursor = {last - 1}; }}")
    press(page, "ArrowRight", last)
    update = {u["param"]: u for u in graph["update"]}
    # the example: dL/dw1 = -1 * 0.25 * 0.5, w1 <- 0.4 - 0.5 * (-0.125) = 0.4625
    assert update["w1"]["after"] == pytest.approx(0.4625)
    assert node_text(page, "w1", "value") == f"→ {fmt3(0.4625)}"
    explain = page.locator("#bp-explain-math").inner_text()
    assert "0.463" in explain and "0.125" in explain
    page.wait_for_function(
        "() => window.__lereng.landscapePoint && window.__lereng.landscapePoint[0] > 0.45",
        timeout=20_000,
    )
    moved = page.evaluate("() => window.__lereng.landscapePoint")
    assert moved == pytest.approx([update["w1"]["after"], update["w2"]["after"]])
    # the next pass starts from the new weights
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => window.__lereng.cursor === 0 && window.__lereng.busy === 0 &&"
        " window.__lereng.state.params.w1 > 0.46",
        timeout=20_000,
    )
    assert node_text(page, "w1", "value") == fmt3(0.4625)
    assert_clean(page, watch)


def test_click_a_node_then_train_n_steps(page, live_server):
    watch = open_lab(page, live_server)
    page.click("#bp-graph [data-id='h1']")
    panel = page.locator("#bp-node-panel")
    assert panel.is_visible()
    assert "σ(z)(1 − σ(z))" in panel.inner_text()
    page.click("#bp-node-close")
    assert not panel.is_visible()
    old = page.evaluate("() => window.__lereng.graph")
    page.fill("#bp-train-steps", "30")
    page.click("#bp-train")
    page.wait_for_function(
        "() => window.__lereng.busy === 0 && window.__lereng.graph.loss < 0.1", timeout=20_000
    )
    new = page.evaluate("() => window.__lereng.graph")
    old_values = {n["id"]: n["value"] for n in old["nodes"] if n["kind"] in ("weight", "bias")}
    for n in new["nodes"]:
        if n["kind"] in ("weight", "bias"):
            assert n["value"] != old_values[n["id"]]
            assert node_text(page, n["id"], "value") == fmt3(n["value"])
    assert "30" in page.locator("#bp-train-note").inner_text()
    # the check panel lists every parameter with a tiny relative error
    assert page.locator("#bp-check tbody tr").count() == 9
    assert page.locator("#bp-check tr.is-bad").count() == 0
    assert_clean(page, watch)


def test_space_autoplays_and_screenshots(page, live_server):
    page.set_viewport_size({"width": 1024, "height": 768})
    watch = open_lab(page, live_server)
    page.keyboard.press(" ")
    page.wait_for_function("() => window.__lereng.cursor >= 2", timeout=20_000)
    assert page.get_attribute("#bp-play", "aria-pressed") == "true"
    page.keyboard.press(" ")
    assert page.get_attribute("#bp-play", "aria-pressed") == "false"
    page.evaluate("() => { window.__lereng.state.cursor = 29; }")
    press(page, "ArrowRight", 30)
    page.screenshot(path=str(SCREENSHOTS / "backprop-1024-en.png"))
    page.click("#language-toggle button[data-lang='id']")
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    page.wait_for_function(
        "() => document.querySelector('#bp-phase').textContent === '30/42 Backward pass'"
        " && document.querySelector('#bp-explain-note').textContent.includes('rantai')"
    )
    page.screenshot(path=str(SCREENSHOTS / "backprop-1024-id.png"))
    page.click("#projector-toggle")
    page.wait_for_function("() => document.body.classList.contains('projector')")
    page.screenshot(path=str(SCREENSHOTS / "backprop-1024-projector.png"))
    page.click("#projector-toggle")
    page.click("#language-toggle button[data-lang='en']")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert_clean(page, watch)


def test_a_tiny_batch_shows_one_number_per_example(page, live_server):
    watch = open_lab(page, live_server, "?net=neuron")
    page.click("#bp-numbers button[data-rows='1']")
    page.wait_for_function(
        "() => window.__lereng.busy === 0 && window.__lereng.graph.examples.length === 2",
        timeout=20_000,
    )
    graph = page.evaluate("() => window.__lereng.graph")
    x1 = next(n for n in graph["nodes"] if n["id"] == "x1")
    assert len(x1["value"]) == 2
    assert node_text(page, "x1", "value").split() == [fmt3(v) for v in x1["value"]]
    # the backward step of w1 sums one product per example
    step = len(graph["forward"]) + graph["backward"].index("w1") + 1
    page.evaluate(f"() => {{ window.__lereng.state.cursor = {step - 1}; }}")
    press(page, "ArrowRight", step)
    text = page.locator("#bp-explain-math").inner_text()
    w1 = next(n for n in graph["nodes"] if n["id"] == "w1")
    assert "∑" in text and fmt3(w1["grad"]) in text
    assert node_text(page, "w1", "grad") == f"∂ {fmt3(w1['grad'])}"
    assert_clean(page, watch)


def test_the_url_holds_the_whole_setup(page, live_server):
    query = (
        "?net=neuron&act=tanh&loss=bce&lr=0.25&ex=1,2,0;0.5,-1,1&p=0.1,-0.3,0.2&axes=w1,b&step=5"
    )
    watch = open_lab(page, live_server, query)
    state = page.evaluate("() => window.__lereng.state")
    assert state["network"] == "neuron" and state["loss"] == "bce" and state["lr"] == 0.25
    assert state["examples"] == [[1, 2, 0], [0.5, -1, 1]]
    assert state["params"] == {"w1": 0.1, "w2": -0.3, "b": 0.2} and state["axes"] == ["w1", "b"]
    assert page.evaluate("() => window.__lereng.cursor") == 5
    graph = page.evaluate("() => window.__lereng.graph")
    assert graph["lr"] == 0.25 and graph["loss_kind"] == "bce" and len(graph["examples"]) == 2
    assert page.evaluate("() => location.search") == query.replace(",", "%2C").replace(";", "%3B")
    assert_clean(page, watch)


def test_a_link_with_refused_numbers_starts_from_the_defaults_and_says_why(page, live_server):
    # A shared link whose softmax example has class 0.5: the server refuses its graph.
    watch = open_lab(page, live_server, "?net=softmax&ex=0,0,0.5&step=5")
    assert "class must be 0 or 1" in page.locator("#bp-error").inner_text()
    assert page.locator("#bp-graph [data-id]").count() > 0
    assert page.input_value("#bp-network") == "softmax"
    assert page.evaluate("() => window.__lereng.cursor") == 0  # the link's step was for its numbers
    page.click("#bp-play")  # Auto walks the defaults' pass
    page.wait_for_function("() => window.__lereng.cursor >= 1", timeout=10_000)
    page.click("#bp-play")
    assert [e for e in watch.errors if "422" not in e] == []


@pytest.mark.parametrize(("typed", "trained"), [("2.5", "3"), ("5000", "1000"), ("0", "1")])
def test_train_steps_box_trains_the_nearest_allowed_count(page, live_server, typed, trained):
    # Not an untranslated validator refusal: the box takes the nearest count it allows.
    watch = open_lab(page, live_server)
    page.fill("#bp-train-steps", typed)
    page.click("#bp-train")
    note = page.locator("#bp-train-note")
    note.filter(has_text=trained).wait_for()
    assert page.input_value("#bp-train-steps") == trained
    assert page.locator("#bp-error").inner_text() == ""
    assert watch.errors == []


# Numbers that leave their boxes: graph texts wider than their node's rectangle (SVG units, as
# drawn, after any squeeze) and side-column inputs whose text is wider than the input.
SPILLS = """() => {
  const out = [];
  for (const g of document.querySelectorAll('#bp-graph .bp-node')) {
    const w = Number(g.querySelector('.bp-box').getAttribute('width'));
    for (const t of g.querySelectorAll('.bp-value, .bp-grad')) {
      const b = t.getBBox();
      if (b.width > 0 && (b.x < 0 || b.x + b.width > w)) out.push(`${g.dataset.id}: ${t.textContent}`);
    }
  }
  return out;
}"""
CUT_INPUTS = """() => [...document.querySelectorAll('#bp-numbers input')]
  .filter(i => i.scrollWidth > i.clientWidth).map(i => `${i.dataset.key} = ${i.value}`)"""


@pytest.mark.parametrize(("width", "height", "projector"), [(1280, 800, False), (1024, 768, True)])
def test_trained_numbers_fit_their_boxes(page, live_server, width, height, projector):
    # After 1000 steps the loss is 2.46e−4 (wider in bold than the L node) and the weights have
    # four digits (0.6345, −0.3005) that the half-width side boxes cut to "0.63".
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(f"localStorage.setItem('lereng.projector', '{int(projector)}');")
    watch = open_lab(page, live_server)
    drawer = not page.locator("#bp-train").is_visible()  # a narrow screen's controls slide in
    if drawer:
        page.click("#controls-toggle")
    page.fill("#bp-train-steps", "1000")
    page.click("#bp-train")
    page.locator("#bp-train-note").filter(has_text="1000").wait_for()
    page.wait_for_function("() => window.__lereng.busy === 0 && window.__lereng.graph.loss < 1e-3")
    assert page.evaluate(CUT_INPUTS) == []
    if drawer:
        page.click("#controls-toggle")
    last = page.evaluate(
        "async () => (await import('/static/js/backprop-state.js'))"
        ".stepsOf(window.__lereng.graph).length - 1"
    )
    page.click("#bp-reset")
    page.wait_for_function("() => window.__lereng.cursor === 0")
    for cursor in range(1, last + 1):  # the forward pass, the backward pass, the update
        press(page, "ArrowRight", cursor)
        assert page.evaluate(SPILLS) == [], cursor
    assert_clean(page, watch)


@pytest.mark.parametrize(
    ("loss", "rule"),
    [
        # (2/n)(ŷ − y): the mean's 1/n sits in the rule, as in the course's MSE = 1/n Σ
        ("mse", "<mfrac><mn>2</mn><mn>2</mn></mfrac>"),
        ("bce", "<mfrac><mn>1</mn><mn>2</mn></mfrac><mo>·</mo><mfrac>"),
    ],
)
def test_a_batch_loss_rule_carries_the_means_one_over_n(page, live_server, loss, rule):
    watch = open_lab(page, live_server, f"?net=neuron&loss={loss}&ex=0.5,1,1;1,-1,0")
    graph = page.evaluate("() => window.__lereng.graph")
    nodes = {n["id"]: n for n in graph["nodes"]}
    loss_id = next(
        i for i, n in nodes.items() if (n.get("op") or "").endswith(("_loss", "entropy"))
    )
    into_loss = [e["from"] for e in graph["edges"] if e["to"] == loss_id]
    yhat_id = next(i for i in into_loss if i in graph["forward"])
    target_id = next(i for i in into_loss if i != yhat_id)
    yhat, y = nodes[yhat_id]["value"], nodes[target_id]["value"]
    # The engine's ∂L/∂ŷ per example is the rule with the mean's 1/n (closed forms):
    n = len(y)
    if loss == "mse":
        expected = [2 * (p - t) / n for p, t in zip(yhat, y, strict=True)]
    else:
        expected = [(p - t) / (p * (1 - p)) / n for p, t in zip(yhat, y, strict=True)]
    for got, want in zip(nodes[yhat_id]["grad"], expected, strict=True):
        assert got == pytest.approx(want, rel=1e-12)
    step = len(graph["forward"]) + graph["backward"].index(yhat_id) + 1
    page.evaluate(f"() => {{ window.__lereng.state.cursor = {step - 1}; }}")
    press(page, "ArrowRight", step)
    html = page.locator("#bp-explain-math").inner_html()
    # the rule in symbols and again with the numbers, each with the 1/n
    assert html.count(rule) == 2
    # and no "∂L/∂ŷ = ∂L/∂L · ∂L/∂ŷ", which read as ∂L/∂ŷ defined by itself
    d_l = "<mrow><mi>∂</mi><mi>L</mi></mrow>"
    assert f"<mfrac>{d_l}{d_l}</mfrac>" not in html
    text = page.locator("#bp-explain-math").inner_text()
    assert all(fmt3(v) in text for v in expected)
    assert_clean(page, watch)


def test_long_training_keeps_the_whole_trail_as_one_line_and_few_dots(page, live_server):
    # Each dot is an SVG node: dotting every step grew the page by 1,000 nodes per 1,000 steps.
    watch = open_lab(page, live_server)
    page.fill("#bp-train-steps", "1000")
    line = (
        "() => (document.getElementById('bp-landscape').data || [])"
        ".filter(t => t.mode === 'lines').map(t => t.x.length)[0] || 0"
    )
    for k in (1, 2):
        page.click("#bp-train")
        page.wait_for_function(
            f"() => window.__lereng.busy === 0 && ({line})() >= {1 + 1000 * k}", timeout=30_000
        )
    traces = page.evaluate(
        "() => document.getElementById('bp-landscape').data"
        ".map(t => ({mode: t.mode, n: (t.x || []).length}))"
    )
    lines = [t for t in traces if t["mode"] == "lines"]
    assert lines and lines[0]["n"] >= 2001  # the start and every step since, as one line
    dots = page.locator("#bp-landscape .scatterlayer .point").count()
    assert dots <= 45
    assert_clean(page, watch)


def test_a_keyboard_user_keeps_the_focus_on_a_graph_node(page, live_server):
    # The graph is redrawn on every step: the focused node used to vanish with the old drawing,
    # dropping the focus (and its ring) to the page.
    watch = open_lab(page, live_server)
    focused = "() => (document.activeElement.dataset || {}).id || null"
    page.focus("#bp-graph [data-id='h1']")
    page.keyboard.press("Enter")
    assert page.locator("#bp-node-panel").is_visible()
    assert page.evaluate(focused) == "h1"
    press(page, "ArrowRight", 1)
    assert page.evaluate(focused) == "h1"
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.getElementById('bp-node-panel').hidden")
    assert page.evaluate(focused) == "h1"
    assert_clean(page, watch)


def test_typed_example_inputs_show_all_their_digits(page, live_server):
    # Equal thirds of the side column cut an input such as −0.1235 to "-0.12".
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = open_lab(page, live_server, "?ex=-0.12345,1.2345,1;0.5,-2.75,0")
    values = page.eval_on_selector_all(
        "#bp-numbers .bp-examples input", "els => els.map(e => e.value)"
    )
    assert values == ["-0.1235", "1.234", "1", "0.5", "-2.75", "0"]
    assert page.evaluate(CUT_INPUTS) == []
    assert_clean(page, watch)
