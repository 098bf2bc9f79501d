"""The Surface record and SurfaceProblem, the loss and gradients a run minimises on a surface."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.engine import Tensor

Domain = tuple[tuple[float, float], tuple[float, float]]
Point = tuple[float, float]
SurfaceFn = Callable[[Tensor, Tensor], Tensor]


@dataclass(frozen=True)
class Surface:
    """One test function: how to compute it, how to show it, and where its minima are.

    `formula` is for people (Unicode superscripts); `expression` is the same function in the
    syntax of app.problems.expression, so a student can paste and edit it. `fn(x, y)` works
    elementwise on Tensors of any one shape: (P,) particles or (ny, nx) grids.
    """

    id: str
    name: str
    formula: str
    expression: str
    domain: Domain
    start: Point
    minima: list[Point]
    min_value: float | None
    log_scale: bool
    fn: SurfaceFn = field(repr=False, compare=False)
    note: str = ""
    reference: str = ""


class SurfaceProblem:
    """What a run minimises on a surface: f of each particle's (x, y), with its gradient.

    Accepts a Surface, a parsed Expression (anything with `.fn`), or a bare fn(x, y).
    """

    dim = 2

    def __init__(self, surface: Any) -> None:
        self.fn: SurfaceFn = getattr(surface, "fn", surface)

    def loss(self, params: Tensor) -> Tensor:
        """f at each row of params (shape (P, 2)), as a Tensor of shape (P,)."""
        out = self.fn(params[:, 0], params[:, 1])
        return _like(out, params.shape[:1])

    def value_and_grad(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values (P,) and gradients (P, 2), float64, for every particle in one backward."""
        pts = np.asarray(points, dtype=np.float64)
        # Two leaves rather than one (P, 2) leaf and two indexing ops: indexing adds two nodes
        # whose backward scatters into a zero array, a third of Rosenbrock's graph.
        x, y = Tensor._leaf(pts[:, 0]), Tensor._leaf(pts[:, 1])  # views: the graph is ours
        x.requires_grad = y.requires_grad = True
        out = _like(self.fn(x, y), x.shape)
        grads = np.zeros(pts.shape)
        if out.requires_grad:
            # Backward of the sum, seeded with ones directly: particles share no terms, so
            # each particle's gradient is its own.
            out.backward(np.ones(out.shape))
            if x.grad is not None:
                grads[:, 0] = x.grad
            if y.grad is not None:
                grads[:, 1] = y.grad
        return np.array(out.data, dtype=np.float64), grads


def _like(out: Any, shape: tuple[int, ...]) -> Tensor:
    """out as a Tensor of `shape`: constants and partial broadcasts are stretched to it."""
    if not isinstance(out, Tensor):
        out = Tensor(out)
    if out.shape != shape:
        out = out + np.zeros(shape)
    return out
