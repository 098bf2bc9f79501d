"""Catalog of classic 2-D test functions: SURFACES by id, with Surface and SurfaceProblem."""

from __future__ import annotations

import math

from app.problems.surface_functions import (
    PI,
    _ackley,
    _beale,
    _booth,
    _easom,
    _elongated,
    _goldstein_price,
    _himmelblau,
    _levi13,
    _matyas,
    _plateau,
    _quadratic,
    _rastrigin,
    _rosenbrock,
    _saddle,
    _six_hump_camel,
    _styblinski_tang,
    _three_hump_camel,
)
from app.problems.surface_problem import Surface, SurfaceProblem

__all__ = ["SURFACES", "Surface", "SurfaceProblem"]

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
