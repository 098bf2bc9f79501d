""" "Predict the next step" in the regression lab, in real headless Chromium: for batch gradient
descent the course's rule w − η·∂L/∂w, b − η·∂L/∂b, computed here from the numbers the page
shows, lands exactly on the step the server then takes; a stochastic racer's step follows its
batch instead, and the panel names the example the server drew; a softmax model has no button.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.test_surface_page import PageWatch, assert_clean

pytestmark = pytest.mark.browser

LOADED = "() => window.__lereng && window.__lereng.loaded === '{}'"
PHASE = "() => window.__lereng.predict && window.__lereng.predict.phase === '{}'"
LAST = "i => { const r = window.__lereng.race.racers[i]; return {p: r.points[r.points.length - 1], g: r.grad}; }"


def open_predict(page, live_server) -> PageWatch:
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/regression?steps=20")
    page.wait_for_function(LOADED.format("linear"), timeout=40_000)
    page.click("#predict-button")
    page.wait_for_function(PHASE.format("guess"), timeout=20_000)
    return watch


def guess(page, w: str, b: str) -> None:
    page.fill("#predict-panel input[name=x]", w)
    page.fill("#predict-panel input[name=y]", b)
    page.click("#predict-panel button[type=submit]")


def server_run(page, live_server, optimizer):
    body = page.evaluate(
        "async () => { const m = await import('/static/js/regression-state.js');"
        " const s = window.__lereng.state;"
        " return { data: m.dataSpec(s), model: m.modelOf(s), start: m.startOf(s), steps: 3 }; }"
    )
    r = page.request.post(f"{live_server.url}/api/runs", data={**body, "optimizers": [optimizer]})
    return r.json()["runs"][0]


def test_the_course_update_rule_predicts_batch_descent_exactly(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = open_predict(page, live_server)
    rule = page.inner_text("#predict-panel .predict-rule")
    assert "∂L/∂w" in rule and "η = 0.1" in rule
    # One minus sign throughout: the rule's "−", its numbers' too (w starts at −2).
    assert "w = −2" in rule and not re.search(r"-\d", rule)
    now = page.evaluate(LAST, 0)
    lr = 0.1  # the default batch racer's rate, shown in the rule
    (w, b), (gw, gb) = now["p"], now["g"]
    guess_at = [w - lr * gw, b - lr * gb]
    guess(page, repr(guess_at[0]), repr(guess_at[1]))
    page.wait_for_function(PHASE.format("revealed"), timeout=20_000)
    got = page.evaluate("() => window.__lereng.predict")
    assert got["distance"] == 0
    # The step the page revealed is the server's own first step of that racer.
    alone = server_run(page, live_server, {"name": "sgd", "lr": lr, "variant": "batch"})
    assert got["truth"]["point"] == alone["points"][1]
    assert "= " in page.inner_text("#predict-panel .predict-rule")
    assert_clean(page, watch)


def test_a_stochastic_step_follows_its_batch_and_the_panel_names_it(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = open_predict(page, live_server)
    # The batch racer's rule is the course's rule alone; the stochastic one's says, before
    # the guess, that its step will follow its batch instead.
    assert "Stochastic" not in page.inner_text("#predict-panel .predict-rule")
    page.select_option("#predict-panel .predict-racer", "1")
    page.wait_for_function(PHASE.format("guess"))
    page.wait_for_function(
        "() => document.querySelector('#predict-panel .predict-rule').innerText"
        '.includes("its own batch\'s gradient")'
    )
    box = page.locator("#land-plot .nsewdrag").bounding_box()
    page.mouse.click(box["x"] + 0.6 * box["width"], box["y"] + 0.4 * box["height"])
    page.wait_for_function(PHASE.format("revealed"), timeout=20_000)
    got = page.evaluate("() => window.__lereng.predict")
    alone = server_run(page, live_server, {"name": "sgd", "lr": 0.02, "variant": "stochastic"})
    assert got["truth"]["point"] == alone["points"][1]
    example = alone["batch"][1][0]
    assert f"#{example + 1}" in page.inner_text("#predict-panel .predict-rule")
    # Playing on ends the guessing game.
    page.click("#play-button")
    page.wait_for_function("() => document.getElementById('predict-panel').hidden")
    assert page.get_attribute("#predict-button", "aria-pressed") == "false"
    assert_clean(page, watch)


def test_softmax_has_no_predict(page, live_server):
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/regression?p=softmax")
    page.wait_for_function(LOADED.format("softmax"), timeout=40_000)
    assert page.is_disabled("#predict-button")
    assert "w and b" in page.get_attribute("#predict-button", "title")
    assert_clean(page, watch)


def test_changing_the_racers_mid_question_ends_predict_and_a_far_guess_is_refused(
    page, live_server
):
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = open_predict(page, live_server)
    # A guess far past any landscape is refused in words (Plotly could not place its mark).
    guess(page, "1e50", "1e50")
    assert "1e6" in page.inner_text("#predict-panel .predict-result")
    assert page.evaluate("() => window.__lereng.predict.phase") == "guess"
    guess(page, "0", "0")
    page.wait_for_function(PHASE.format("revealed"), timeout=20_000)
    page.click("#predict-panel .predict-next")
    page.wait_for_function(PHASE.format("guess"))
    # A new learning rate for racer 1: the question was about the old race, so Predict ends.
    box = page.locator(".racer-cards .lr-box").first
    box.fill("0.05")
    box.dispatch_event("change")
    page.wait_for_function("() => document.getElementById('predict-panel').hidden")
    assert page.get_attribute("#predict-button", "aria-pressed") == "false"
    # Started again, it asks about the new race and answers.
    page.click("#predict-button")
    page.wait_for_function(PHASE.format("guess"), timeout=20_000)
    guess(page, "0", "0")
    page.wait_for_function(PHASE.format("revealed"), timeout=20_000)
    assert_clean(page, watch)


def test_a_new_budget_mid_question_asks_again_from_the_fresh_run(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = open_predict(page, live_server)
    for _ in range(3):
        guess(page, "0", "0")
        page.wait_for_function(PHASE.format("revealed"), timeout=20_000)
        page.click("#predict-panel .predict-next")
        page.wait_for_function(PHASE.format("guess"))
    page.fill("#steps-input", "30")
    page.dispatch_event("#steps-input", "change")
    guess(page, "0", "0")
    # The guess starts a fresh run (the budget changed): the panel asks again rather than
    # waiting for ever on the old run's step.
    page.wait_for_function(
        "() => ['guess', 'revealed'].includes(window.__lereng.predict.phase)", timeout=20_000
    )
    assert_clean(page, watch)


# Two elements' boxes overlap (by more than a rounding pixel), and a box's bottom past the window.
OVERLAP = """([a, b]) => { const r = document.querySelector(a).getBoundingClientRect();
    const s = document.querySelector(b).getBoundingClientRect();
    return Math.min(r.right, s.right) - Math.max(r.left, s.left) > 1
      && Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top) > 1; }"""
BOTTOM = "sel => Math.round(document.querySelector(sel).getBoundingClientRect().bottom)"
# A plot drawn at its box's size: Plotly follows a box that changed size a little later.
SETTLED = """id => { const gd = document.getElementById(id);
    return gd._fullLayout && Math.abs(gd._fullLayout.height - gd.clientHeight) <= 1; }"""
SCROLLS = "sel => { const el = document.querySelector(sel); return el.scrollHeight > el.clientHeight + 1; }"


@pytest.mark.parametrize("lang", ["en", "id"])
def test_on_a_projector_the_panel_leaves_the_formula_strip_readable(page, live_server, lang):
    """At 1024 x 768 in projector type the student reads the formula strip while guessing: the
    panel sits beside it, whole, without scrolling, in the question and in the answer."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(
        f"localStorage.setItem('lereng.lang', '{lang}'); localStorage.setItem('lereng.projector', '1');"
    )
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/regression?p=logistic&steps=20")
    page.wait_for_function(LOADED.format("logistic"), timeout=40_000)
    page.click("#predict-button")
    page.wait_for_function(PHASE.format("guess"), timeout=20_000)
    for phase in ("guess", "revealed"):
        if phase == "revealed":
            guess(page, "0", "0")
            page.wait_for_function(PHASE.format("revealed"), timeout=20_000)
        assert page.is_visible("#predict-panel .predict-rule")
        assert not page.evaluate(OVERLAP, ["#predict-panel", "#formula-view"]), phase
        assert not page.evaluate(OVERLAP, ["#predict-panel", "#land-plot .nsewdrag"]), phase
        assert not page.evaluate(SCROLLS, "#predict-panel"), phase
        assert page.evaluate(BOTTOM, "#predict-panel") <= 768, phase
        # The landscape the guess is clicked on keeps a usable height: the caption under it
        # ("click to move the start", not what a click does now) gives it its lines.
        page.wait_for_function(SETTLED, arg="land-plot", timeout=20_000)
        assert page.locator("#land-plot .nsewdrag").bounding_box()["height"] >= 120
        assert page.locator("#land-caption").is_hidden()
        # The loss chart under the panel does not show through it as ghost text.
        backdrop = (
            "() => getComputedStyle(document.getElementById('predict-panel')).backgroundColor"
        )
        assert page.evaluate(backdrop) == "rgb(255, 255, 255)"
    # Done gives the loss chart its row back, and the map its caption.
    page.click("#predict-panel .predict-done")
    page.wait_for_function("() => document.getElementById('predict-panel').hidden")
    assert not page.evaluate(OVERLAP, [".loss-panel", "#formula-view"])
    assert page.locator("#land-caption").is_visible()
    assert_clean(page, watch)
