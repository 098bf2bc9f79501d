"""Teaching aids of the surface lab in real headless Chromium: live diagnosis labels, the
learning-rate sweep dialog, and predict-the-next-step by mouse and by keyboard.

Expected answers come from closed forms and from the server's own run (POST /api/runs), never
from the page's code.
"""

from __future__ import annotations

import math

import pytest

from tests.browser.test_surface_page import PageWatch, assert_clean, open_lab

pytestmark = pytest.mark.browser

DIAG = "() => window.__lereng.diagnosis || []"


def test_diagnosis_labels_oscillating_and_converged_racers(page, live_server):
    # f = x² + y² has L = 2: gradient descent with lr 0.95 flips sign every step
    # (factor 1 - 2 lr = -0.9), with lr 1.05 it diverges, with lr 0.1 it converges quietly.
    watch = open_lab(
        page,
        live_server,
        "?f=quadratic&steps=400&sps=400&opt=sgd:lr=0.95;sgd:lr=1.05;sgd:lr=0.1&diag=1",
    )
    # Step by step, so the labels are read at a known step however loaded the machine is.
    for k in range(1, 13):
        page.click("#step-button")
        page.wait_for_function(f"() => window.__lereng.step === {k}", timeout=20_000)
    page.wait_for_function(f"() => ({DIAG})()[0] === 'oscillating'", timeout=20_000)
    assert page.evaluate(DIAG) == ["oscillating", "diverging", None]
    panel = page.locator("#diagnosis")
    seen = {
        "keys": [li.get_attribute("data-key") for li in panel.locator("li").all()],
        "text": panel.inner_text(),
        "who": panel.locator(".diag-oscillating .visually-hidden").text_content(),
    }
    assert "oscillating" in seen["keys"] and "diverging" in seen["keys"]
    assert "Learning Rate too high" in seen["text"]
    assert "flipping direction" in seen["text"]  # the one-line explanation
    # Racer glyphs, not colour alone, say who is meant; screen readers get the names.
    assert "SGD, lr 0.95" in seen["who"]
    page.click("#play-button")
    page.wait_for_function(
        "() => window.__lereng.race && window.__lereng.race.racers.every(r => r.status !== 'running')",
        timeout=30_000,
    )
    page.wait_for_function(f"() => ({DIAG})()[2] === 'converged'", timeout=20_000)
    # In Indonesian, the same labels in Bahasa Indonesia with the English technical term.
    page.click("#language-toggle button[data-lang='id']")
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    page.wait_for_function(
        "() => document.getElementById('diagnosis').innerText.includes('Konvergen')", timeout=20_000
    )
    assert "Learning Rate terlalu besar" in page.locator("#diagnosis").inner_text()
    # Switched off: the panel goes, and the link remembers.
    page.click("#show-diagnosis")
    page.wait_for_function("() => document.getElementById('diagnosis').hidden")
    assert "diag=0" in page.url
    assert_clean(page, watch)


def run_to_the_end(page) -> None:
    page.click("#play-button")
    page.wait_for_function(
        "() => window.__lereng.race && window.__lereng.race.racers.every(r => r.status !== 'running')",
        timeout=30_000,
    )


def test_a_start_outside_the_domain_is_said_so_not_blamed_on_the_learning_rate(page, live_server):
    # log(x) has no value at x = -2: nothing ran, so no step size is to blame.
    watch = open_lab(page, live_server, "?expr=log(x)&start=-2,2&steps=50&opt=sgd:lr=0.01&diag=1")
    run_to_the_end(page)
    page.wait_for_function(f"() => ({DIAG})()[0] === 'outside_domain'", timeout=20_000)
    legend = page.locator("#race-legend").inner_text()
    assert "diverged at step 0" in legend and "not defined at the start" in legend
    assert "Learning Rate too high" not in page.locator("#diagnosis").inner_text()
    # Nothing to plot: the loss chart says why instead of inviting another Play.
    note = "() => (document.getElementById('loss-plot').layout.annotations || []).map(a => a.text)"
    page.wait_for_function(f"() => ({note})().join().includes('stopped at its start')")
    assert "Press Play" not in ",".join(page.evaluate(note))
    page.click("#language-toggle button[data-lang='id']")
    page.wait_for_function(
        "() => document.getElementById('diagnosis').innerText.includes('Di luar domain fungsi')",
        timeout=20_000,
    )
    assert "loss tidak terdefinisi di titik awal" in page.locator("#race-legend").inner_text()
    page.wait_for_function(f"() => ({note})().join().includes('berhenti di titik awal')")
    assert_clean(page, watch)


