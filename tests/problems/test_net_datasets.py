"""The network lab's datasets: shapes, seeds, splits, each generator's geometry, and CSV data."""

from __future__ import annotations

import numpy as np
import pytest

from app.problems.datasets import CsvError
from app.problems.net_datasets import GENERATORS, from_csv, generate

CLASSIFICATION = [k for k, v in GENERATORS.items() if v[1] != "regression"]


def _all(d):
    return np.concatenate([d.train.x, d.test.x]), np.concatenate([d.train.y, d.test.y])


@pytest.mark.parametrize("name", list(GENERATORS))
def test_shapes_split_and_seed(name):
    d = generate(name, 200, 0.1, 0.25, seed=3)
    assert d.train.x.shape == (150, 2) and d.test.x.shape == (50, 2)
    assert d.train.y.shape == (150,) and d.test.y.shape == (50,)
    again = generate(name, 200, 0.1, 0.25, seed=3)
    np.testing.assert_array_equal(d.train.x, again.train.x)
    np.testing.assert_array_equal(d.test.y, again.test.y)
    other = generate(name, 200, 0.1, 0.25, seed=4)
    assert not np.array_equal(d.train.x, other.train.x)
    x, _ = _all(d)
    (a0, a1), (b0, b1) = d.domain
    assert a0 < x[:, 0].min() and x[:, 0].max() < a1 and b0 < x[:, 1].min() and x[:, 1].max() < b1
    assert d.kind == GENERATORS[name][1] and d.classes == GENERATORS[name][2]


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classes_are_balanced_integers(name):
    d = generate(name, 300, 0.1, 0.3, seed=0)
    _, y = _all(d)
    assert y.dtype.kind == "i"
    counts = np.bincount(y)
    assert len(counts) == d.classes and counts.min() == counts.max() == 300 // d.classes


def test_split_keeps_points_and_changes_with_fraction():
    a = generate("moons", 100, 0.1, 0.3, seed=1)
    b = generate("moons", 100, 0.1, 0.5, seed=1)
    xa, xb = _all(a)[0], _all(b)[0]
    # The same points, only divided differently.
    np.testing.assert_allclose(np.sort(xa, axis=0), np.sort(xb, axis=0))
    assert len(b.test.y) == 50


def test_circle_geometry_without_noise():
    x, y = _all(generate("circle", 400, 0.0, 0.3, 2))
    r = np.hypot(x[:, 0], x[:, 1])
    assert r[y == 1].max() <= 1.2 and r[y == 0].min() >= 1.8 and r[y == 0].max() <= 2.8


def test_xor_labels_follow_signs():
    x, y = _all(generate("xor", 400, 0.0, 0.3, 2))
    np.testing.assert_array_equal(y, (np.sign(x[:, 0]) == np.sign(x[:, 1])).astype(int))
    assert np.abs(x).min() >= 0.3


def test_gaussians_and_blobs_centres():
    x, y = _all(generate("gaussians", 4000, 0.0, 0.3, 2))
    np.testing.assert_allclose(x[y == 1].mean(axis=0), [1.5, 1.5], atol=0.05)
    np.testing.assert_allclose(x[y == 0].std(axis=0), [0.6, 0.6], atol=0.03)
    x, y = _all(generate("blobs3", 3000, 0.0, 0.3, 2))
    for k in range(3):
        a = np.pi / 2 + 2 * np.pi * k / 3
        np.testing.assert_allclose(
            x[y == k].mean(axis=0), [2 * np.cos(a), 2 * np.sin(a)], atol=0.06
        )


@pytest.mark.parametrize("name, arms", [("spiral", 2), ("spiral3", 3)])
def test_spiral_points_lie_on_their_arm(name, arms):
    x, y = _all(generate(name, 300, 0.0, 0.3, 5))
    r = np.hypot(x[:, 0], x[:, 1])
    assert r.min() >= 0.2 and r.max() <= 3.0
    # Invert r = 0.2 + 2.8 s, angle = 3.5 pi s + 2 pi k / arms: the angle must match mod 2 pi.
    s = (r - 0.2) / 2.8
    expected = 3.5 * np.pi * s + 2 * np.pi * y / arms
    diff = np.angle(np.exp(1j * (np.arctan2(x[:, 1], x[:, 0]) - expected)))
    np.testing.assert_allclose(diff, 0, atol=1e-9)


