"""The whitelist compiler: formula AST to closures over engine ops, with constants folded."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from app.engine import Tensor
from app.engine import functional as F
from app.problems.expression_syntax import ExpressionError, _column

MAX_CONSTANT = 1e6
MAX_EXPONENT = 10

# Nothing here ever reaches eval, exec or compile: the text is parsed to an AST, every node is
# checked against these tables, and the tree becomes closures over engine ops.

# name -> (engine op, NumPy twin used to fold constant arguments)
_UNARY: dict[str, tuple[Callable[[Any], Tensor], Callable[[Any], Any]]] = {
    "sin": (F.sin, np.sin),
    "cos": (F.cos, np.cos),
    "tan": (F.tan, np.tan),
    "exp": (F.exp, np.exp),
    "log": (F.log, np.log),
    "log1p": (F.log1p, np.log1p),
    "sqrt": (F.sqrt, np.sqrt),
    "abs": (F.abs, np.abs),
    "tanh": (F.tanh, np.tanh),
    "sinh": (F.sinh, np.sinh),
    "cosh": (F.cosh, np.cosh),
    "sigmoid": (F.sigmoid, lambda c: 1 / (1 + np.exp(-c))),
    "softplus": (F.softplus, lambda c: np.logaddexp(0, c)),
    "relu": (F.relu, lambda c: np.maximum(c, 0)),
}
_VARIADIC: dict[str, tuple[Callable[[Any, Any], Tensor], Callable[[Any, Any], Any]]] = {
    "min": (F.minimum, np.minimum),
    "max": (F.maximum, np.maximum),
}
FUNCTIONS: tuple[str, ...] = (*_UNARY, *_VARIADIC)
_CONSTANTS = {"pi": math.pi, "e": math.e}
_FUNCTION_LIST = ", ".join(FUNCTIONS)

# Why each refused node is refused, in the user's words.
_REFUSED: dict[type, str] = {
    ast.Attribute: "attribute access ('.') is not allowed",
    ast.Subscript: "indexing with [] is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.IfExp: "conditional expressions (if/else) are not allowed",
    ast.Compare: "comparisons (<, >, ==, ...) are not allowed",
    ast.BoolOp: "boolean operators (and, or) are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.List: "lists [...] are not allowed",
    ast.Tuple: "tuples (a, b) are not allowed: write one formula",
    ast.Set: "sets {...} are not allowed",
    ast.Dict: "dictionaries {...} are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.Starred: "starred arguments (*) are not allowed",
    ast.NamedExpr: "assignment (:=) is not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
}
_REFUSED_OPERATORS: dict[type, str] = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",  # unreachable while ^ is rewritten to **, refused should that change
}


def _limit(v: float) -> str:
    return f"{v:.0e}".replace("e+0", "e").replace("e+", "e")


def _number(v: float) -> str:
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:g}"


# -- the whitelist compiler ------------------------------------------------------------------

# A compiled node is a float (a constant, folded now) or a closure (x, y) -> Tensor.
Compiled = float | Callable[[Tensor, Tensor], Any]


class _Compiler:
    """Walks the AST once, refusing anything off the whitelist, and returns closures."""

    def __init__(self, text: str, columns: list[int]) -> None:
        self.text = text
        self.columns = columns
        self.variables: set[str] = set()

    def refuse(self, what: str, node: ast.AST, tail: str = "", col: int | None = None):
        col = _column(self.columns, getattr(node, "col_offset", 0)) if col is None else col
        return ExpressionError(f"{what} at column {col}{tail}", col)

    def segment(self, node: ast.expr) -> str:
        start = _column(self.columns, node.col_offset) - 1
        end = _column(self.columns, (node.end_col_offset or 1) - 1)
        return self.text[start:end]

    def compile(self, node: ast.expr) -> Compiled:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute):
            self.compile(node.value)  # so a.b.c is refused at its first dot
            dot = self.text.find(".", _column(self.columns, node.value.end_col_offset) - 1)
            raise self.refuse(_REFUSED[ast.Attribute], node, col=dot + 1 if dot >= 0 else None)
        raise self.refuse(_REFUSED.get(type(node), f"{type(node).__name__} is not allowed"), node)

    def constant(self, node: ast.Constant) -> float:
        value = node.value
        if isinstance(value, str | bytes):
            raise self.refuse("text in quotes is not allowed", node)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.refuse(
                f"{self.segment(node)} is not allowed", node, ": use numbers, x and y"
            )
        # Compared before any float(): abs() of a huge int literal is exact and cheap.
        if not abs(value) <= MAX_CONSTANT:
            limit = f" (limit {_limit(MAX_CONSTANT)})"
            raise self.refuse(f"number {self.segment(node)} is too large", node, limit)
        return float(value)

    def name(self, node: ast.Name) -> Compiled:
        if node.id in ("x", "y"):
            self.variables.add(node.id)
            return (lambda x, y: x) if node.id == "x" else (lambda x, y: y)
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if node.id in FUNCTIONS:
            raise self.refuse(f"function '{node.id}' needs parentheses", node, f": {node.id}(x)")
        tail = ": use x and y, the constants pi and e, and the functions " + _FUNCTION_LIST
        raise self.refuse(f"unknown name '{node.id}'", node, tail)

    def binop(self, node: ast.BinOp) -> Compiled:
        op = type(node.op)
        if op in _REFUSED_OPERATORS:
            at = _column(self.columns, node.left.end_col_offset) - 1
            while at < len(self.text) and self.text[at] in " )":
                at += 1
            what = f"operator '{_REFUSED_OPERATORS[op]}' is not allowed"
            raise self.refuse(what, node, ": use + - * / and ^ for powers", col=at + 1)
        left = self.compile(node.left)
        right = self.compile(node.right)
        if op is ast.Pow and not callable(right) and not abs(right) <= MAX_EXPONENT:
            shown = self.segment(node.right)
            value = "" if shown == _number(right) else f" = {_number(right)}"
            tail = f": constant exponents must be within ±{MAX_EXPONENT}"
            raise self.refuse(f"exponent {shown}{value} is too large", node.right, tail)
        return _binary(op, left, right)

    def unary(self, node: ast.UnaryOp) -> Compiled:
        if not isinstance(node.op, ast.UAdd | ast.USub):
            symbol = "not" if isinstance(node.op, ast.Not) else "~"
            raise self.refuse(f"operator '{symbol}' is not allowed", node)
        operand = self.compile(node.operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        if callable(operand):
            return lambda x, y: -operand(x, y)
        return -operand

    def call(self, node: ast.Call) -> Compiled:
        func = node.func
        if not isinstance(func, ast.Name):
            if isinstance(func, ast.Attribute):
                return self.compile(func)  # refused with the attribute message
            raise self.refuse("only named functions can be called", node, ", e.g. sin(x)")
        name = func.id
        if name in ("x", "y", *_CONSTANTS):
            raise self.refuse(f"'{name}' is not a function", func, f": write {name}*(...)")
        if name not in FUNCTIONS:
            tail = ": use one of " + _FUNCTION_LIST
            raise self.refuse(f"function '{name}' is not allowed", func, tail)
        if node.keywords:
            what = f"keyword arguments are not allowed in {name}()"
            raise self.refuse(what, node.keywords[0], f": write {name}(x)")
        args = [self.compile(a) for a in node.args]  # a Starred argument is refused here
        if name in _UNARY:
            if len(args) != 1:
                raise self.refuse(f"{name}() takes 1 argument, got {len(args)}", func)
            op, twin = _UNARY[name]
            (a,) = args
            return (lambda x, y: op(a(x, y))) if callable(a) else _fold(twin, a)
        if len(args) < 2:
            raise self.refuse(f"{name}() takes 2 or more arguments, got {len(args)}", func)
        op2, twin2 = _VARIADIC[name]
        result = args[0]
        for b in args[1:]:
            result = _pairwise(op2, twin2, result, b)
        return result


def _fold(twin: Callable[..., Any], *values: float) -> float:
    # Constants fold in float64 with warnings off: 1/0 or exp(1000) become inf or nan here as
    # they would in the engine, and the run reports such values as divergence.
    with np.errstate(all="ignore"):
        return float(twin(*(np.float64(v) for v in values)))


def _pairwise(op: Callable, twin: Callable, a: Compiled, b: Compiled) -> Compiled:
    if callable(a) and callable(b):
        return lambda x, y: op(a(x, y), b(x, y))
    if callable(a):
        return lambda x, y: op(a(x, y), b)
    if callable(b):
        return lambda x, y: op(a, b(x, y))
    return _fold(twin, a, b)


_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


def _binary(op: type, a: Compiled, b: Compiled) -> Compiled:
    if op is ast.Pow and callable(a) and not callable(b) and float(b).is_integer() and b != 0:
        # Integral powers by repeated squaring: defined for negative bases (x^3 at x < 0), and
        # NumPy squares fast but takes pow() per element for x**3: 15 ms instead of 2 ms for
        # a 400x400 Beale grid.
        n = int(b)
        return lambda x, y: _integer_power(a(x, y), n)
    f = _ARITHMETIC[op]
    return _pairwise(f, f, a, b)


def _integer_power(t: Tensor, n: int) -> Tensor:
    """t ** n for an integer n != 0, as squarings and products of engine ops."""
    result: Tensor | None = None
    k = abs(n)
    while True:
        if k & 1:
            result = t if result is None else result * t
        k >>= 1
        if not k:
            break
        t = t**2
    assert result is not None
    return 1 / result if n < 0 else result
