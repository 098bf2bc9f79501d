"""Landscape grids: values match f pointwise, gaps are NaN and counted, contour levels fit."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine import Tensor
from app.problems.expression import parse_formula
from app.problems.landscape import MAX_GRID, contour_levels, spans_decades, surface_grid
from app.problems.surfaces import SURFACES


@pytest.mark.parametrize("sid", list(SURFACES))
def test_grid_values_are_f_at_the_grid_points(sid: str, rng: np.random.Generator) -> None:
    s = SURFACES[sid]
    n = 57  # odd, and more than one chunk of rows at this size would need: fine either way
    g = surface_grid(s.fn, s.domain, n)
    assert g["x"].shape == g["y"].shape == (n,) and g["x"].dtype == np.float64
    assert g["z"].shape == (n, n) and g["z"].dtype == np.float32
    assert g["x"][0] == s.domain[0][0] and g["x"][-1] == s.domain[0][1]
    assert g["y"][0] == s.domain[1][0] and g["y"][-1] == s.domain[1][1]
    for i, j in rng.integers(0, n, (10, 2)):
        direct = s.fn(Tensor([g["x"][j]]), Tensor([g["y"][i]])).data[0]
        assert g["z"][i, j] == np.float32(direct)
    assert g["nonfinite"] == 0
    assert g["zmin"] == float(g["z"].min()) and g["zmax"] == float(g["z"].max())


def test_large_grid_spans_chunks_exactly() -> None:
    s = SURFACES["rosenbrock"]
    g = surface_grid(s.fn, s.domain, MAX_GRID)
    gx, gy = np.meshgrid(g["x"], g["y"])
    expected = (1 - gx) ** 2 + 100 * (gy - gx**2) ** 2
    np.testing.assert_array_equal(g["z"], expected.astype(np.float32))


@pytest.mark.parametrize("n", [MAX_GRID + 1, 1, 0, -5, 2.5, True, "10"])
def test_bad_sizes_are_refused(n) -> None:
    with pytest.raises(ValueError, match="grid size"):
        surface_grid(SURFACES["quadratic"].fn, ((-1, 1), (-1, 1)), n)


def test_nonfinite_values_become_nan_and_are_counted() -> None:
    expr = parse_formula("log(x) + y")
    g = surface_grid(expr.fn, ((-1.0, 1.0), (0.0, 1.0)), 5)  # x = -1, -0.5, 0, 0.5, 1
    z = g["z"]
    assert g["nonfinite"] == 15  # x < 0 gives nan, x = 0 gives -inf: three columns
    assert np.isnan(z[:, :3]).all() and np.isfinite(z[:, 3:]).all()
    assert g["zmin"] == pytest.approx(np.log(0.5)) and g["zmax"] == pytest.approx(1.0)


def test_float32_overflow_counts_as_nonfinite() -> None:
    g = surface_grid(parse_formula("exp(x)").fn, ((0.0, 160.0), (0.0, 1.0)), 3)
    assert g["nonfinite"] == 3  # e^160 is finite in float64 but beyond float32 (3.4e38)
    assert np.isnan(g["z"][:, 2]).all() and g["zmax"] == pytest.approx(np.exp(80), rel=1e-6)


def test_all_nonfinite_grid_has_no_range() -> None:
    g = surface_grid(parse_formula("log(-1 - x^2)").fn, ((-1.0, 1.0), (-1.0, 1.0)), 4)
    assert g["nonfinite"] == 16 and g["zmin"] is None and g["zmax"] is None
    assert contour_levels(g["z"]) == []


def test_constant_expression_fills_the_grid() -> None:
    g = surface_grid(parse_formula("2").fn, ((-1.0, 1.0), (-1.0, 1.0)), 6)
    assert (g["z"] == 2).all()
    assert contour_levels(g["z"]) == [2.0]


def test_rosenbrock_levels_are_log_spaced_over_decades() -> None:
    s = SURFACES["rosenbrock"]
    z = surface_grid(s.fn, s.domain, 200)["z"]
    assert spans_decades(z)
    levels = np.array(contour_levels(z, count=20))  # auto-detected
    assert len(levels) == 20 and (np.diff(levels) > 0).all()
    zmin = float(z.min())
    steps = levels - zmin
    assert (steps > 0).all() and steps[-1] / steps[0] > 1e3
    ratios = steps[1:] / steps[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-4)  # geometric above the minimum
    assert levels[-1] < float(z.max())
    assert contour_levels(z, count=20, log=True) == levels.tolist()


def test_linear_levels_are_evenly_spaced_inside_the_range() -> None:
    s = SURFACES["quadratic"]
    z = surface_grid(s.fn, s.domain, 101)["z"]
    assert not spans_decades(z)
    levels = np.array(contour_levels(z, count=10))
    assert len(levels) == 10 and levels[0] > z.min() and levels[-1] < z.max()
    np.testing.assert_allclose(np.diff(levels), np.diff(levels)[0], rtol=1e-9)
    assert contour_levels(z, count=10, log=False) == levels.tolist()


@pytest.mark.parametrize("sid", list(SURFACES))
def test_catalog_log_flag_and_auto_detection(sid: str) -> None:
    # Surfaces drawn linearly must not look log-worthy to auto-detection; the catalog may
    # still choose log for a surface below the threshold (Himmelblau, Booth) for its looks.
    s = SURFACES[sid]
    z = surface_grid(s.fn, s.domain, 150)["z"]
    if not s.log_scale:
        assert not spans_decades(z)
    levels = contour_levels(z, log=s.log_scale)
    assert len(levels) == 20 and all(np.diff(levels) > 0)
    assert min(levels) > float(np.nanmin(z)) and max(levels) < float(np.nanmax(z))


def test_levels_ignore_nan_gaps() -> None:
    z = np.array([[np.nan, 1.0], [2.0, np.inf]], dtype=np.float32)
    levels = contour_levels(z, count=3, log=False)
    assert levels == pytest.approx([1.25, 1.5, 1.75])
