"""The backprop lab on a 1024 x 768 projector: every step's explanation fits its panel."""

from __future__ import annotations

import pytest

from tests.browser.test_backprop_page import fmt3, open_lab
from tests.browser.test_surface_page import assert_clean

pytestmark = pytest.mark.browser

FITS = """() => { const e = document.getElementById('bp-explain');
  return {over: e.scrollHeight - e.clientHeight, wide: e.scrollWidth - e.clientWidth,
    title: document.getElementById('bp-explain-title').textContent,
    scale: Number(e.style.getPropertyValue('--bp-fit') || 1),
    panel: parseFloat(getComputedStyle(e).fontSize),
    math: parseFloat(getComputedStyle(e.querySelector('#bp-explain-math math')).fontSize)}; }"""


def backward_steps(page, live_server, query: str):
    """Opens the lab at its first backward step and yields each backward step's fit (FITS) once
    the page shows it, stepping with the → key."""
    graph = page.evaluate("() => window.__lereng.graph")
    nf, nb = len(graph["forward"]), len(graph["backward"])
    page.goto(f"{live_server.url}/backprop{query}&step={nf + 1}")
    page.wait_for_function(f"() => window.__lereng && window.__lereng.cursor === {nf + 1}")
    for cursor in range(nf + 1, nf + nb + 1):
        if cursor > nf + 1:
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => window.__lereng.cursor === {cursor}")
        yield page.evaluate(FITS)


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("net", ["neuron", "mlp", "softmax"])
def test_every_backward_step_fits_the_projector_panel(page, live_server, net, lang):
    """A parameter's backward step stacked its own chain-rule link over the whole chain from
    the loss, and on a projector the panel scrolled by up to 118 px (the sum and the note out
    of sight) while half its width stood empty; the softmax network's steps with two paths
    still scrolled by up to 85 px. Now a one-path chain stands beside the step, a two-path
    chain runs below the step and its local derivative (both on one row), a node's several
    local derivatives share a line, and every backward step of the three networks reads
    unscrolled in both languages; a parameter's chain ends on the engine's gradient."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}'); localStorage.setItem('lereng.projector', '1');"
    )
    watch = open_lab(page, live_server, f"?net={net}")
    graph = page.evaluate("() => window.__lereng.graph")
    grads = {n["label"]: n["grad"] for n in graph["nodes"]}
    params = below = shared = 0
    for fit in backward_steps(page, live_server, f"?net={net}"):
        assert fit["over"] <= 0 and fit["wide"] <= 0, fit
        assert fit["scale"] == 1, fit  # fits at full projector size: nothing shrunk
        locals_ = page.locator("#bp-explain .bp-locals > .math-chain")
        if locals_.count() > 1:  # a node feeding several nodes: its local derivatives
            shared += 1
            tops = {round(locals_.nth(i).bounding_box()["y"]) for i in range(locals_.count())}
            assert len(tops) == 1, fit["title"]  # on one line
        if page.locator("#bp-explain .bp-chain").count():
            params += 1
            step, beside = (page.locator(f"#bp-explain .bp-col >> nth={i}") for i in (0, 1))
            chain = page.locator("#bp-explain .bp-chain")
            a, b = step.bounding_box(), beside.bounding_box()
            assert b["x"] >= a["x"] + a["width"], fit["title"]  # beside, not under
            if page.locator("#bp-explain .bp-span").count():
                below += 1
                c = chain.bounding_box()
                assert c["y"] >= max(a["y"] + a["height"], b["y"] + b["height"]) - 1
            label = fit["title"].rsplit("∂", 1)[1]
            assert chain.inner_text().replace("\n", " ").endswith(fmt3(grads[label])), label
    assert params == {"neuron": 3, "mlp": 9, "softmax": 12}[net]
    # The softmax network's hidden layer reaches the loss through both outputs.
    assert below == (6 if net == "softmax" else 0)
    assert shared == (2 if net == "softmax" else 0)  # h1 and h2 feed both outputs
    assert_clean(page, watch)


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("net", ["neuron", "mlp"])
def test_a_two_example_batch_fits_the_projector_panel(page, live_server, net, lang):
    """With two examples a parameter's step scrolled by 7 px (neuron) and 21 px (2-2-1): the
    sum under the two products, written ∂L/∂w = ∑ ex = ..., took a line of its own. Written
    ∑ ex = ... it fits beside the second product, and every backward step reads unscrolled."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}'); localStorage.setItem('lereng.projector', '1');"
    )
    query = f"?net={net}&ex=0.5,1,1;1,-0.5,0"
    watch = open_lab(page, live_server, query)
    sums = 0
    for fit in backward_steps(page, live_server, query):
        assert fit["over"] <= 0 and fit["wide"] <= 0, fit
        assert fit["scale"] == 1, fit
        sums += page.locator("#bp-explain .bp-examples > .math-chain").count() == 3
    assert sums == {"neuron": 3, "mlp": 9}[net]  # every parameter's chain, with its sum
    assert_clean(page, watch)


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize(
    ("net", "examples"),
    [
        ("mlp", "0.5,1,1;1,-0.5,0;0.2,0.3,1"),
        ("softmax", "0.5,1,1;1,-0.5,0;0.2,0.3,1"),
        ("softmax", "0.5,1,1;1,-0.5,0"),
    ],
)
def test_a_long_batch_chain_fits_the_projector_panel_in_smaller_type(
    page, live_server, net, examples, lang
):
    """Three examples give a parameter's chain three products and their sum (the softmax
    network's, two paths each): on a 1024 x 768 projector the panel scrolled by up to 91 px
    (27 px with two softmax examples), the sum out of sight. The math and its note now shrink
    until they fit, never below the unprojected page's math (18 px), and only on the steps
    that need it: every backward step reads unscrolled, the sum in view."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}'); localStorage.setItem('lereng.projector', '1');"
    )
    query = f"?net={net}&ex={examples}"
    watch = open_lab(page, live_server, query)
    shrunk = 0
    for fit in backward_steps(page, live_server, query):
        assert fit["over"] <= 0 and fit["wide"] <= 0, fit
        # projector math is set at the panel's type size (1em) times the scale
        assert fit["math"] == pytest.approx(fit["panel"] * fit["scale"], abs=0.05)
        assert fit["math"] >= 18, fit
        shrunk += fit["scale"] < 1
        last = page.locator("#bp-explain .bp-examples > .math-chain").last
        if last.count():  # a parameter's chain: its sum stands inside the panel
            box, panel = last.bounding_box(), page.locator("#bp-explain").bounding_box()
            assert box["y"] + box["height"] <= panel["y"] + panel["height"], fit
    assert shrunk > 0
    assert_clean(page, watch)


@pytest.mark.parametrize(
    ("net", "lang", "size", "projector"),
    [
        ("mlp", "en", (1024, 768), True),
        ("mlp", "id", (1024, 768), True),
        ("softmax", "en", (1024, 768), True),
        ("mlp", "en", (1280, 800), False),
    ],
)
def test_the_update_fits_the_explanation_panel_unscrolled(
    page, live_server, net, lang, size, projector
):
    """At the update a projector showed one line of arithmetic per parameter (nine for the
    2 → 2 → 1 network) and the panel needed scrolling: a table of every parameter's old value,
    gradient and new value fits it, with the numbers the lab computed."""
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}');"
        f"localStorage.setItem('lereng.projector', '{int(projector)}');"
    )
    watch = open_lab(page, live_server, f"?net={net}&step=999")
    graph = page.evaluate("() => window.__lereng.graph")
    last = len(graph["forward"]) + len(graph["backward"]) + 1
    page.wait_for_function(f"() => window.__lereng.cursor === {last}")
    fit = page.evaluate(
        "() => { const e = document.getElementById('bp-explain');"
        " return [e.scrollHeight, e.clientHeight, e.scrollWidth, e.clientWidth,"
        " e.getBoundingClientRect().bottom]; }"
    )
    assert fit[0] <= fit[1] and fit[2] <= fit[3], fit
    assert fit[4] <= height
    rows = page.eval_on_selector_all(
        "#bp-explain .bp-update-table tbody tr",
        "trs => trs.map(tr => [...tr.children].map(c => c.textContent.trim()))",
    )
    assert rows == [
        [u["param"], fmt3(u["before"]), fmt3(u["grad"]), fmt3(u["after"])] for u in graph["update"]
    ]
    assert len(rows) >= (9 if net == "mlp" else 12)
    # The loss before and after the step is still said under the table.
    note = page.locator("#bp-explain-note")
    assert fmt3(graph["loss_after"]) in note.inner_text()
    box, panel = note.bounding_box(), page.locator("#bp-explain").bounding_box()
    assert box["y"] + box["height"] <= panel["y"] + panel["height"]
    assert_clean(page, watch)


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("net", ["mlp", "softmax"])
@pytest.mark.parametrize(("width", "projector"), [(1024, 1), (1024, 0), (960, 1), (960, 0)])
def test_the_step_header_is_never_cut(page, live_server, lang, net, width, projector):
    """The header says where in the walk the class is and in which pass ("42/42 Pembaruan";
    the count is of every step, so it does not follow the pass's name: "Forward pass 2/42" read
    as 42 forward steps); on a 1024 x 768 projector, and on a laptop's 1024 px beside the
    sidebar (where "42/42 Pembaruan" beside "Putaran baru" was cut by 80 px), it must read
    whole at every phase, beside the widest Next label; at 960 px too."""
    page.set_viewport_size({"width": width, "height": 768})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}');"
        f" localStorage.setItem('lereng.projector', '{projector}');"
    )
    watch = open_lab(page, live_server, f"?net={net}&step=999")
    graph = page.evaluate("() => window.__lereng.graph")
    last = len(graph["forward"]) + len(graph["backward"]) + 1
    cut = """() => { const e = document.getElementById('bp-phase');
      return e.scrollWidth > e.clientWidth ? e.textContent : null; }"""
    for cursor in (last, last - 1, 2):
        page.goto(f"{live_server.url}/backprop?net={net}&step={cursor}")
        page.wait_for_function(f"() => window.__lereng && window.__lereng.cursor === {cursor}")
        assert page.evaluate(cut) is None, (cursor, page.inner_text("#bp-phase"))
        phase = "Pembaruan" if lang == "id" else "Update"
        header = page.inner_text("#bp-phase")
        assert header.startswith(f"{cursor}/{last} "), header
        assert header.endswith(phase) == (cursor == last), header
    assert_clean(page, watch)


def test_a_batch_chain_puts_its_products_side_by_side(page, live_server):
    """With two examples a parameter's step stacked its rule, numbers, local derivative, the
    chain's title, one product per example and their sum, and ran 92 px past a projector's
    panel. The step's numbers now sit beside its local derivative, the chain's title is one
    line, and the two examples' products share a line, ending on their sum: the engine's
    gradient, each product the engine's per-example gradient."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script("localStorage.setItem('lereng.projector', '1');")
    query = "?net=neuron&ex=0.5,1,1;-0.3,0.8,0"
    watch = open_lab(page, live_server, query)
    graph = page.evaluate("() => window.__lereng.graph")
    nf = len(graph["forward"])
    cursor = nf + graph["backward"].index("w2") + 1
    page.goto(f"{live_server.url}/backprop{query}&step={cursor}")
    page.wait_for_function(f"() => window.__lereng && window.__lereng.cursor === {cursor}")
    assert page.locator("#bp-explain .bp-split > .bp-col").count() == 2
    step, local = (page.locator(f"#bp-explain .bp-split > .bp-col >> nth={i}") for i in (0, 1))
    a, b = step.bounding_box(), local.bounding_box()
    assert b["x"] >= a["x"] + a["width"]
    title = page.locator("#bp-explain .bp-span > .bp-sub")
    box = title.bounding_box()
    assert box["height"] < 1.6 * float(title.evaluate("e => getComputedStyle(e).lineHeight")[:-2])
    products = page.locator("#bp-explain .bp-examples > .math-chain")
    assert products.count() == 3  # ex1, ex2, the sum
    first, second = products.nth(0).bounding_box(), products.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"] + first["width"]
    chain = next(c for c in graph["chains"] if c["param"] == "w2")
    per_example = [sum(p["per_example"][i] for p in chain["paths"]) for i in range(2)]
    texts = [products.nth(i).inner_text().replace("\n", " ") for i in range(3)]
    assert texts[0].endswith(fmt3(per_example[0])) and texts[1].endswith(fmt3(per_example[1]))
    w2 = next(n for n in graph["nodes"] if n["id"] == "w2")
    assert texts[2].endswith(fmt3(w2["grad"]))
    assert abs(sum(per_example) - w2["grad"]) < 1e-12
    assert_clean(page, watch)


