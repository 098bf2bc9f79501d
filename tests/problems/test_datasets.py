"""Generated datasets are seeded; CSV files load, or are refused naming the problem and row."""

from __future__ import annotations

import numpy as np
import pytest

from app.problems.datasets import (
    CsvError,
    blobs_2d,
    linear_1d,
    read_csv,
    read_csv_table,
    two_class_1d,
)


def test_generators_are_seeded_and_shaped():
    a, b = linear_1d(n=30, seed=7), linear_1d(n=30, seed=7)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.y, linear_1d(n=30, seed=8).y)
    clean = linear_1d(n=200, slope=3.0, intercept=-1.0, noise=0.0)
    np.testing.assert_allclose(clean.y, 3.0 * clean.x - 1.0)
    outliers = linear_1d(n=200, outliers=True, seed=1)
    plain = linear_1d(n=200, seed=1)
    assert (outliers.y != plain.y).sum() == 10
    two = two_class_1d(n=40, seed=2)
    assert set(two.y.tolist()) == {0.0, 1.0} and two.kind == "binary"
    blobs = blobs_2d(n=60, classes=5)
    assert blobs.x.shape == (60, 2) and set(blobs.y.tolist()) == set(range(5))
    with pytest.raises(ValueError, match="3 to 5"):
        blobs_2d(classes=6)


def test_good_csv():
    raw = b"hours,score\n1,52.5\n2, 61\n3,70.25\n\n"
    names, table = read_csv(raw)
    assert names == ["hours", "score"]
    np.testing.assert_array_equal(table, [[1, 52.5], [2, 61], [3, 70.25]])
    bom_names, _ = read_csv(b"\xef\xbb\xbfa,b\n1,2\n3,4\n")
    assert bom_names == ["a", "b"]


BAD = [
    (b"a;b\n1;2\n3;4\n", "semicolons", 1),
    (b"a\tb\n1\t2\n3\t4\n", "tabs", 1),
    (b"a,b\n1,2\n3,abc\n", "'abc' is not a number", 3),
    (b"a,b\n1,2\n3,\n", "missing value", 3),
    (b"a,b\n1,2\n3\n", "row 3 has 1 cells", 3),
    (b"a,b\n1,2\n3,nan\n", "not finite", 3),
    (b"a,b\n1,2\n\xff\xfe,4\n", "not UTF-8", 3),
    (b"", "empty", None),
    (b"a,b\n1,2\n", "two data rows", None),
    (b"x\n1\n2\n", "two columns", 1),
    (("a,b\n" + "1,2\n" * 5001).encode(), "too many rows", 5002),
    ((",".join(f"c{i}" for i in range(21)) + "\n").encode(), "too many columns", 1),
    (b"a,b\n" + b"1,2\n" * 300_000, "too large", None),
    (b"a,b\n1,2\n3,4\x00\n", "NUL", None),
]


@pytest.mark.parametrize(("raw", "needle", "row"), BAD)
def test_bad_csv_refused_with_problem_and_row(raw, needle, row):
    with pytest.raises(CsvError) as info:
        read_csv(raw)
    assert needle in info.value.message
    assert info.value.row == row


def test_text_columns_are_class_labels():
    raw = b"x1,x2,species\n1,2,setosa\n3,4,virginica\n5,6,setosa\n"
    table = read_csv_table(raw)
    assert table.names == ["x1", "x2", "species"]
    assert table.labels == {2: ["setosa", "virginica", "setosa"]}
    assert table.rows() == [[1.0, 2.0, "setosa"], [3.0, 4.0, "virginica"], [5.0, 6.0, "setosa"]]
    # A numeric column stays numeric: text further down is refused, naming the row.
    with pytest.raises(CsvError) as info:
        read_csv_table(b"a,b\n1,2\n3,abc\n")
    assert "'abc' is not a number" in info.value.message and info.value.row == 3
    # read_csv (numbers only) refuses the label column where it starts.
    with pytest.raises(CsvError) as info:
        read_csv(raw)
    assert "'setosa' is not a number" in info.value.message and info.value.row == 2
    with pytest.raises(CsvError) as info:
        read_csv_table(b"a,b\n1,cat\n2,\n")
    assert "missing value" in info.value.message and info.value.row == 3