def test_the_page_names_momentum_and_a_saddles_stationary_point(page, live_server):
    # x² + y², lr 0.01: with momentum 0.9 the path swings past the minimum (underdamped heavy
    # ball, lr·L = 0.02 > (1 − √0.9)²); the page knows which racer has momentum.
    watch = open_lab(
        page, live_server, "?f=quadratic&steps=400&opt=sgd:lr=0.01:momentum=0.9;sgd:lr=0.01&diag=1"
    )
    page.click("#play-button")
    page.wait_for_function(f"() => ({DIAG})()[0] === 'momentum'", timeout=30_000)
    assert "momentum overshoots" in page.locator("#diagnosis").inner_text()
    assert page.evaluate(DIAG)[1] != "oscillating"
    # x² − y² from the x axis walks into the saddle and stops: not called a minimum.
    page.goto(f"{live_server.url}/?f=saddle&start=-1.8,0&steps=2000&sps=2000&opt=sgd:lr=0.2&diag=1")
    page.wait_for_function("() => window.__lereng && window.__lereng.plotsReady", timeout=20_000)
    run_to_the_end(page)
    page.wait_for_function(f"() => ({DIAG})()[0] === 'stationary'", timeout=20_000)
    assert "stationary point" in page.locator("#diagnosis").inner_text()
    assert_clean(page, watch)


def test_why_a_racer_stopped_is_said_in_indonesian(page, live_server):
    # x² + y² with lr 1000: each step multiplies the point by 1 - 2000, past 1e8 in three steps.
    page.add_init_script("localStorage.setItem('lereng.lang', 'id')")
    watch = open_lab(page, live_server, "?f=quadratic&steps=50&opt=sgd:lr=1000;sgd:lr=0.1")
    run_to_the_end(page)
    page.wait_for_function(
        "() => document.getElementById('race-legend').innerText.includes('titik keluar')",
        timeout=20_000,
    )
    legend = page.locator("#race-legend").inner_text()
    assert "titik keluar dari daerah batas (|koordinat| > 1e+08)" in legend
    assert "point left" not in legend
    assert_clean(page, watch)


def test_saddle_surface_is_labelled_saddle_near_the_origin(page, live_server):
    watch = open_lab(page, live_server, "?f=saddle&start=-1.8,0.0001&steps=150&opt=sgd:lr=0.05")
    # One step at a time: the label lasts some twenty steps, which a loaded machine could
    # fold into one batch of frames at full speed.
    labels = {}
    for k in range(1, 81):
        page.click("#step-button")
        page.wait_for_function(f"() => window.__lereng.step === {k}", timeout=20_000)
        label, point = page.evaluate(
            f"() => [({DIAG})()[0], window.__lereng.race.racers[0].last.point]"
        )
        labels[k] = (label, math.hypot(*point))
        if label == "saddle":
            break
    assert label == "saddle", labels
    # Called next to the origin, after descent had slowed right down there.
    assert labels[k][1] < 0.05
    assert all(v[0] != "saddle" for j, v in labels.items() if j < k)
    assert "Saddle point" in page.locator("#diagnosis").inner_text()
    assert_clean(page, watch)


def test_lr_sweep_dialog_draws_final_loss_per_optimizer(page, live_server):
    watch = open_lab(
        page, live_server, "?f=quadratic&steps=50&opt=sgd:lr=0.1;sgd:lr=0.3;adam:lr=0.05"
    )
    page.click("#sweep-button")
    page.wait_for_function(
        "() => document.getElementById('sweep-dialog').dataset.state === 'done'", timeout=30_000
    )
    sweep = page.evaluate("() => window.__lereng.sweep.result")
    # Two SGD racers differ only in lr: one curve for SGD, one for Adam.
    assert [c["optimizer"]["name"] for c in sweep["curves"]] == ["sgd", "adam"]
    lrs = sweep["lrs"]
    assert len(lrs) == 25 and lrs[0] == pytest.approx(1e-5) and lrs[-1] == pytest.approx(1.0)
    # Closed form for SGD on x² + y²: after n steps f = (1 - 2 lr)^(2n) f0.
    f0 = 2.5**2 + 2.0**2
    for lr, loss in zip(lrs, sweep["curves"][0]["final_loss"], strict=True):
        want = (1 - 2 * lr) ** 100 * f0
        if want > 1e-280:
            assert loss == pytest.approx(want, rel=1e-9)
    drawn = page.evaluate(
        "() => document.getElementById('sweep-plot').data.filter(t => t.mode === 'lines+markers').length"
    )
    assert drawn == 2
    assert page.evaluate("() => document.getElementById('sweep-plot').layout.xaxis.type") == "log"
    # Five decades of rates: one label each (no small "2" and "5" between them).
    ticks = page.eval_on_selector_all(
        "#sweep-plot .xtick text", "els => els.map(e => e.textContent).filter(Boolean)"
    )
    assert len(ticks) == 6 and all(t.startswith("10") or t == "1" for t in ticks)
    # The chart saves as a PNG like every other plot.
    with page.expect_download(timeout=30_000) as info:
        page.click("#sweep-dialog .sweep-png")
    raw = info.value.path().read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n" and len(raw) > 5_000
    name = info.value.suggested_filename
    assert name.startswith("lereng-quadratic-lr-sweep-") and name.endswith(".png")
    # Rates in the wrong order are said in words, in the dialog, before anything is sent.
    page.fill("#sweep-dialog input[name=lr_min]", "0.5")
    page.fill("#sweep-dialog input[name=lr_max]", "0.1")
    page.click("#sweep-dialog button[type=submit]")
    page.wait_for_function(
        "() => document.getElementById('sweep-dialog').dataset.state === 'invalid'",
        timeout=20_000,
    )
    assert (
        "lowest lr above 0 and below the highest"
        in page.locator("#sweep-dialog .sweep-status").inner_text()
    )
    page.click("#sweep-dialog .sweep-close")
    assert_clean(page, watch)


