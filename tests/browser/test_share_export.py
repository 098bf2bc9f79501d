"""Shareable links and exports of the surface lab, in real headless Chromium.

A link carries the whole set-up (state -> URL -> state is the identity), and opening it
reproduces the run bit for bit: the page's final points and losses equal POST /api/runs for
the same request. Exports: CSV rows and JSON trajectories against that same reference; PNGs
are real PNG images; the interactive HTML opens from file:// with every network request
refused and animates when its play button is pressed.
"""

from __future__ import annotations

import csv
import io
import json
import struct
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.offline import open_offline
from tests.browser.test_surface_page import assert_clean, open_lab

pytestmark = pytest.mark.browser

STATE = "/static/js/state.js"
URL_STATE = "/static/js/surface-url.js"

# Pure round trip, inside the page (there is no node here): decode(encode(s)) == s.
ROUND_TRIP = """async ([url, urlState, states]) => {
  const m = { ...(await import(url)), ...(await import(urlState)) };
  const h = window.__lereng;
  const functions = await (await fetch('/api/functions')).json();
  const catalog = await (await fetch('/api/optimizers')).json();
  return states.map((s) => {
    const state = { ...s, racers: s.racers.map(([name, hp]) => m.makeRacer(name, hp)) };
    const base = m.defaultState(h.config, functions);
    const back = m.decodeState('?' + m.encodeState(state), base, functions, catalog, h.config.limits);
    return [m.shareable(state), m.shareable(back)];
  });
}"""

STATES = [
    {
        "surface": {"function": "rosenbrock"},
        "start": [-1.234567890123, 0.1 + 0.2],  # full double precision must survive
        "steps": 321,
        "speed": 47.5,
        "racers": [
            ["sgd", {"lr": 0.0013, "momentum": 0.9, "nesterov": True}],
            ["adam", {"lr": 0.05, "betas": [0.8, 0.995], "amsgrad": True}],
            ["rmsprop", {"lr": 1e-5}],
        ],
        "view": "surface",
        "lossLog": False,
        "arrows": False,
        "diagnosis": False,
    },
    {
        "surface": {"expression": "x**2 - y**2 + 0.1*x*y; a=b&c"},
        "start": [1e-7, -2.5],
        "steps": 1,
        "speed": 1,
        "racers": [["adagrad", {"lr": 0.3}]],
        "view": "both",
        "lossLog": True,
        "arrows": True,
        "diagnosis": True,
    },
]


def test_state_url_state_is_the_identity(page, live_server):
    watch = open_lab(page, live_server)
    for before, after in page.evaluate(
        ROUND_TRIP, [f"{live_server.url}{STATE}", f"{live_server.url}{URL_STATE}", STATES]
    ):
        assert after == before
    assert_clean(page, watch)


def run_to_end(page):
    page.click("#play-button")
    page.wait_for_function(
        "() => window.__lereng.race && window.__lereng.race.racers.every(r => r.status !== 'running')"
        " && window.__lereng.tools && window.__lereng.runLog.racers.every(r => r.status)",
        timeout=30_000,
    )


def reference(live_server, page, body):
    got = page.request.post(f"{live_server.url}/api/runs", data=body)
    assert got.ok
    return got.json()["runs"]


LINK = (
    "?f=rosenbrock&start=-1.2,1&steps=300&sps=2000"
    "&opt=sgd:lr=0.0015:momentum=0.9;adam:lr=0.03:betas=0.85/0.99;rmsprop:lr=0.004"
    "&view=contour&log=1&arrows=1&diag=1"
)