@pytest.mark.parametrize("net", ["mlp", "softmax"])
def test_a_long_batch_sum_pushes_the_local_derivative_under_it(page, live_server, net):
    """Three examples make a parameter's sum of products wider than two thirds of the panel:
    in a grid the local derivative beside it was drawn over its last product. It moves
    under the sum instead, or stays beside it where the panel's fitted type leaves room, and
    nothing in the step overlaps."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script("localStorage.setItem('lereng.projector', '1');")
    query = f"?net={net}&ex=0.5,1,1;-0.3,0.8,0;1,-0.5,1"
    watch = open_lab(page, live_server, query)
    graph = page.evaluate("() => window.__lereng.graph")
    cursor = len(graph["forward"]) + graph["backward"].index("w22") + 1
    page.goto(f"{live_server.url}/backprop{query}&step={cursor}")
    page.wait_for_function(f"() => window.__lereng && window.__lereng.cursor === {cursor}")
    cols = page.locator("#bp-explain .bp-split > .bp-col")
    assert cols.count() == 2
    a, b = cols.nth(0).bounding_box(), cols.nth(1).bounding_box()
    under, beside = b["y"] >= a["y"] + a["height"] - 1, b["x"] >= a["x"] + a["width"] - 1
    assert under or beside  # never over the sum
    last = page.locator("#bp-explain .bp-split > .bp-col >> nth=0").locator("math").last
    assert last.bounding_box()["x"] + last.bounding_box()["width"] <= a["x"] + a["width"] + 1
    assert_clean(page, watch)