def test_sweep_marks_diverged_rates_instead_of_numbers(page, live_server):
    watch = open_lab(page, live_server, "?f=quadratic&steps=200&opt=sgd:lr=0.1")
    page.click("#sweep-button")
    page.wait_for_function(
        "() => document.getElementById('sweep-dialog').dataset.state === 'done'", timeout=30_000
    )
    page.fill("#sweep-dialog input[name=lr_min]", "0.5")
    page.fill("#sweep-dialog input[name=lr_max]", "2")
    page.fill("#sweep-dialog input[name=rates]", "7")
    page.click("#sweep-dialog button[type=submit]")
    page.wait_for_function(
        "() => window.__lereng.sweep.result && window.__lereng.sweep.result.lrs.length === 7",
        timeout=30_000,
    )
    marks = page.evaluate(
        "() => document.getElementById('sweep-plot').data.filter(t => t.mode === 'markers')[0].x"
    )
    lrs = page.evaluate("() => window.__lereng.sweep.result.lrs")
    assert marks == [lr for lr in lrs if lr > 1.0]  # 2/L = 1
    assert_clean(page, watch)


def reference_points(page, live_server, body):
    r = page.request.post(f"{live_server.url}/api/runs", data=body)
    assert r.ok
    return r.json()["runs"][0]["points"]


def test_predict_by_clicking_the_map(page, live_server):
    watch = open_lab(page, live_server, "?f=quadratic&start=-2.5,2&opt=sgd:lr=0.1&steps=50")
    page.click("#predict-button")
    page.wait_for_function(
        "() => window.__lereng.predict && window.__lereng.predict.phase === 'guess'", timeout=20_000
    )
    assert page.locator("#predict-panel").is_visible()
    (x0, x1), (y0, y1) = page.evaluate("() => window.__lereng.plots.land.domain")
    box = page.locator("#contour-plot .nsewdrag").bounding_box()
    # Guess the middle of the map.
    page.mouse.click(box["x"] + 0.5 * box["width"], box["y"] + 0.5 * box["height"])
    page.wait_for_function("() => window.__lereng.predict.phase === 'revealed'", timeout=20_000)
    got = page.evaluate("() => window.__lereng.predict")
    truth = reference_points(
        page,
        live_server,
        {"surface": {"function": "quadratic"}, "start": [-2.5, 2], "steps": 1,
         "optimizers": [{"name": "sgd", "lr": 0.1}]},
    )[1]  # fmt: skip
    assert got["truth"]["point"] == truth == [-2.0, 1.6]  # x - 0.1 * 2x
    gx, gy = got["guess"]
    assert gx == pytest.approx((x0 + x1) / 2, abs=0.05) and gy == pytest.approx(
        (y0 + y1) / 2, abs=0.05
    )
    assert got["distance"] == pytest.approx(math.hypot(truth[0] - gx, truth[1] - gy), rel=1e-12)
    assert "away" in page.locator("#predict-panel .predict-result").inner_text()
    # The start did not move: in predict mode a click is a guess.
    assert page.evaluate("() => window.__lereng.state.start") == [-2.5, 2]
    # Guess and truth are drawn on the map, with words as well as shapes.
    texts = page.evaluate(
        "() => document.getElementById('contour-plot').data.flatMap(t => t.text || [])"
    )
    assert "guess" in texts and "true" in texts
    # The word "start" gives way to the guess's label (a first step lands beside the start).
    drawn = "() => [...document.querySelectorAll('#contour-plot .textpoint text')].map(t => t.textContent)"
    assert "start" not in page.evaluate(drawn)
    page.click("#predict-panel .predict-done")
    assert page.locator("#predict-panel").is_hidden()
    page.wait_for_function(f"() => ({drawn})().includes('start')")
    assert page.locator("#predict-button").get_attribute("aria-pressed") == "false"
    assert_clean(page, watch)


