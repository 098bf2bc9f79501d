"""Landscape directions (Li et al. 2018): filter normalisation, PCA, projection, the loss plane."""

from __future__ import annotations

import numpy as np
import pytest

from app.problems.directions import (
    filter_normalised,
    pca_directions,
    plane_losses,
    project,
    random_directions,
)
from app.problems.net_datasets import generate
from app.problems.networks import NetworkProblem
from app.racers import make_racers
from app.runs import Run


@pytest.fixture(scope="module")
def trained():
    p = NetworkProblem(generate("moons", 200, 0.1, 0.3, 2), ["x1", "x2"], [6, 5], "tanh")
    run = Run(p, make_racers([{"name": "adam", "lr": 0.05}]), p.initial_point(2), 60)
    recs = list(run.records())
    return p, np.stack([r.points[0] for r in recs]), np.array([r.losses[0] for r in recs])


def test_filter_normalisation_matches_each_filter_and_zeroes_biases(trained):
    p, path, _ = trained
    theta = path[-1]
    d = filter_normalised(theta, p.slots, np.random.default_rng(0))
    for s in p.slots:
        part = d[s.offset : s.offset + s.size]
        if s.kind == "bias":
            assert (part == 0).all()
            continue
        # Column j of W (in, out) is neuron j's incoming weights: its filter.
        dn = np.linalg.norm(part.reshape(s.shape), axis=0)
        wn = np.linalg.norm(theta[s.offset : s.offset + s.size].reshape(s.shape), axis=0)
        np.testing.assert_allclose(dn, wn, rtol=1e-12)
    a1, b1 = random_directions(theta, p.slots, seed=3)
    a2, b2 = random_directions(theta, p.slots, seed=3)
    np.testing.assert_array_equal(a1, a2)
    assert not np.allclose(a1, b1)


def test_pca_directions_are_orthonormal_and_explain_the_variance(trained):
    _, path, _ = trained
    center = path[-1]
    d1, d2, explained = pca_directions(path, center)
    assert d1 @ d1 == pytest.approx(1) and d2 @ d2 == pytest.approx(1)
    assert abs(d1 @ d2) < 1e-12
    # Independent reference: eigen-decomposition of the offsets' scatter matrix.
    m = path - center
    vals, vecs = np.linalg.eigh(m.T @ m)
    np.testing.assert_allclose(explained, vals[::-1][:2] / vals.sum(), rtol=1e-8)
    assert abs(abs(d1 @ vecs[:, -1]) - 1) < 1e-8 and abs(abs(d2 @ vecs[:, -2]) - 1) < 1e-8


def test_projected_trajectory_ends_at_the_origin_when_centred_on_its_end(trained):
    _, path, _ = trained
    d1, d2, _ = pca_directions(path, path[-1])
    xy = project(path, path[-1], d1, d2)
    np.testing.assert_allclose(xy[-1], [0, 0], atol=1e-12)
    # Points in the plane come back with their coefficients, for non-orthogonal directions too.
    r1, r2 = np.random.default_rng(1).normal(size=(2, path.shape[1]))
    pts = path[-1] + np.array([[0.5, -2.0], [3.0, 1.0]]) @ np.stack([r1, r2])
    np.testing.assert_allclose(project(pts, path[-1], r1, r2), [[0.5, -2.0], [3.0, 1.0]])


def test_plane_at_the_origin_is_the_current_loss_and_matches_a_loop(trained):
    p, path, losses = trained
    center = path[30]
    d1, d2 = random_directions(center, p.slots, seed=0)
    a = np.linspace(-1, 1, 9)  # 0 is the middle point
    z64 = plane_losses(p.values, center, d1, d2, a, a)
    assert z64[4, 4] == pytest.approx(losses[30], rel=1e-12)
    loop = np.array([[p.values((center + x * d1 + y * d2)[None])[0] for x in a] for y in a])
    np.testing.assert_allclose(z64, loop, rtol=1e-12)
    z32 = plane_losses(lambda q: p.values(q, np.float32), center, d1, d2, a, a)
    np.testing.assert_allclose(z32, z64, rtol=1e-5)
    band = plane_losses(p.values, center, d1, d2, a, a[2:5])
    np.testing.assert_allclose(band, z64[2:5], rtol=1e-12)