def test_a_link_reproduces_the_run_bit_for_bit(page, live_server):
    watch = open_lab(page, live_server, LINK)
    state = page.evaluate("() => window.__lereng.state")
    assert state["start"] == [-1.2, 1]
    assert [r["hp"] for r in state["racers"]] == [
        {"lr": 0.0015, "momentum": 0.9},
        {"lr": 0.03, "betas": [0.85, 0.99]},
        {"lr": 0.004},
    ]
    run_to_end(page)
    body = {
        "surface": {"function": "rosenbrock"},
        "start": [-1.2, 1],
        "steps": 300,
        "optimizers": [
            {"name": "sgd", "lr": 0.0015, "momentum": 0.9},
            {"name": "adam", "lr": 0.03, "betas": [0.85, 0.99]},
            {"name": "rmsprop", "lr": 0.004},
        ],
    }
    ref = reference(live_server, page, body)
    page_last = page.evaluate(
        "() => window.__lereng.race.racers.map(r => [r.last.step, r.last.point, r.last.loss, r.status])"
    )
    for (step, point, loss, status), want in zip(page_last, ref, strict=True):
        assert step == want["steps"]
        assert point == want["points"][-1]  # exact, not approx
        assert loss == want["losses"][-1]
        assert status == want["status"]
    # The page's own URL is the link it was opened with (same parameters, same values).
    assert parse_qs(urlsplit(page.url).query) == parse_qs(LINK[1:])
    assert "%3A" not in page.url  # readable: opt=sgd:lr=...
    assert_clean(page, watch)


def export(page, item):
    page.click("#export-menu summary")
    with page.expect_download(timeout=30_000) as info:
        page.click(f"#export-{item}")
    return info.value


def test_csv_and_json_exports_match_the_server(page, live_server, tmp_path):
    watch = open_lab(page, live_server, LINK.replace("steps=300", "steps=60"))
    run_to_end(page)
    body = {
        "surface": {"function": "rosenbrock"},
        "start": [-1.2, 1],
        "steps": 60,
        "optimizers": [
            {"name": "sgd", "lr": 0.0015, "momentum": 0.9},
            {"name": "adam", "lr": 0.03, "betas": [0.85, 0.99]},
            {"name": "rmsprop", "lr": 0.004},
        ],
    }
    ref = reference(live_server, page, body)

    dl = export(page, "csv")
    assert dl.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(dl.path().read_text())))
    assert list(rows[0]) == [
        "step", "racer", "optimizer", "lr", "x", "y", "loss",
        "grad_x", "grad_y", "update_x", "update_y", "status",
    ]  # fmt: skip
    assert len(rows) == sum(r["steps"] + 1 for r in ref)
    by_racer = {}
    for row in rows:
        by_racer.setdefault(row["racer"], []).append(row)
    assert [int(r["step"]) for r in rows] == sorted(int(r["step"]) for r in rows)
    for want, got in zip(ref, by_racer.values(), strict=True):
        assert [float(r["x"]) for r in got] == [p[0] for p in want["points"]]
        assert [float(r["loss"]) for r in got] == want["losses"]
        assert [float(r["grad_y"]) for r in got] == [g[1] for g in want["grads"]]
        assert [float(r["update_x"]) for r in got] == [u[0] for u in want["updates"]]
        assert got[0]["optimizer"] == want["optimizer"]["name"]
        assert float(got[0]["lr"]) == want["optimizer"]["lr"]
        assert got[-1]["status"] == want["status"]

    dl = export(page, "json")
    data = json.loads(dl.path().read_text())
    assert data["config"]["optimizers"] == body["optimizers"]
    assert data["config"]["start"] == body["start"] and data["config"]["steps"] == 60
    for want, got in zip(ref, data["racers"], strict=True):
        assert got["points"] == want["points"]
        assert got["losses"] == want["losses"]
        assert got["status"] == want["status"]
        assert got["optimizer"] == want["optimizer"]  # every hyperparameter, as used
    assert_clean(page, watch)


# The names the PNG's band lists, from the plot's own traces.
LEGEND = """async ids => {
  const m = await import('/static/js/export-png.js');
  return m.legendItems(ids.map(id => document.getElementById(id))).map(it => it.name);
}"""


def png_size(raw: bytes) -> tuple[int, int]:
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", raw[16:24])


