"""The catalog's test functions f(x, y), each built from engine ops."""

from __future__ import annotations

import math

from app.engine import Tensor
from app.engine import functional as F

PI = math.pi

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