@pytest.mark.parametrize("lab", ["", "regression"])
def test_predict_panel_shows_its_buttons_on_a_projector(page, live_server, lab):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script("localStorage.setItem('lereng.projector', '1')")
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/{lab}?steps=50")
    page.wait_for_function(
        "() => window.__lereng && window.__lereng.plotsReady === true", timeout=30_000
    )
    page.click("#predict-button")
    page.wait_for_function(
        "() => window.__lereng.predict && window.__lereng.predict.phase === 'guess'", timeout=20_000
    )
    page.fill("#predict-panel input[name=x]", "-1")
    page.fill("#predict-panel input[name=y]", "1")
    page.click("#predict-panel button[type=submit]")
    page.wait_for_function("() => window.__lereng.predict.phase === 'revealed'", timeout=20_000)
    # Next step and Done lie wholly inside the panel, with no scrolling to find them.
    inside = page.evaluate(
        """() => { const p = document.getElementById('predict-panel').getBoundingClientRect();
        return [...document.querySelectorAll('#predict-panel .predict-actions button')]
          .filter(b => !b.hidden)
          .map(b => { const r = b.getBoundingClientRect(); return r.top >= p.top && r.bottom <= p.bottom; }); }"""
    )
    assert inside == [True, True]
    page.click("#predict-panel .predict-done")
    assert page.locator("#predict-panel").is_hidden()
    assert_clean(page, watch)


def test_predict_with_the_keyboard_only(page, live_server):
    watch = open_lab(page, live_server, "?f=quadratic&start=-2.5,2&opt=sgd:lr=0.1&steps=50")
    page.focus("#predict-button")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => window.__lereng.predict && window.__lereng.predict.phase === 'guess'", timeout=20_000
    )
    # Focus lands in the x field: type, Tab, type, Enter.
    assert page.evaluate("() => document.activeElement.name") == "x"
    page.keyboard.type("-2")
    page.keyboard.press("Tab")
    page.keyboard.type("1.5")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.__lereng.predict.phase === 'revealed'", timeout=20_000)
    got = page.evaluate("() => window.__lereng.predict")
    assert got["guess"] == [-2, 1.5]
    assert got["truth"]["point"] == [-2.0, 1.6]
    assert got["distance"] == pytest.approx(0.1, rel=1e-12)
    # Next: the following step, from the true point (-2, 1.6) to (-1.6, 1.28).
    page.click("#predict-panel .predict-next")
    page.wait_for_function("() => window.__lereng.predict.phase === 'guess'")
    page.fill("#predict-panel input[name=x]", "-1.6")
    page.fill("#predict-panel input[name=y]", "1.28")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => window.__lereng.predict.phase === 'revealed' && window.__lereng.predict.truth.step === 2",
        timeout=20_000,
    )
    assert page.evaluate("() => window.__lereng.predict.distance") < 1e-12
    assert page.evaluate("() => window.__lereng.step") == 2  # the run waited for each guess
    assert_clean(page, watch)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_tools_open_pass_an_accessibility_scan(page, live_server, lang):
    from tests.browser.test_classroom import axe_violations

    watch = open_lab(page, live_server, "?f=quadratic&steps=40&opt=sgd:lr=0.95;adam:lr=0.1")
    if lang == "id":
        page.click("#language-toggle button[data-lang='id']")
        page.wait_for_function("() => document.documentElement.lang === 'id'")
    for k in range(1, 9):
        page.click("#step-button")
        page.wait_for_function(f"() => window.__lereng.step === {k}", timeout=20_000)
    page.wait_for_function("() => !document.getElementById('diagnosis').hidden", timeout=20_000)
    page.click("#predict-button")
    page.wait_for_function("() => window.__lereng.predict.phase === 'guess'", timeout=20_000)
    page.click("#export-menu summary")
    # Diagnosis labels, the predict panel and the export menu, all at once.
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    page.click("#sweep-button")
    page.wait_for_function(
        "() => document.getElementById('sweep-dialog').dataset.state === 'done'", timeout=30_000
    )
    assert axe_violations(page) == []
    assert_clean(page, watch)
