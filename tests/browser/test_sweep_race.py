"""From the learning-rate sweep to a race: "Race them" sets the lab's racers to one curve's
set-up at three rates (too small, the best, too large) in real headless Chromium.

Reference values come from closed forms, not from the page: on f = x² + y², plain gradient
descent from (x0, y0) ends at f = (1 - 2 lr)^(2n) f0 after n steps, diverges for lr > 1, and
each of its steps is the fraction 2·lr of the Newton step along it (too small below 0.025).
"""

from __future__ import annotations

import math

import pytest

from tests.browser.test_lab_sweeps import open_sweep
from tests.browser.test_surface_page import PageWatch, assert_clean

pytestmark = pytest.mark.browser

READY = "() => window.__lereng && window.__lereng.plotsReady === true"
DONE = "() => document.getElementById('sweep-dialog').dataset.state === 'done'"
RATES = "/static/js/components/sweep-rates.js"


def run_sweep(page, grid: dict) -> None:
    page.click("#sweep-button")
    for name, value in grid.items():
        page.fill(f"#sweep-dialog input[name={name}]", value)
    page.click("#sweep-dialog button[type=submit]")
    page.wait_for_function(
        f"() => window.__lereng.sweep.result && window.__lereng.sweep.result.lrs.length === {grid['rates']}",
        timeout=30_000,
    )
    page.wait_for_function(DONE)


def two_digits(v: float) -> float:
    return float(f"{v:.2g}")


