"""The learning-rate sweep of the regression and network labs in real headless Chromium: the
lab's racers on its problem, one curve per set-up, each point the final loss the server gives
the same racer raced alone; and the dialog stays usable on a 1024 x 768 projector.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from tests.browser.test_surface_page import PageWatch, assert_clean, open_lab
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
LOADED = "() => window.__lereng && window.__lereng.loaded === 'linear'"
DONE = "() => document.getElementById('sweep-dialog').dataset.state === 'done'"


def open_sweep(
    page, live_server, query: str, lab: str = "regression", loaded: str = "linear", grid=None
) -> PageWatch:
    """Open the lab, then its sweep dialog, and run a sweep over `grid` (its form's fields)."""
    grid = grid or {"lr_min": "0.001", "lr_max": "2", "rates": "6"}
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/{lab}{query}")
    page.wait_for_function(
        f"() => window.__lereng && window.__lereng.loaded === '{loaded}'", timeout=40_000
    )
    page.click("#sweep-button")
    for name, value in grid.items():
        page.fill(f"#sweep-dialog input[name={name}]", value)
    page.click("#sweep-dialog button[type=submit]")
    rates = int(grid["rates"])
    page.wait_for_function(
        "() => window.__lereng.sweep.result"
        f" && window.__lereng.sweep.result.lrs.length === {rates}",
        timeout=30_000,
    )
    page.wait_for_function(DONE)
    return watch


def test_sweep_of_the_three_variants_on_the_lab_data(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = open_sweep(page, live_server, "?steps=80")
    result = page.evaluate("() => window.__lereng.sweep.result")
    assert result["problem"]["param_names"] == ["w", "b"] and result["steps"] == 80
    assert len(result["curves"]) == 3
    sent = page.evaluate("() => window.__lereng.state")
    # Each point is what the server gives the same racer raced alone (same batches too).
    body = page.evaluate(
        "async () => { const m = await import('/static/js/regression-state.js');"
        " const s = window.__lereng.state;"
        " return { data: m.dataSpec(s), model: m.modelOf(s), start: m.startOf(s), steps: s.steps }; }"
    )
    variants = ["batch", "stochastic", "minibatch"]
    for curve, variant, racer in zip(result["curves"], variants, sent["racers"], strict=True):
        opt = {"name": "sgd", "variant": variant}
        if variant == "minibatch":
            opt["batch_size"] = racer["batchSize"]
        for k, lr in enumerate(result["lrs"]):
            r = page.request.post(
                f"{live_server.url}/api/runs", data={**body, "optimizers": [{**opt, "lr": lr}]}
            )
            alone = r.json()["runs"][0]
            assert curve["status"][k] == alone["status"]
            if alone["status"] != "diverged":
                assert curve["final_loss"][k] == alone["losses"][-1]
    assert "diverged" in result["curves"][0]["status"]  # lr 2 is past 2/L here
    drawn = page.evaluate(
        "() => document.getElementById('sweep-plot').data"
        ".filter(t => t.mode === 'lines+markers').map(t => t.name)"
    )
    assert drawn == ["Batch · SGD", "Stochastic · SGD", "Mini-batch k=8 · SGD"]
    page.click("#sweep-dialog .sweep-close")
    assert_clean(page, watch)


def test_the_sweep_dialog_fits_a_projector(page, live_server):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.add_init_script(
        "localStorage.setItem('lereng.projector', '1'); localStorage.setItem('lereng.lang', 'id');"
    )
    watch = open_sweep(page, live_server, "?steps=60")
    close = page.locator("#sweep-dialog .sweep-close").bounding_box()
    assert close is not None and close["y"] + close["height"] <= 768
    # "Race: …" shows whole in the dialog's foot, with the set-up it races.
    for part in ("select", ".sweep-race-button"):
        box = page.locator(f"#sweep-dialog .sweep-race {part}").bounding_box()
        assert box is not None and box["height"] > 0 and box["y"] + box["height"] <= 768
    # and the sticky foot leaves the chart's lr axis title in sight.
    foot = page.locator("#sweep-dialog .dialog-actions").bounding_box()
    title = page.locator("#sweep-plot .xtitle").bounding_box()
    assert title["y"] + title["height"] <= foot["y"]
    # The legend sits above the chart, clear of the lr axis title.
    legend = page.locator("#sweep-plot .legend").bounding_box()
    title = page.locator("#sweep-plot .xtitle").bounding_box()
    assert legend["y"] + legend["height"] <= title["y"]
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "regression-sweep-projector-1024x768.png"))
    page.click("#sweep-dialog .sweep-close")
    assert_clean(page, watch)