@pytest.mark.parametrize("item", ["png-contour", "png-surface", "png-loss"])
def test_png_exports_are_images_of_the_plot(page, live_server, item):
    watch = open_lab(page, live_server, "?f=himmelblau&steps=30&sps=2000")
    run_to_end(page)
    dl = export(page, item)
    raw = dl.path().read_bytes()
    w, h = png_size(raw)
    div = {"png-contour": "contour-base", "png-surface": "surface-plot", "png-loss": "loss-plot"}[
        item
    ]
    box = page.locator(f"#{div}").bounding_box()
    # Rendered at twice the on-screen size, with a band below that names the lines: the page's
    # legend is HTML beside the plot, which a PNG of the plot alone would lose.
    assert w == round(box["width"]) * 2
    assert h - round(box["height"]) * 2 >= 2 * 20
    assert len(raw) > 5_000  # not a blank canvas
    divs = {"png-contour": ["contour-base", "contour-plot"]}.get(item, [div])
    names = page.evaluate(LEGEND, divs)
    racers = page.evaluate("() => window.__lereng.race.racers.map(r => r.label)")
    assert racers and set(racers) <= set(names)
    assert_clean(page, watch)


def test_export_before_any_run_says_what_to_do(page, live_server):
    watch = open_lab(page, live_server)
    page.click("#export-menu summary")
    page.click("#export-csv")
    page.wait_for_function(
        "() => !document.getElementById('page-message').hidden"
        " && document.getElementById('page-message').textContent.includes('Run the race first')",
        timeout=20_000,
    )
    assert watch.errors == []


def test_interactive_html_opens_offline_and_animates(page, browser, live_server, tmp_path):
    watch = open_lab(page, live_server, "?f=rosenbrock&steps=120&sps=2000")
    run_to_end(page)
    dl = export(page, "html")
    path = tmp_path / "run.html"
    dl.save_as(path)
    text = path.read_text()
    # Self-contained: no script, style or image fetched from anywhere (plotly.js itself
    # mentions URLs in its strings, so the real check is the offline load below).
    assert "<script src" not in text and "<link" not in text
    assert text.count("<script") == 3  # the figure (JSON), plotly.js, and the boot script
    assert_clean(page, watch)

    offline = open_offline(browser, path, timeout=30_000)
    view, blocked, errors = offline.page, offline.blocked, offline.errors
    # It rendered: the contour and one path per racer, the slider at the first frame.
    assert view.evaluate("() => document.getElementById('plot').data[0].type") == "contour"
    assert view.locator(".slider-container").count() == 1
    heads = "() => document.getElementById('plot').data.filter(t => t.mode === 'markers' && t.showlegend === false).map(t => [t.x[0], t.y[0]])"
    before = view.evaluate(heads)
    assert view.evaluate("() => document.getElementById('plot').layout.sliders[0].active") == 0
    view.locator(".updatemenu-button").first.click()
    view.wait_for_function("() => window.__exported.frames >= 5", timeout=30_000)
    view.wait_for_function(
        "() => document.getElementById('plot').layout.sliders[0].active > 0", timeout=30_000
    )
    assert view.evaluate(heads) != before
    assert blocked == []  # nothing even tried to leave the file
    assert errors == []
    offline.close()


def test_copy_link_reopens_the_same_setup(page, context, live_server):
    watch = open_lab(page, live_server, "?f=beale")
    # Change things through the page itself: a click moves the start, log scale off.
    box = page.locator("#contour-plot .nsewdrag").bounding_box()
    page.mouse.click(box["x"] + 0.3 * box["width"], box["y"] + 0.6 * box["height"])
    page.wait_for_function("() => window.__lereng.state.start[0] !== 1")
    page.click("#loss-log")
    page.click("#export-menu summary")
    page.click("#export-share")
    page.wait_for_function("() => typeof window.__lereng.shared === 'string'", timeout=20_000)
    assert page.locator("#share-status").is_visible()
    link = page.evaluate("() => window.__lereng.shared")
    want = page.evaluate("() => [window.__lereng.state.start, window.__lereng.state.lossLog]")
    other = context.new_page()
    other_watch = open_lab(other, live_server, link.split("/", 3)[3])
    assert (
        other.evaluate("() => [window.__lereng.state.start, window.__lereng.state.lossLog]") == want
    )
    assert other.evaluate("() => window.__lereng.state.surface") == {"function": "beale"}
    assert other.is_checked("#loss-log") is False
    assert_clean(page, watch)
    assert_clean(other, other_watch)
