"""3D landscapes in real headless Chromium: the surface lab's coarse mesh (no comb in log scale, no
erosion in linear), and the regression lab's 3D view chosen before any run."""

from __future__ import annotations

import math

import pytest

from tests.browser.test_regression_page import open_lab as open_regression
from tests.browser.test_surface_page import assert_clean, open_lab

pytestmark = pytest.mark.browser

LAND = """() => { const l = window.__lereng.plots.land;
  return { x: l.x, y: l.y, rows: l.rows, mx: l.mesh.x, my: l.mesh.y, mesh: l.mesh.rows, log: l.log }; }"""


def _pits(rows: list[list[float]]) -> list[tuple[int, int]]:
    """Vertices strictly lower than all eight neighbours: a pit in the drawn surface."""
    pits = []
    for j in range(1, len(rows) - 1):
        for i in range(1, len(rows[j]) - 1):
            around = [rows[j + a][i + b] for a in (-1, 0, 1) for b in (-1, 0, 1) if a or b]
            if rows[j][i] < min(around):
                pits.append((j, i))
    return pits


def test_rosenbrocks_valley_in_log_scale_is_one_channel_not_a_comb_of_pits(page, live_server):
    # Rosenbrock has one minimum, at (1, 1). Near it the valley is narrower than the mesh, and
    # picking every other grid point hit its floor at random depths: 36 pits along the floor.
    open_lab(page, live_server, "?f=rosenbrock&view=surface")
    land = page.evaluate(LAND)
    assert land["log"] is True
    assert len(land["mx"]) < len(land["x"])  # the mesh is coarser than the contour's grid
    pits = _pits(land["mesh"])
    assert len(pits) <= 1
    # The surface's lowest vertex is the minimum's, within one mesh cell.
    low = min((v, j, i) for j, row in enumerate(land["mesh"]) for i, v in enumerate(row))
    cell = land["mx"][1] - land["mx"][0]
    assert math.dist((land["mx"][low[2]], land["my"][low[1]]), (1.0, 1.0)) <= 1.5 * cell
    # Never above the fine grid at its own point, so paths drawn at their true loss stay on top.
    fine = {
        (y, x): land["rows"][j][i] for j, y in enumerate(land["y"]) for i, x in enumerate(land["x"])
    }
    for j, y in enumerate(land["my"]):
        for i, x in enumerate(land["mx"]):
            assert land["mesh"][j][i] <= fine[(y, x)]


def test_a_bumpy_surface_in_linear_scale_keeps_its_peaks(page, live_server):
    # Rastrigin's bumps are wider than the mesh: its vertices are the grid's own values.
    open_lab(page, live_server, "?f=rastrigin&view=surface")
    land = page.evaluate(LAND)
    assert land["log"] is False
    fine = {
        (y, x): land["rows"][j][i] for j, y in enumerate(land["y"]) for i, x in enumerate(land["x"])
    }
    picked = [[fine[(y, x)] for x in land["mx"]] for y in land["my"]]
    assert land["mesh"] == picked
    assert max(map(max, land["mesh"])) > 75  # the corner peaks, x = y = ±4.5: f = 80.5


def test_the_regression_landscape_in_3d_is_drawn_before_any_run(page, live_server):
    # The toggle asked the race's animation loop to draw, and before a first run there was no
    # loop: the panel stayed empty until Play.
    watch = open_regression(page, live_server)
    assert page.evaluate("() => window.__lereng.step") == 0
    page.click("#land-toggle button[data-land='3d']")
    page.wait_for_function(
        "() => { const d = document.getElementById('land-3d');"
        " return d.data && d.data[0].type === 'surface' && d.querySelector('canvas') !== null; }",
        timeout=10_000,
    )
    assert page.evaluate("() => window.__lereng.step") == 0  # drawn without starting a run
    assert_clean(page, watch)


def test_a_plot_control_before_any_data_leaves_no_busy_animation_loop(page, live_server):
    # A CSV problem waits for its file: no data, no landscape. Toggling the 3D view there must
    # not keep the animation loop asking the plots to draw every frame for ever.
    open_regression(page, live_server, "csv")
    page.evaluate("() => document.querySelector(\"#land-toggle button[data-land='3d']\").click()")
    page.wait_for_timeout(300)
    flushes = page.evaluate(
        """() => new Promise((done) => {
          const plots = window.__lereng.plots;
          const flush = plots.flush.bind(plots);
          let n = 0;
          plots.flush = (...args) => { n += 1; return flush(...args); };
          setTimeout(() => done(n), 1000);
        })"""
    )
    assert flushes <= 2