def test_network_lab_sweeps_its_network_from_its_seeded_weights(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = open_sweep(page, live_server, "?ds=xor&steps=40", "network", "xor", {"rates": "5"})
    result = page.evaluate("() => window.__lereng.sweep.result")
    assert result["steps"] == 40 and len(result["curves"]) == 1
    sent = page.evaluate("() => window.__lereng.sweep.request")
    assert "start" not in sent and sent["network"]["dataset"] == "xor"
    # Each point: the same racer trained alone by the server, to rounding (stacked racers).
    curve = result["curves"][0]
    for k, lr in enumerate(result["lrs"]):
        body = {
            "network": sent["network"],
            "steps": 40,
            "optimizers": [{**sent["optimizers"][0], "lr": lr}],
        }
        alone = page.request.post(f"{live_server.url}/api/runs", data=body).json()["runs"][0]
        assert curve["status"][k] == alone["status"]
        if alone["status"] != "diverged":
            assert curve["final_loss"][k] == pytest.approx(alone["losses"][-1], rel=1e-9)
    page.click("#sweep-dialog .sweep-close")
    assert_clean(page, watch)


def test_a_late_answer_to_an_earlier_sweep_is_dropped(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = PageWatch(page, live_server.url)
    held = []

    def slow_first(route):
        # The first sweep's answer is held back until the second one has been drawn.
        if not held:
            held.append(route)
            return
        route.continue_()

    page.route("**/api/sweep", slow_first)
    page.goto(f"{live_server.url}/regression?steps=40")
    page.wait_for_function(LOADED, timeout=40_000)
    page.click("#sweep-button")  # opens and asks with 25 rates: held
    page.wait_for_function(
        "() => document.getElementById('sweep-dialog').dataset.state === 'running'"
    )
    page.fill("#sweep-dialog input[name=rates]", "3")
    page.click("#sweep-dialog button[type=submit]")
    page.wait_for_function(DONE, timeout=30_000)
    assert page.evaluate("() => window.__lereng.sweep.result.lrs.length") == 3
    held[0].continue_()
    page.wait_for_timeout(1500)  # the late answer arrives and must change nothing
    assert page.evaluate("() => window.__lereng.sweep.result.lrs.length") == 3
    drawn = page.evaluate(
        "() => document.getElementById('sweep-plot').data.find(t => t.mode === 'lines+markers').x.length"
    )
    assert drawn == 3
    assert_clean(page, watch)


@pytest.mark.parametrize(
    ("name", "value"), [("lr_min", ""), ("lr_min", "0"), ("lr_max", "0.0001"), ("rates", "99")]
)
def test_numbers_a_sweep_cannot_take_are_said_in_the_pages_language(page, live_server, name, value):
    page.add_init_script("localStorage.setItem('lereng.lang', 'id')")
    grid = {"lr_min": "0.001", "lr_max": "2", "rates": "4"}
    watch = open_sweep(page, live_server, "?steps=20", grid=grid)
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/api/sweep" in r.url else None)
    page.fill(f"#sweep-dialog input[name={name}]", value)
    page.click("#sweep-dialog button[type=submit]")
    page.wait_for_function(
        "() => document.getElementById('sweep-dialog').dataset.state === 'invalid'"
    )
    status = page.inner_text("#sweep-dialog .sweep-status")
    assert status.startswith("Periksa angkanya") and "40" in status
    assert sent == []  # refused here, not by the server's English field errors
    # The field at fault is marked (no browser bubble in the browser's own language over it).
    assert page.get_attribute(f"#sweep-dialog input[name={name}]", "aria-invalid") is not None
    # The last chart stays, faded: it is not the answer to these numbers.
    opacity = page.evaluate("() => getComputedStyle(document.getElementById('sweep-plot')).opacity")
    assert float(opacity) < 0.5
    assert_clean(page, watch)


def test_a_server_refusal_is_said_in_the_pages_language(page):
    # A busy classroom server: a sweep that cannot finish within the request's time is refused,
    # and the dialog says so in Indonesian, from the refusal's code.
    page.add_init_script("localStorage.setItem('lereng.lang', 'id')")
    with LiveServer(Settings(max_request_seconds=0.05)) as server:
        watch = open_lab(page, server, "?f=rosenbrock&steps=10000")
        page.click("#sweep-button")
        page.wait_for_function(
            "() => document.getElementById('sweep-dialog').dataset.state === 'error'",
            timeout=30_000,
        )
        status = page.inner_text("#sweep-dialog .sweep-status")
        assert status.startswith("ditolak: sweep terlalu lama untuk satu jawaban")
        # The refusal is an expected answer; the browser still logs the 422 response itself.
        assert [e for e in watch.errors if "422" not in e] == []
        watch.errors.clear()
        assert_clean(page, watch)
