"""Seeded generated datasets for the regression lab, and CSV loading with plain-word refusals."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np

MAX_ROWS = 5_000
MAX_COLUMNS = 20
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class Dataset:
    """Inputs X (N,) or (N, d), targets y (N,), and what they are called on the plots."""

    x: np.ndarray
    y: np.ndarray
    kind: str  # "regression", "binary" or "multiclass"
    x_names: tuple[str, ...] = ("x",)
    y_name: str = "y"
    classes: int = 0
    meta: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.y.shape[0])


def linear_1d(
    n: int = 50,
    slope: float = 2.0,
    intercept: float = 1.0,
    noise: float = 0.5,
    outliers: bool = False,
    seed: int = 0,
) -> Dataset:
    """y = slope * x + intercept + Gaussian noise on x in [-3, 3]; outliers move 5% of y far."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3.0, 3.0, n)
    y = slope * x + intercept + noise * rng.standard_normal(n)
    if outliers:
        k = max(1, n // 20)
        idx = rng.choice(n, k, replace=False)
        # Far above the line, so MSE's pull towards them is visible on the fit.
        y[idx] += rng.uniform(8.0, 12.0, k) * max(1.0, abs(slope))
    return Dataset(x, y, "regression", meta={"slope": slope, "intercept": intercept})


def two_class_1d(
    n: int = 60, separation: float = 2.0, noise: float = 1.0, seed: int = 0
) -> Dataset:
    """Two classes on a line: class 0 around -separation/2, class 1 around +separation/2."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(np.float64)
    x = (y - 0.5) * separation + noise * rng.standard_normal(n)
    return Dataset(x, y, "binary", classes=2)


def blobs_2d(n: int = 150, classes: int = 3, spread: float = 0.8, seed: int = 0) -> Dataset:
    """Gaussian blobs on a circle of radius 2, one per class (3 to 5 classes)."""
    if not 3 <= classes <= 5:
        raise ValueError(f"classes must be 3 to 5, got {classes}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    angles = 2 * np.pi * y / classes
    centres = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    x = centres + spread * rng.standard_normal((n, 2))
    return Dataset(x, y.astype(np.int64), "multiclass", x_names=("x1", "x2"), classes=classes)


class CsvError(ValueError):
    """A refused CSV file: what is wrong, and on which row (1-based, header is row 1)."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


MAX_LABEL_CHARS = 64


@dataclass(frozen=True)
class CsvTable:
    """A parsed CSV file: column names, numbers (NaN in text columns), and text columns.

    A column whose first data cell is not a number holds text labels (a class column such as
    "setosa, versicolor, ..."); every other column must be numbers throughout.
    """

    names: list[str]
    values: np.ndarray  # (N, C) float64
    labels: dict[int, list[str]]  # column index -> each row's label

    def rows(self) -> list[list[float | str]]:
        """Rows as JSON-ready lists: numbers, or the label text in text columns."""
        out = self.values.tolist()
        for c, texts in self.labels.items():
            for row, text in zip(out, texts, strict=True):
                row[c] = text
        return out


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def read_csv(
    raw: bytes,
    *,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    max_bytes: int = MAX_BYTES,
) -> tuple[list[str], np.ndarray]:
    """Header and an (N, C) float64 table of numbers only; CsvError otherwise."""
    table = read_csv_table(
        raw, max_rows=max_rows, max_columns=max_columns, max_bytes=max_bytes, text_labels=False
    )
    return table.names, table.values


def read_csv_table(
    raw: bytes,
    *,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    max_bytes: int = MAX_BYTES,
    text_labels: bool = True,
) -> CsvTable:
    """Comma-separated UTF-8 bytes as a CsvTable; CsvError naming the problem and row otherwise.

    With text_labels, a column whose first cell is not a number is a label column.
    """
    if len(raw) > max_bytes:
        raise CsvError(f"file is too large: {len(raw)} bytes, at most {max_bytes}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CsvError(f"file is not UTF-8 text (byte {exc.start + 1})", row=line) from None
    if "\x00" in text:
        raise CsvError("file contains NUL bytes: it is not a text CSV file")
    # newline="" lets the csv module see line ends itself, so an old Mac file's lone \r ends a
    # row instead of raising "new-line character seen in unquoted field".
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CsvError(f"file is not valid CSV: {exc}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise CsvError("file is empty")
    header = [h.strip() for h in rows[0]]
    if len(header) == 1:
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if sep in header[0]:
                raise CsvError(f"columns look separated by {name}: use commas", row=1)
        raise CsvError("need at least two columns (an x and a y), separated by commas", row=1)
    if len(header) > max_columns:
        raise CsvError(f"too many columns: {len(header)}, at most {max_columns}", row=1)
    if len(rows) - 1 > max_rows:
        raise CsvError(f"too many rows: {len(rows) - 1}, at most {max_rows}", row=max_rows + 2)
    if len(rows) < 3:
        raise CsvError("need at least two data rows")
    names = [h or f"column {i + 1}" for i, h in enumerate(header)]
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise CsvError(f"row {r} has {len(row)} cells, the header has {len(header)}", row=r)
    first = [rows[1][c].strip() for c in range(len(header))]
    text_columns = {
        c for c, cell in enumerate(first) if text_labels and cell and _number(cell) is None
    }
    table = np.full((len(rows) - 1, len(header)), np.nan)
    labels: dict[int, list[str]] = {c: [] for c in sorted(text_columns)}
    for r, row in enumerate(rows[1:], start=2):
        for c, cell in enumerate(row):
            cell = cell.strip()
            if not cell:
                raise CsvError(f"row {r}, column '{names[c]}': missing value", row=r)
            if c in text_columns:
                if len(cell) > MAX_LABEL_CHARS:
                    raise CsvError(
                        f"row {r}, column '{names[c]}': a label of {len(cell)} characters, "
                        f"at most {MAX_LABEL_CHARS}",
                        row=r,
                    )
                labels[c].append(cell)
                continue
            value = _number(cell)
            if value is None:
                shown = cell if len(cell) <= 20 else cell[:20] + "…"
                raise CsvError(
                    f"row {r}, column '{names[c]}': '{shown}' is not a number", row=r
                ) from None
            if not np.isfinite(value):
                raise CsvError(f"row {r}, column '{names[c]}': '{cell}' is not finite", row=r)
            table[r - 2, c] = value
    return CsvTable(names, table, labels)
