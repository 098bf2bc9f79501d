"""Catalog of classic 2-D test functions, built from engine ops, and the problem a run minimises."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.engine import Tensor
from app.engine import functional as F

__all__ = ["SURFACES", "Surface", "SurfaceProblem"]

Domain = tuple[tuple[float, float], tuple[float, float]]
Point = tuple[float, float]
SurfaceFn = Callable[[Tensor, Tensor], Tensor]

PI = math.pi


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


# Each function below is written for the fewest engine ops: the run calls one of them per step
# for every racer at once, so graph size is the per-step cost. x * x is one mul with a cheap
# backward, where x ** 2 goes through the general power rule.


def _quadratic(x: Tensor, y: Tensor) -> Tensor:
    return x * x + y * y


def _elongated(x: Tensor, y: Tensor) -> Tensor:
    return 0.1 * (x * x) + 2 * (y * y)


def _rosenbrock(x: Tensor, y: Tensor) -> Tensor:
    a = 1 - x
    b = y - x * x
    return a * a + 100 * (b * b)


def _beale(x: Tensor, y: Tensor) -> Tensor:
    xy = x * y
    xy2 = xy * y
    a = 1.5 - x + xy
    b = 2.25 - x + xy2
    c = 2.625 - x + xy2 * y
    return a * a + b * b + c * c


def _himmelblau(x: Tensor, y: Tensor) -> Tensor:
    a = x * x + y - 11
    b = x + y * y - 7
    return a * a + b * b


def _booth(x: Tensor, y: Tensor) -> Tensor:
    a = x + 2 * y - 7
    b = 2 * x + y - 5
    return a * a + b * b


def _matyas(x: Tensor, y: Tensor) -> Tensor:
    return 0.26 * (x * x + y * y) - 0.48 * (x * y)


def _three_hump_camel(x: Tensor, y: Tensor) -> Tensor:
    x2 = x * x
    # 2x² − 1.05x⁴ + x⁶/6 in Horner form: x²(2 − 1.05x² + x⁴/6)
    return x2 * (2 + x2 * (x2 / 6 - 1.05)) + x * y + y * y


def _six_hump_camel(x: Tensor, y: Tensor) -> Tensor:
    x2, y2 = x * x, y * y
    return (4 - 2.1 * x2 + x2 * x2 / 3) * x2 + x * y + (4 * y2 - 4) * y2


def _rastrigin(x: Tensor, y: Tensor) -> Tensor:
    return 20 + x * x - 10 * F.cos(2 * PI * x) + y * y - 10 * F.cos(2 * PI * y)


def _ackley(x: Tensor, y: Tensor) -> Tensor:
    r2 = 0.5 * (x * x + y * y)
    # sqrt has an infinite slope at 0 (the cone's tip), and inf * 0 = NaN in backward. Take
    # the square root only where r2 > 0 and use the subgradient 0 at the tip: the values are
    # the classic Ackley everywhere, and the gradient is defined everywhere.
    pos = r2.data > 0
    r = F.where(pos, F.sqrt(F.where(pos, r2, 1.0)), 0.0)
    waves = F.exp(0.5 * (F.cos(2 * PI * x) + F.cos(2 * PI * y)))
    return -20 * F.exp(-0.2 * r) - waves + (math.e + 20)


def _goldstein_price(x: Tensor, y: Tensor) -> Tensor:
    s = x + y + 1
    d = 2 * x - 3 * y
    xx, xy, yy = x * x, x * y, y * y
    a = 1 + s * s * (19 - 14 * x + 3 * xx - 14 * y + 6 * xy + 3 * yy)
    b = 30 + d * d * (18 - 32 * x + 12 * xx + 48 * y - 36 * xy + 27 * yy)
    return a * b


def _levi13(x: Tensor, y: Tensor) -> Tensor:
    s1 = F.sin(3 * PI * x)
    s2 = F.sin(3 * PI * y)
    s3 = F.sin(2 * PI * y)
    a, b = x - 1, y - 1
    return s1 * s1 + a * a * (1 + s2 * s2) + b * b * (1 + s3 * s3)


def _styblinski_tang(x: Tensor, y: Tensor) -> Tensor:
    x2, y2 = x * x, y * y
    return 0.5 * (x2 * x2 - 16 * x2 + 5 * x + y2 * y2 - 16 * y2 + 5 * y)


def _saddle(x: Tensor, y: Tensor) -> Tensor:
    return x * x - y * y


def _plateau(x: Tensor, y: Tensor) -> Tensor:
    r2 = x * x + y * y
    return F.sigmoid(4 * (r2 - 4)) + 0.1 * r2 / (1 + r2)


def _easom(x: Tensor, y: Tensor) -> Tensor:
    a, b = x - PI, y - PI
    return -(F.cos(x) * F.cos(y)) * F.exp(-(a * a + b * b))


_SB = "Surjanovic & Bingham, Virtual Library of Simulation Experiments (sfu.ca/~ssurjano)"
_WIKI = "Wikipedia, Test functions for optimization"

_CATALOG = [
    Surface(
        id="quadratic",
        name="Quadratic bowl",
        formula="x² + y²",
        expression="x^2 + y^2",
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        start=(-2.5, 2.0),
        minima=[(0.0, 0.0)],
        min_value=0.0,
        log_scale=False,
        fn=_quadratic,
        note="The friendliest surface: round contours, every gradient points at the minimum.",
        reference="sphere function, " + _SB,
    ),
    Surface(
        id="elongated",
        name="Elongated bowl",
        formula="0.1 x² + 2 y²",
        expression="0.1*x^2 + 2*y^2",
        domain=((-5.0, 5.0), (-3.0, 3.0)),
        start=(-4.5, 2.0),
        minima=[(0.0, 0.0)],
        min_value=0.0,
        log_scale=False,
        fn=_elongated,
        note=(
            "Ill-conditioned: curvature 4 across the valley, 0.2 along it (condition number "
            "20). Plain gradient descent zig-zags across y for learning rates between 0.25 and "
            "0.5 (1/4 < lr < 2/4) while creeping along x; momentum and Adam cure it."
        ),
        reference="ill-conditioned quadratic (textbook example)",
    ),
    Surface(
        id="rosenbrock",
        name="Rosenbrock",
        formula="(1 − x)² + 100 (y − x²)²",
        expression="(1 - x)^2 + 100*(y - x^2)^2",
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        start=(-1.2, 1.0),
        minima=[(1.0, 1.0)],
        min_value=0.0,
        log_scale=True,
        fn=_rosenbrock,
        note=(
            "A long, curved, flat-bottomed valley: finding the valley is easy, following it to "
            "(1, 1) is hard. (-1.2, 1) is Rosenbrock's own 1960 start."
        ),
        reference=_SB,
    ),
    Surface(
        id="beale",
        name="Beale",
        formula="(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        expression="(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        start=(1.0, 1.5),
        minima=[(3.0, 0.5)],
        min_value=0.0,
        log_scale=True,
        fn=_beale,
        note="Flat near the middle, walls of height 10⁵ at the corners: gradients span decades.",
        reference=_SB,
    ),
    Surface(
        id="himmelblau",
        name="Himmelblau",
        formula="(x² + y − 11)² + (x + y² − 7)²",
        expression="(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        start=(-1.0, 0.0),
        # Four equal global minima. The literature gives six decimals; these are refined by
        # Newton's method (30 digits) so the gradient there vanishes to rounding.
        minima=[
            (3.0, 2.0),
            (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.283185991286169),
            (3.584428340330492, -1.848126526964404),
        ],
        min_value=0.0,
        log_scale=True,
        fn=_himmelblau,
        note="Four minima of equal depth: which one an optimizer finds depends on its path.",
        reference=_WIKI,
    ),
    Surface(
        id="booth",
        name="Booth",
        formula="(x + 2y − 7)² + (2x + y − 5)²",
        expression="(x + 2*y - 7)^2 + (2*x + y - 5)^2",
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        start=(-8.0, 8.0),
        minima=[(1.0, 3.0)],
        min_value=0.0,
        log_scale=True,
        fn=_booth,
        note="A tilted quadratic: elliptic contours not aligned with the axes.",
        reference=_SB,
    ),
    Surface(
        id="matyas",
        name="Matyas",
        formula="0.26 (x² + y²) − 0.48 xy",
        expression="0.26*(x^2 + y^2) - 0.48*x*y",
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        start=(-8.0, 6.0),
        minima=[(0.0, 0.0)],
        min_value=0.0,
        log_scale=False,
        fn=_matyas,
        note="A nearly flat diagonal valley (curvatures 1.0 and 0.04): slow going along x = y.",
        reference=_SB,
    ),
    Surface(
        id="three_hump_camel",
        name="Three-hump camel",
        formula="2x² − 1.05x⁴ + x⁶/6 + xy + y²",
        expression="2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(0.8, 1.6),
        minima=[(0.0, 0.0)],
        min_value=0.0,
        log_scale=False,
        fn=_three_hump_camel,
        note="One global minimum and two local ones near (±1.75, ∓0.87) that trap racers nearby.",
        reference=_SB + " (plotted on [-2, 2]², the region with the humps)",
    ),
    Surface(
        id="six_hump_camel",
        name="Six-hump camel",
        formula="(4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²",
        expression="(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
        domain=((-2.0, 2.0), (-1.0, 1.0)),
        start=(0.8, 0.8),
        # Literature: (±0.0898, ∓0.7126); refined by Newton's method.
        minima=[
            (0.08984201310031806, -0.7126564030207396),
            (-0.08984201310031806, 0.7126564030207396),
        ],
        min_value=-1.0316284534898774,
        log_scale=False,
        fn=_six_hump_camel,
        note="Two global minima and four local ones.",
        reference=_SB + " (plotted on its usual close-up x ∈ [-2, 2], y ∈ [-1, 1])",
    ),
    Surface(
        id="rastrigin",
        name="Rastrigin",
        formula="20 + x² − 10 cos(2πx) + y² − 10 cos(2πy)",
        expression="20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        start=(-4.5, 4.0),
        minima=[(0.0, 0.0)],
        min_value=0.0,
        log_scale=False,
        fn=_rastrigin,
        note="A bowl covered in regularly spaced local minima: local methods stop in the nearest.",
        reference=_SB,
    ),
    Surface(
        id="ackley",
        name="Ackley",
        formula="−20 exp(−0.2 √(0.5 (x² + y²))) − exp(0.5 (cos 2πx + cos 2πy)) + e + 20",
        expression=(
            "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20"
        ),
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        start=(-4.0, 3.5),
        minima=[(0.0, 0.0)],
        min_value=0.0,
        log_scale=False,
        fn=_ackley,
        note=(
            "A nearly flat, bumpy outer region around a deep funnel. The minimum is the tip of a "
            "cone where no gradient exists; the engine uses the subgradient 0 there."
        ),
        reference=_WIKI,
    ),
    Surface(
        id="goldstein_price",
        name="Goldstein–Price",
        formula=(
            "[1 + (x + y + 1)² (19 − 14x + 3x² − 14y + 6xy + 3y²)] × "
            "[30 + (2x − 3y)² (18 − 32x + 12x² + 48y − 36xy + 27y²)]"
        ),
        expression=(
            "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
            "*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))"
        ),
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(1.6, -0.8),
        minima=[(0.0, -1.0)],
        min_value=3.0,
        log_scale=True,
        fn=_goldstein_price,
        note="Values from 3 to about 10⁶ with several local minima: plot it in log scale.",
        reference=_SB,
    ),
    Surface(
        id="levi13",
        name="Lévi N.13",
        formula="sin²(3πx) + (x − 1)² (1 + sin²(3πy)) + (y − 1)² (1 + sin²(2πy))",
        expression=(
            "sin(3*pi*x)^2 + (x - 1)^2*(1 + sin(3*pi*y)^2) + (y - 1)^2*(1 + sin(2*pi*y)^2)"
        ),
        domain=((-4.0, 6.0), (-4.0, 6.0)),
        start=(-3.0, 5.0),
        minima=[(1.0, 1.0)],
        min_value=0.0,
        log_scale=False,
        fn=_levi13,
        note="Ripples on a bowl: many local minima along the way to (1, 1).",
        reference=_SB + " (plotted on [-4, 6]² around the minimum)",
    ),
    Surface(
        id="styblinski_tang",
        name="Styblinski–Tang",
        formula="½ (x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)",
        expression="0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        start=(0.0, 4.5),
        # Literature: x = y = -2.903534, f = -39.16617 per dimension; refined by Newton's
        # method on 2x³ − 16x + 2.5 = 0.
        minima=[(-2.903534027771177, -2.903534027771177)],
        min_value=-78.33233140754283,
        log_scale=False,
        fn=_styblinski_tang,
        note="Four basins; only the one at (−2.90, −2.90) is global, the others are local.",
        reference=_WIKI,
    ),
    Surface(
        id="saddle",
        name="Saddle",
        formula="x² − y²",
        expression="x^2 - y^2",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(-1.8, 0.02),
        minima=[],
        min_value=None,
        log_scale=False,
        fn=_saddle,
        note=(
            "No minimum: f falls without bound along y. The origin is a saddle point where the "
            "gradient vanishes; starting near the x axis, optimizers slow down next to it "
            "before escaping along y, and sooner or later every racer leaves the plot."
        ),
        reference="hyperbolic paraboloid (textbook example)",
    ),
    Surface(
        id="plateau",
        name="Plateau with a cliff",
        formula="σ(4 (x² + y² − 4)) + 0.1 (x² + y²) / (1 + x² + y²),  σ(t) = 1 / (1 + e⁻ᵗ)",
        expression="sigmoid(4*(x^2 + y^2 - 4)) + 0.1*(x^2 + y^2)/(1 + x^2 + y^2)",
        domain=((-4.0, 4.0), (-4.0, 4.0)),
        start=(-3.0, 2.5),
        minima=[(0.0, 0.0)],
        # Both terms increase with r² = x² + y², so the unique minimum is at r = 0, where
        # f = σ(−16) + 0 = 1 / (1 + e¹⁶).
        min_value=1 / (1 + math.exp(16)),
        log_scale=False,
        fn=_plateau,
        note=(
            "A smooth mesa: outside the circle r = 2 the surface is a plateau near 1.1 whose "
            "slope is only a few thousandths, then a sigmoid cliff drops by 1 over about half a "
            "unit into a shallow bowl with its minimum at the origin. Plain gradient descent "
            "crawls on the plateau; momentum and adaptive methods cross it."
        ),
        reference="designed for Lereng",
    ),
    Surface(
        id="easom",
        name="Easom",
        formula="−cos x cos y exp(−((x − π)² + (y − π)²))",
        expression="-cos(x)*cos(y)*exp(-((x - pi)^2 + (y - pi)^2))",
        domain=((-1.0, 7.0), (-1.0, 7.0)),
        start=(1.8, 2.4),
        minima=[(PI, PI)],
        min_value=-1.0,
        log_scale=False,
        fn=_easom,
        note="A needle in a haystack: flat almost everywhere, one narrow well at (π, π).",
        reference=_SB + " (plotted on [-1, 7]² around the well)",
    ),
]

SURFACES: dict[str, Surface] = {s.id: s for s in _CATALOG}


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
