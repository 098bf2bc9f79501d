"""Stable codes and parameters for the server's English refusals, so pages can translate them.

The refusals are written once, in English, where they happen (the formula parser, the CSV
reader, the optimizer registry, the run builders). Rather than thread a code through every raise
site, this table reads the code and its numbers back out of the English sentence. The page shows
`err.<code>` from its catalog filled with `params`, and the English `message` when the code is
unknown, so a refusal that matches no pattern still reads correctly. tests/web/test_i18n_catalogs.py
provokes each common refusal from the real code and checks its code, so a reworded message that
no longer matches fails there rather than silently falling back to English.
"""

from __future__ import annotations

import re
from typing import Any

_COL = r" at column (?P<column>\d+)"

# (code, pattern) in order: the first pattern found in the message wins. A code may name a
# group in braces ({sep}) when the group's value picks one of a few fixed sentences.
_PATTERNS: tuple[tuple[str, str], ...] = (
    # -- formulas (app/problems/expression.py)
    ("expr_unknown_name", r"^unknown name '(?P<name>[^']*)'" + _COL),
    ("expr_unknown_function", r"^function '(?P<name>[^']*)' is not allowed" + _COL),
    ("expr_needs_parentheses", r"^function '(?P<name>[^']*)' needs parentheses" + _COL),
    ("expr_not_function", r"^'(?P<name>[^']*)' is not a function" + _COL),
    ("expr_too_long", r"^expression is too long: (?P<length>\d+) characters, at most (?P<max>\d+)"),
    ("expr_too_complex", r"^expression is too complex: (?P<parts>\d+) parts, at most (?P<max>\d+)"),
    ("expr_too_deep", r"^too deeply nested" + _COL + r" \(depth limit (?P<max>\d+)\)"),
    ("expr_too_deep_simplify", r"^expression is too deeply nested"),
    ("expr_unreadable", r"^expression could not be read"),
    ("expr_empty", r"^expression is empty"),
    ("expr_ends_early", r"^syntax error" + _COL + ": the formula ends too early"),
    ("expr_syntax", r"^syntax error" + _COL),
    ("expr_unmatched", r"^unmatched '(?P<char>.)'" + _COL),
    ("expr_mismatched", r"^'(?P<char>.)'" + _COL + r" does not match '(?P<opener>.)'"),
    ("expr_never_closed", r"^'(?P<char>.)'" + _COL + " is never closed"),
    ("expr_number_into_name", r"^a number runs into a name" + _COL),
    ("expr_non_ascii", r"^non-ASCII character '(?P<char>.)'" + _COL),
    ("expr_character", r"^character '(?P<char>.)' is not allowed" + _COL),
    ("expr_operator", r"^operator '(?P<op>[^']+)' is not allowed" + _COL),
    ("expr_arguments_one", r"^(?P<name>\w+)\(\) takes 1 argument, got (?P<got>\d+)" + _COL),
    (
        "expr_arguments_two",
        r"^(?P<name>\w+)\(\) takes 2 or more arguments, got (?P<got>\d+)" + _COL,
    ),
    ("expr_number_too_large", r"^number (?P<number>\S+) is too large" + _COL),
    ("expr_exponent_too_large", r"^exponent (?P<number>.+?) is too large" + _COL),
    ("expr_quotes", r"^text in quotes is not allowed" + _COL),
    # -- CSV files (app/problems/datasets.py, app/web/data_api.py)
    ("csv_too_large", r"^file is too large: (?:(?P<size>\d+) bytes, )?at most (?P<max>\d+)"),
    ("csv_not_utf8", r"^file is not UTF-8 text \(byte (?P<byte>\d+)\)"),
    ("csv_nul", r"^file contains NUL bytes"),
    ("csv_empty", r"^file is empty"),
    ("csv_separator_{sep}", r"^columns look separated by (?P<sep>semicolons|tabs|bars)"),
    ("csv_one_column", r"^need at least two columns"),
    ("csv_too_many_columns", r"^too many columns: (?P<got>\d+), at most (?P<max>\d+)"),
    ("csv_too_many_rows", r"^too many rows: (?P<got>\d+), at most (?P<max>\d+)"),
    ("csv_two_rows", r"^need at least two data rows"),
    ("csv_ragged", r"^row (?P<row>\d+) has (?P<got>\d+) cells, the header has (?P<want>\d+)"),
    ("csv_missing", r"^row (?P<row>\d+), column '(?P<column>.*)': missing value$"),
    (
        "csv_not_number",
        r"^row (?P<row>\d+), column '(?P<column>.*)': '(?P<cell>.*)' is not a number$",
    ),
    (
        "csv_not_finite",
        r"^row (?P<row>\d+), column '(?P<column>.*)': '(?P<cell>.*)' is not finite$",
    ),
    # -- run limits (app/web/builders.py, data_builders.py, api.py, stream.py)
    ("steps_max", r"^steps must be at most (?P<max>\d+), got (?P<got>\d+)"),
    ("optimizers_max", r"^at most (?P<max>\d+) optimizers per run, got (?P<got>\d+)"),
    ("grid_max", r"^n must be at most (?P<max>\d+), got (?P<got>\d+)"),
    ("rows_max", r"^at most (?P<max>\d+) rows, got (?P<got>\d+)"),
    ("unknown_surface", r"^unknown function '(?P<name>[^']*)'"),
    ("start_bounds", r"^start must be finite numbers within ±(?P<max>\S+)"),
    ("message_too_large", r"^message too large: at most (?P<max>\d+) bytes"),
    ("speed_positive", r"^steps_per_second must be a positive number"),
    ("logistic_targets", r"^yes/no targets must be 0 or 1"),
    ("sweep_lr_order", r"^lr_min must be smaller than lr_max"),
    ("sweep_rates_max", r"^rates must be at most (?P<max>\d+), got (?P<got>\d+)"),
    (
        "sweep_lr_max",
        r"^lr_max must be at most (?P<max>\S+) for (?P<name>\w+), got (?P<got>\S+)",
    ),
    (
        "sweep_too_big_rates",
        r"^sweep too large for one answer: (?P<racers>\d+) racers over (?P<rows>\d+) rows; "
        r"ask for at most (?P<rates>\d+) rates",
    ),
    (
        "sweep_too_big",
        r"^sweep too large for one answer: (?P<racers>\d+) racers over (?P<rows>\d+) rows; use",
    ),
    (
        "sweep_too_long",
        r"^sweep takes too long for one answer: step (?P<step>\d+) of (?P<steps>\d+) after "
        r"(?P<seconds>\S+) s",
    ),
    (
        "run_too_long",
        r"^run takes too long for one answer: step (?P<step>\d+) of (?P<steps>\d+) after "
        r"(?P<seconds>\S+) s",
    ),
    # -- hyperparameters (app/engine/optim/registry.py), often behind "optimizer 2 (adam): "
    (
        "hp_bounds",
        r"^(?P<name>[\w\[\]]+) must be (?P<low>[<>]=? ?\S+) and (?P<high>[<>]=? ?\S+), got (?P<got>\S+)",
    ),
    ("hp_not_finite", r"^(?P<name>[\w\[\]]+) must be a finite number"),
    ("hp_not_number", r"^(?P<name>[\w\[\]]+) must be a number"),
    ("hp_whole", r"^(?P<name>[\w\[\]]+) must be a whole number"),
    ("batch_whole", r"^batch_size must be a whole number"),
    ("batch_size_variant", r"^batch_size goes with variant 'minibatch'"),
    ("minibatch_needs_size", r"^a mini-batch needs its batch_size, from 1 to (?P<n>\d+)"),
    ("minibatch_size", r"^mini-batch size must be between 1 and (?P<n>\d+), got (?P<got>\S+)"),
    ("hp_nesterov", r"^nesterov momentum requires momentum > 0 and dampening = 0"),
)
_COMPILED = tuple((code, re.compile(pattern)) for code, pattern in _PATTERNS)
_RACER_PREFIX = re.compile(r"^optimizer (?P<racer>\d+)(?: \((?P<optimizer>\w+)\))?: ")

CODES = tuple(code for code, _ in _PATTERNS)


def classify(message: str) -> dict[str, Any]:
    """`{"code", "params"}` for a known refusal (params are strings or ints), else `{}`."""
    params: dict[str, Any] = {}
    rest = message
    prefix = _RACER_PREFIX.match(message)
    if prefix:
        params["racer"] = int(prefix["racer"])
        if prefix["optimizer"]:
            params["optimizer"] = prefix["optimizer"]
        rest = message[prefix.end() :]
    for code, pattern in _COMPILED:
        m = pattern.search(rest)
        if m is None:
            continue
        found = {k: v for k, v in m.groupdict().items() if v is not None}
        for k, v in found.items():
            # isdigit() alone would take "²" (from a pasted formula) for a digit int() rejects.
            params[k] = int(v) if v.isascii() and v.isdigit() and len(v) < 16 else v
        return {"code": code.format(**found), "params": params}
    return {}