def test_race_them_on_the_bowl_races_too_small_best_and_too_large(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/?f=quadratic&start=-2.5,2&steps=100&sps=2000&opt=sgd:lr=0.1")
    page.wait_for_function(READY, timeout=20_000)
    # A race already run: racing the sweep's rates starts afresh rather than waiting on Reset.
    page.click("#play-button")
    page.wait_for_function(
        "() => window.__lereng.race && window.__lereng.race.done", timeout=30_000
    )
    run_sweep(page, {"lr_min": "0.001", "lr_max": "3", "rates": "12"})

    # The same grid and final losses in closed form.
    lrs = [
        10 ** (math.log10(0.001) + k * (math.log10(3) - math.log10(0.001)) / 11) for k in range(12)
    ]
    f0 = 2.5**2 + 2.0**2
    finals = [(1 - 2 * lr) ** 200 * f0 if lr <= 1 else math.inf for lr in lrs]
    best = min(range(12), key=lambda k: finals[k])
    small = min(range(best), key=lambda k: abs(math.log10(lrs[k]) - (math.log10(lrs[best]) - 1.5)))
    large = next(k for k in range(best + 1, 12) if lrs[k] > 1)
    want = [two_digits(lrs[k]) for k in (small, best, large)]
    assert finals[small] > 1.5 * finals[best]

    row = page.locator("#sweep-dialog .sweep-race")
    assert row.is_visible()
    assert page.is_hidden("#sweep-dialog .sweep-race-pick")  # one curve: nothing to pick
    text = page.inner_text("#sweep-dialog .sweep-race-button")
    assert text.startswith("Race: ")
    for lr, word in zip(want, ("too small", "best", "too large"), strict=True):
        assert f"{lr:g} {word}" in text
    page.click("#sweep-dialog .sweep-race-button")
    page.wait_for_function("() => !document.getElementById('sweep-dialog').open")

    racers = page.evaluate("() => window.__lereng.state.racers")
    assert [r["name"] for r in racers] == ["sgd"] * 3
    assert [r["hp"]["lr"] for r in racers] == want
    assert len({r["key"] for r in racers}) == 3
    assert page.locator("#optimizer-list .racer-card").count() == 3
    assert "lr%3D" in page.url or "lr=" in page.url
    assert page.url.count("sgd:lr=") == 3
    assert page.evaluate("() => window.__lereng.race") is None
    assert page.inner_text("#run-status") == "ready"

    # The race itself shows the three lessons, each in its own label.
    page.click("#play-button")
    page.wait_for_function(
        "() => window.__lereng.race && window.__lereng.race.done", timeout=30_000
    )
    page.wait_for_function("() => (window.__lereng.diagnosis || []).length === 3")
    labels = page.evaluate("() => window.__lereng.diagnosis")
    assert labels[0] == "too_small"  # 2·lr under 0.025
    assert labels[1] == "converged"
    assert labels[2] == "diverging"  # lr > 1
    assert page.is_visible("#diagnosis li[data-key='too_small']")
    assert_clean(page, watch)


def test_regression_racers_keep_their_variant(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = PageWatch(page, live_server.url)
    page.goto(
        f"{live_server.url}/regression?steps=60&r=sgd:@v=minibatch:@k=8:lr=0.05;adam:@v=batch:lr=0.05"
    )
    page.wait_for_function(
        "() => window.__lereng && window.__lereng.loaded === 'linear'", timeout=40_000
    )
    page.click("#play-button")
    page.wait_for_function(
        "() => window.__lereng.race && window.__lereng.race.done", timeout=30_000
    )
    run_sweep(page, {"lr_min": "0.001", "lr_max": "3", "rates": "8"})
    # Two set-ups, two curves: a select picks the one to race.
    assert page.is_visible("#sweep-dialog .sweep-race-pick")
    options = page.locator("#sweep-dialog .sweep-race-pick option").all_inner_texts()
    assert options == ["Mini-batch k=8 · SGD", "Batch · Adam"]
    button = "#sweep-dialog .sweep-race-button"
    sgd_text = page.inner_text(button)
    page.select_option("#sweep-dialog .sweep-race-pick select", index=1)
    assert "Batch · Adam" in page.get_attribute(button, "title")
    assert page.inner_text(button) != sgd_text  # Adam's best rate is not SGD's
    page.select_option("#sweep-dialog .sweep-race-pick select", index=0)
    result = page.evaluate("() => window.__lereng.sweep.result")
    want = page.evaluate(
        "async ([url, r]) => (await import(url)).raceRates(r.lrs, r.curves[0]).map(x => Number(x.lr.toPrecision(2)))",
        [f"{live_server.url}{RATES}", result],
    )
    page.click("#sweep-dialog .sweep-race-button")
    racers = page.evaluate("() => window.__lereng.state.racers")
    assert len(racers) == len(want) >= 2
    for r, lr in zip(racers, want, strict=True):
        assert (r["name"], r["variant"], r["batchSize"], r["hp"]["lr"]) == (
            "sgd",
            "minibatch",
            8,
            lr,
        )
    assert page.evaluate("() => window.__lereng.race") is None  # the earlier race is cleared
    assert_clean(page, watch)


def test_the_network_lab_offers_no_race_of_rates(page, live_server):
    # The network page trains one network: there are no racers to set three of.
    page.set_viewport_size({"width": 1280, "height": 800})
    watch = open_sweep(page, live_server, "?ds=xor&steps=30", "network", "xor", {"rates": "4"})
    assert page.evaluate("() => window.__lereng.sweep.result.curves[0].best_lr") is not None
    assert page.is_hidden("#sweep-dialog .sweep-race")
    assert_clean(page, watch)


PICK = "async ([url, lrs, curve]) => (await import(url)).raceRates(lrs, curve)"


@pytest.mark.parametrize(
    ("losses", "status", "want"),
    [
        # Every rate diverged: nothing to race.
        ([None] * 5, ["diverged"] * 5, []),
        # Best at the lowest rate: no "too small", and the best only of those tried (a lower
        # rate might do better); the first diverged rate is "too large".
        (
            [1.0, 2.0, None, None, None],
            ["budget", "budget", "diverged", "diverged", "diverged"],
            [("bottom", 0), ("large", 2)],
        ),
        # Best at the highest rate, none diverged: no "too large", and the best only of those
        # tried.
        ([9.0, 7.0, 5.0, 2.0, 1.0], ["budget"] * 5, [("small", 2), ("top", 4)]),
        # A flat start: "too small" goes lower until its loss is visibly worse than the best;
        # with no rate diverged, "too large" is the highest.
        ([5.0, 1.2, 1.1, 1.0, 3.0], ["budget"] * 5, [("small", 0), ("best", 3), ("large", 4)]),
    ],
)
def test_which_rates_are_raced(page, live_server, losses, status, want):
    page.goto(f"{live_server.url}/healthz")
    lrs = [0.01, 0.1, 1.0, 10.0, 100.0]
    finite = [(v, k) for k, v in enumerate(losses) if v is not None]
    curve = {
        "best_lr": lrs[min(finite)[1]] if finite else None,
        "final_loss": losses,
        "status": status,
    }
    got = page.evaluate(PICK, [f"{live_server.url}{RATES}", lrs, curve])
    assert [(g["kind"], lrs.index(g["lr"])) for g in got] == want
