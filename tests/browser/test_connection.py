"""A classroom's weak link, in real headless Chromium against real uvicorn servers: the server
goes away mid-run and comes back on the same address, and Play is pressed while it is away.

The page must say what happened: "connection lost" (not "finished") for a run cut short, and
"waiting for the server" (not an endless "starting…") for a start that cannot be sent yet,
which then runs as soon as the server answers.
"""

from __future__ import annotations

import pytest

from tests.browser.test_surface_page import PageWatch
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

STATUS = "() => document.getElementById('run-status').textContent"
FRAMES = """n => new Promise(done => {
  let k = 0;
  const tick = () => (++k >= n ? done() : requestAnimationFrame(tick));
  requestAnimationFrame(tick);
})"""


def status_is(text: str) -> str:
    return f"() => document.getElementById('run-status').textContent === {text!r}"


@pytest.mark.parametrize(
    ("lab", "query", "ready"),
    [
        ("network", "?steps=3000&sps=50", "() => window.__lereng && window.__lereng.heatmaps >= 1"),
        (
            "",
            "?f=rosenbrock&steps=3000&sps=100&opt=sgd:lr=0.001",
            "() => window.__lereng && window.__lereng.plotsReady",
        ),
    ],
)
def test_a_dropped_server_reads_as_lost_and_a_start_waits_for_its_return(page, lab, query, ready):
    first = LiveServer().__enter__()
    try:
        watch = PageWatch(page, first.url)
        page.goto(f"{first.url}/{lab}{query}")
        page.wait_for_function(ready, timeout=30_000)
        page.click("#play-button")
        page.wait_for_function("() => window.__lereng.step >= 5", timeout=30_000)
    finally:
        first.kill()
    page.wait_for_function(status_is("connection lost: press Play to replay"), timeout=20_000)
    # Frames that arrived before the drop are still drawn afterwards: the run must not turn
    # into "finished" when they are.
    stopped_at = page.evaluate("() => window.__lereng.step")
    page.evaluate(FRAMES, 30)
    assert page.evaluate(STATUS) == "connection lost: press Play to replay"
    assert page.evaluate("() => window.__lereng.step") >= stopped_at
    # Play with nobody to answer: the page says it waits, not "starting…" for ever.
    page.click("#play-button")
    page.wait_for_function(
        status_is("waiting for the server: no connection yet (the run starts when it answers)")
    )
    second = LiveServer(port=first.port).__enter__()
    try:
        page.wait_for_function(status_is("running"), timeout=30_000)
        page.wait_for_function("() => window.__lereng.step >= 3", timeout=30_000)
    finally:
        second.kill()
    page.wait_for_function(status_is("connection lost: press Play to replay"), timeout=20_000)
    # No script failed (the browser's own notes on refused WebSocket attempts aside), and only
    # the app's own origin was asked for anything.
    assert [e for e in watch.errors if "WebSocket connection" not in e] == []
    assert watch.external == []


def test_offline_requests_are_said_in_the_pages_language(page, live_server):
    # The browser's "Failed to fetch" reached the page as it was, in English on an Indonesian
    # page; now it is the page's own sentence.
    page.add_init_script("localStorage.setItem('lereng.lang', 'id')")
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/backprop")
    page.wait_for_function(
        "() => window.__lereng && window.__lereng.ready === true && window.__lereng.busy === 0",
        timeout=20_000,
    )
    page.context.set_offline(True)
    try:
        page.click("#bp-train")
        page.wait_for_function("() => !document.getElementById('bp-error').hidden", timeout=20_000)
        assert page.locator("#bp-error").inner_text() == "tidak ada koneksi ke server"
    finally:
        page.context.set_offline(False)
    # Back online, training works again and the message goes.
    page.click("#bp-train")
    page.wait_for_function("() => document.getElementById('bp-error').hidden", timeout=20_000)
    assert [e for e in watch.errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_a_slow_first_load_says_it_is_loading_until_the_page_can_work(page, live_server):
    # Plotly (1.5 MB) held back as on a weak classroom link: the page says it is loading, in
    # both languages, and the note goes once the lab runs.
    held = []
    page.route("**/vendor/plotly-*.js", lambda route: held.append(route))
    watch = PageWatch(page, live_server.url)
    with page.expect_request(lambda r: "/vendor/plotly-" in r.url):
        page.goto(f"{live_server.url}/", wait_until="commit")
    page.wait_for_function(
        "() => { const n = document.getElementById('boot-note');"
        " return n && getComputedStyle(n).opacity === '1'; }",
        timeout=20_000,
    )
    note = page.locator("#boot-note").inner_text()
    assert "Loading" in note and "Memuat" in note
    for route in held:
        route.continue_()
    page.wait_for_function("() => window.__lereng && window.__lereng.plotsReady", timeout=30_000)
    assert page.locator("#boot-note").count() == 0
    assert watch.errors == [] and watch.external == []


def test_a_stalled_link_is_said_while_it_lasts(page, live_server):
    # Chromium's offline mode holds an open WebSocket's traffic without closing it, as a weak
    # Wi-Fi link can: the page must not go on saying "running" while no step arrives.
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/?f=rosenbrock&steps=3000&sps=30&opt=sgd:lr=0.001")
    page.wait_for_function("() => window.__lereng && window.__lereng.plotsReady", timeout=30_000)
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 3", timeout=30_000)
    page.context.set_offline(True)
    try:
        page.wait_for_function(
            status_is("no news from the server: slow or broken connection"),
            timeout=20_000,
        )
    finally:
        page.context.set_offline(False)
    before = page.evaluate("() => window.__lereng.step")
    page.wait_for_function(f"() => window.__lereng.step > {before}", timeout=30_000)
    page.wait_for_function(status_is("running"), timeout=20_000)
    assert [e for e in watch.errors if "WebSocket" not in e] == []
