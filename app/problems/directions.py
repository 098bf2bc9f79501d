"""Two directions through a network's parameter space, and the loss on the plane they span.

After Li, Xu, Taylor, Studer and Goldstein (2018), "Visualizing the Loss Landscape of Neural
Nets": random directions are filter-normalised (each neuron's incoming weight vector, its
"filter", is scaled to the norm of the same filter in theta, so the plot does not depend on the
network's scale), with the bias entries set to zero as the paper does; or the top two principal
components of a trajectory's offsets from its final point, which is where the path moves most.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

# Grid points per call of the loss: the loss chunks them itself; this bounds the (k, D) array.
BAND = 1024


def filter_normalised(
    theta: np.ndarray, slots: Sequence[Any], rng: np.random.Generator
) -> np.ndarray:
    """A Gaussian direction with every filter scaled to theta's matching filter; biases zero.

    `slots` describe the flat layout (app/problems/networks.Slot): weights (in, out) whose
    column j is neuron j's filter.
    """
    theta = np.asarray(theta, dtype=np.float64)
    d = np.zeros_like(theta)
    for s in slots:
        if s.kind != "weight":
            continue
        sl = slice(s.offset, s.offset + s.size)
        w = theta[sl].reshape(s.shape)
        r = rng.standard_normal(s.shape)
        rn = np.linalg.norm(r, axis=0)
        wn = np.linalg.norm(w, axis=0)
        # A filter of theta that is all zeros gets a zero direction (nothing to scale to).
        d[sl] = (r * (wn / np.where(rn > 0, rn, 1.0))).ravel()
    return d


def random_directions(
    theta: np.ndarray, slots: Sequence[Any], seed: int
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return filter_normalised(theta, slots, rng), filter_normalised(theta, slots, rng)


def pca_directions(
    trajectory: np.ndarray, center: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top two principal directions (unit, orthogonal) of trajectory - center, and the share of
    the offsets' variance (sum of squares about the center) each explains."""
    m = np.asarray(trajectory, dtype=np.float64) - np.asarray(center, dtype=np.float64)
    _, s, vt = np.linalg.svd(m, full_matrices=False)
    total = float((s * s).sum())
    explained = (s[:2] ** 2 / total) if total > 0 else np.zeros(2)
    if vt.shape[0] < 2:
        raise ValueError("PCA needs a trajectory of at least two points")
    d1, d2 = vt[0].copy(), vt[1].copy()
    # Sign convention: the path's start has positive coordinates, so plots read left to right.
    for d in (d1, d2):
        if m[0] @ d < 0:
            d *= -1
    return d1, d2, np.pad(explained, (0, 2 - explained.size))


def project(
    trajectory: np.ndarray, center: np.ndarray, d1: np.ndarray, d2: np.ndarray
) -> np.ndarray:
    """(a, b) of each point: least squares in the plane center + a d1 + b d2 (exact for
    orthonormal directions: the dot products)."""
    m = np.asarray(trajectory, dtype=np.float64) - center
    basis = np.stack([d1, d2], axis=1)
    coef, *_ = np.linalg.lstsq(basis, m.T, rcond=None)
    return coef.T


def plane_losses(
    loss: Callable[[np.ndarray], np.ndarray],
    center: np.ndarray,
    d1: np.ndarray,
    d2: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
) -> np.ndarray:
    """loss(center + a_j d1 + b_i d2) for every b_i (rows) and a_j (columns), vectorised:
    `loss` takes particles (K, D) and returns (K,)."""
    aa, bb = np.meshgrid(a, b)
    coeffs = np.stack([aa.ravel(), bb.ravel()], axis=1)
    out = np.empty(len(coeffs))
    basis = np.stack([d1, d2])
    for s in range(0, len(coeffs), BAND):
        pts = center + coeffs[s : s + BAND] @ basis
        out[s : s + BAND] = loss(pts)
    return out.reshape(len(b), len(a))
