"""Safe parser for user formulas f(x, y): a whitelist over Python's ast, compiled to engine ops."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.engine import Tensor
from app.problems.expression_compiler import FUNCTIONS, MAX_CONSTANT, MAX_EXPONENT, _Compiler
from app.problems.expression_syntax import (
    _EXAMPLE,
    _PARSER_FAILURES,
    ExpressionError,
    _check_brackets,
    _check_characters,
    _check_numbers,
    _rewrite_carets,
    _syntax_error,
)

__all__ = [
    "FUNCTIONS",
    "MAX_CHARS",
    "MAX_CONSTANT",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_NODES",
    "Expression",
    "ExpressionError",
    "parse_formula",
]

MAX_CHARS = 200
MAX_NODES = 100
MAX_DEPTH = 20


@dataclass(frozen=True)
class Expression:
    """A checked formula; `fn(x, y)` builds its engine graph elementwise, like Surface.fn."""

    text: str
    variables: frozenset[str]
    node_count: int
    _eval: Callable[[Tensor, Tensor], Any] = field(repr=False, compare=False)

    def fn(self, x: Tensor, y: Tensor) -> Tensor:
        """f(x, y) as a Tensor of the broadcast shape of x and y, even when f is constant."""
        out = self._eval(x, y)
        shape = np.broadcast_shapes(x.shape, y.shape)
        if not isinstance(out, Tensor):
            return Tensor(np.full(shape, out, dtype=np.float64))
        if out.shape != shape:
            out = out + np.zeros(shape)
        return out


def parse_formula(
    text: str,
    *,
    max_chars: int = MAX_CHARS,
    max_nodes: int = MAX_NODES,
    max_depth: int = MAX_DEPTH,
) -> Expression:
    """Check `text` against the whitelist and limits and compile it; ExpressionError if refused."""
    if not isinstance(text, str):
        raise ExpressionError("expression must be text")
    # Cheap scans first: ast.parse itself can exhaust the stack or memory on long or deeply
    # nested input, so it only ever sees short, shallow, printable-ASCII text.
    if len(text) > max_chars:
        raise ExpressionError(
            f"expression is too long: {len(text)} characters, at most {max_chars}"
        )
    if not text.strip():
        raise ExpressionError("expression is empty" + _EXAMPLE)
    _check_characters(text)
    _check_brackets(text, max_depth)
    _check_numbers(text)
    source, columns = _rewrite_carets(text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(exc, source, columns, text) from None
    except _PARSER_FAILURES:
        raise ExpressionError("expression could not be read: simplify it") from None
    nodes = sum(isinstance(n, ast.expr) for n in ast.walk(tree))
    if nodes > max_nodes:
        raise ExpressionError(f"expression is too complex: {nodes} parts, at most {max_nodes}")
    compiler = _Compiler(text, columns)
    try:
        compiled = compiler.compile(tree.body)
    except RecursionError:  # only when a caller raises max_nodes far above the default
        raise ExpressionError("expression is too deeply nested: simplify it") from None
    evaluate = compiled if callable(compiled) else _constant(compiled)
    return Expression(text, frozenset(compiler.variables), nodes, evaluate)


def _constant(value: float) -> Callable[[Tensor, Tensor], float]:
    def evaluate(x: Tensor, y: Tensor) -> float:
        return value

    return evaluate