def test_moons_match_the_half_circle_formula():
    x, y = _all(generate("moons", 300, 0.0, 0.3, 5))
    u = x / 1.6 + [0.5, 0.25]
    upper = u[y == 0]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-12)
    lower = u[y == 1]
    np.testing.assert_allclose(np.hypot(1 - lower[:, 0], 0.5 - lower[:, 1]), 1.0, atol=1e-12)


@pytest.mark.parametrize(
    "name, f",
    [
        ("plane", lambda x: 0.5 * x[:, 0] - 0.3 * x[:, 1]),
        ("sine", lambda x: np.sin(x[:, 0]) * np.cos(x[:, 1] / 2)),
    ],
)
def test_regression_targets(name, f):
    d = generate(name, 200, 0.0, 0.3, 1)
    np.testing.assert_allclose(d.train.y, f(d.train.x), atol=1e-12)
    noisy = generate(name, 4000, 0.2, 0.3, 1)
    resid = noisy.train.y - f(noisy.train.x)
    assert abs(resid.std() - 0.2) < 0.02


def test_noise_moves_inputs_by_its_standard_deviation():
    clean = _all(generate("gaussians", 2000, 0.0, 0.3, 9))[0]
    noisy = _all(generate("gaussians", 2000, 0.3, 0.3, 9))[0]
    # Same underlying draw order is not guaranteed, so compare spreads: 0.6^2 + 0.3^2.
    assert abs(noisy[:1000].std() ** 2 - clean[:1000].std() ** 2 - 0.09) < 0.08


CSV = "a,b,label,value\n" + "\n".join(
    f"{i},{(i * 7) % 11},{'yes' if i % 2 else 'no'},{i * 0.5}" for i in range(20)
)


def test_csv_text_labels_regression_and_standardising():
    d = from_csv(CSV, ["a", "b"], "label", 0.25, 1, 100, 10_000)
    assert d.kind == "binary" and d.classes == 2 and d.train.x_names == ("a", "b")
    assert d.class_names == ("no", "yes")
    x, y = _all(d)
    # Labels are sorted: "no" -> 0, "yes" -> 1, so odd a is class 1.
    np.testing.assert_array_equal(y, (x[:, 0] % 2).astype(int))
    np.testing.assert_allclose(d.shift, d.train.x.mean(axis=0))
    np.testing.assert_allclose(d.scale, d.train.x.std(axis=0))
    r = from_csv(CSV, ["a", "b"], "value", 0.25, 1, 100, 10_000)
    assert r.kind == "regression" and r.classes == 0


def test_csv_whole_number_classes():
    text = "p,q,c\n" + "\n".join(f"{i},{-i},{i % 3}" for i in range(30))
    d = from_csv(text, ["p", "q"], "c", 0.3, 0, 100, 10_000)
    assert d.kind == "multiclass" and d.classes == 3


@pytest.mark.parametrize(
    "x, y, text, message",
    [
        (["a", "zz"], "label", CSV, "no column named 'zz'"),
        (["a", "a"], "label", CSV, "three different columns"),
        (["a", "b"], "b", CSV, "three different columns"),
        (["a", "label"], "value", CSV, "holds text"),
        (["a", "b"], "label", "a,b,label\n1,2,x\n3,4,x\n5,6,x\n", "2 to 10 classes"),
        (["a", "b"], "label", "a,b,label\n1,2\n3,4,y\n", "row 2"),
    ],
)
def test_csv_refusals(x, y, text, message):
    with pytest.raises(CsvError) as err:
        from_csv(text, x, y, 0.3, 0, 100, 10_000)
    assert message in err.value.message


def test_csv_three_text_classes_is_multiclass_and_row_limit():
    d = from_csv("a,b,label\n1,2,x\n3,4,y\n5,6,z\n7,8,x\n", ["a", "b"], "label", 0.3, 0, 100, 10**4)
    assert d.kind == "multiclass" and d.classes == 3
    with pytest.raises(CsvError, match="too many rows"):
        from_csv(CSV, ["a", "b"], "label", 0.3, 0, 10, 10_000)
