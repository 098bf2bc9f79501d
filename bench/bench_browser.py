"""Benchmark the surface lab in headless Chromium: Play-to-first-step latency and frame rate.

Prints a table. Targets: first drawn step <= 200 ms after pressing Play; >= 25 fps (counted
with requestAnimationFrame in the page) during a 4-optimizer race with the 3D surface visible.
The idle frame rate of the same page is the baseline in the same run.

Run: python bench/bench_browser.py [--seconds 5] [--trials 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.conftest import CHROMIUM_ARGS, LiveServer, chromium_path  # noqa: E402

READY = "() => window.__lereng && window.__lereng.plotsReady === true"
RACE = "?f=rosenbrock&steps=5000&sps={sps}&opt=sgd:lr=0.001;sgd:lr=0.001:momentum=0.9;rmsprop:lr=0.01;adam:lr=0.05"

# Count animation frames for `ms` milliseconds; also how many plot updates and steps landed.
FPS = """ms => new Promise(resolve => {
  const hook = window.__lereng;
  const drawn0 = hook.framesDrawn, step0 = hook.step;
  let frames = 0, worst = 0, last = null;
  const t0 = performance.now();
  function tick(t) {
    frames += 1;
    if (last !== null) worst = Math.max(worst, t - last);
    last = t;
    if (t - t0 < ms) requestAnimationFrame(tick);
    else {
      const s = (t - t0) / 1000;
      resolve({fps: frames / s, worst, draws: (hook.framesDrawn - drawn0) / s,
               steps: (hook.step - step0) / s});
    }
  }
  requestAnimationFrame(tick);
})"""


def play_latency(page, trials: int) -> list[float]:
    """Milliseconds from the Play click to the first drawn step (step >= 1), per trial."""
    out = []
    for _ in range(trials):
        page.evaluate(
            "() => { const b = document.getElementById('play-button');"
            " b.addEventListener('click', () => { window.__clickAt = performance.now(); },"
            " {capture: true, once: true}); }"
        )
        page.click("#play-button")
        page.wait_for_function("() => window.__lereng.firstDraw !== null", timeout=10_000)
        out.append(page.evaluate("() => window.__lereng.firstDraw.at - window.__clickAt"))
        page.click("#play-button")  # pause
        # Clicking the map moves the start and clears the race: the next Play starts afresh.
        page.evaluate(
            "() => document.dispatchEvent(new CustomEvent('move-start',"
            " {detail: {start: [-1.5, 2]}}))"
        )
        page.wait_for_function("() => window.__lereng.race === null")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--trials", type=int, default=7)
    args = parser.parse_args()
    ms = int(args.seconds * 1000)
    rows = []
    with LiveServer() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            for (w, h), view in [((1280, 800), "both"), ((1024, 768), "surface")]:
                page = browser.new_page(viewport={"width": w, "height": h})
                page.goto(server.url + "/" + RACE.format(sps=60))
                page.wait_for_function(READY, timeout=30_000)
                if view == "surface":
                    page.click("#view-toggle button[data-view='surface']")
                idle = page.evaluate(FPS, ms)
                latency = play_latency(page, args.trials)
                for sps in (30, 60, 240):
                    page.goto(server.url + "/" + RACE.format(sps=sps))
                    page.wait_for_function(READY, timeout=30_000)
                    if view == "surface":
                        page.click("#view-toggle button[data-view='surface']")
                    page.click("#play-button")
                    page.wait_for_function("() => window.__lereng.step >= 5", timeout=10_000)
                    race = page.evaluate(FPS, ms)
                    rows.append((f"{w}x{h}", view, sps, idle, race))
                page.close()
                med = statistics.median(latency)
                print(
                    f"{w}x{h} ({view} 3D visible): Play -> first drawn step: median {med:.0f} ms,"
                    f" min {min(latency):.0f}, max {max(latency):.0f} ms over {len(latency)}"
                    f" trials (target <= 200 ms)"
                )
        finally:
            browser.close()
    print()
    print(
        f"{'viewport':>10} {'3D':>8} {'steps/s':>8} {'idle fps':>9} {'race fps':>9} "
        f"{'ratio':>6} {'worst ms':>9} {'draws/s':>8} {'got steps/s':>12}"
    )
    for size, view, sps, idle, race in rows:
        print(
            f"{size:>10} {view:>8} {sps:>8} {idle['fps']:>9.1f} {race['fps']:>9.1f} "
            f"{race['fps'] / idle['fps']:>6.2f} {race['worst']:>9.0f} {race['draws']:>8.1f} "
            f"{race['steps']:>12.1f}"
        )
    print("\ntarget: race fps >= 25 with the 3D surface visible")


if __name__ == "__main__":
    main()
