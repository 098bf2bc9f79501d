"""Safe parser for user formulas f(x, y): a whitelist over Python's ast, compiled to engine ops."""

from __future__ import annotations

import ast
import keyword
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.engine import Tensor
from app.engine import functional as F

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
_EXAMPLE = ": write only a formula in x and y, e.g. x^2 + y^2"

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
_STATEMENTS: dict[type, str] = {
    ast.Assign: "assignment (=) is not allowed",
    ast.AugAssign: "assignment is not allowed",
    ast.AnnAssign: "assignment is not allowed",
    ast.Import: "import is not allowed",
    ast.ImportFrom: "import is not allowed",
}
_BRACKETS = {"(": ")", "[": "]", "{": "}"}
# A number literal as Python's tokenizer reads it (hex, octal, binary, decimal, imaginary).
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+"
    r"|(?:[0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9][0-9_]*)?[jJ]?"
)
# Anything ast.parse may raise besides SyntaxError on hostile input.
_PARSER_FAILURES = (RecursionError, MemoryError, ValueError, OverflowError)


class ExpressionError(ValueError):
    """A refused formula: `message` says what is wrong, `column` (1-based) where, or None."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


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


# -- scans before parsing --------------------------------------------------------------------


def _check_characters(text: str) -> None:
    for i, ch in enumerate(text, 1):
        if ord(ch) > 127:
            # Refused before ast.parse, which NFKC-normalises identifiers: 'ｘ' would become
            # 'x' and text would be accepted that does not say what it shows.
            raise ExpressionError(f"non-ASCII character {ch!r} at column {i}", i)
        if (ord(ch) < 32 and ch != "\t") or ord(ch) == 127:
            raise ExpressionError(
                f"control character {ch!r} at column {i}: write the formula on one line", i
            )
        if ch in "\\#":
            raise ExpressionError(f"character {ch!r} is not allowed at column {i}", i)


def _check_brackets(text: str, max_depth: int) -> None:
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text, 1):
        if ch in _BRACKETS:
            stack.append((ch, i))
            if len(stack) > max_depth:
                raise ExpressionError(
                    f"too deeply nested at column {i} (depth limit {max_depth})", i
                )
        elif ch in ")]}":
            if not stack:
                raise ExpressionError(f"unmatched {ch!r} at column {i}", i)
            opener, at = stack.pop()
            if _BRACKETS[opener] != ch:
                raise ExpressionError(
                    f"{ch!r} at column {i} does not match {opener!r} at column {at}", i
                )
    if stack:
        opener, at = stack[-1]
        raise ExpressionError(f"{opener!r} at column {at} is never closed", at)


def _check_numbers(text: str) -> None:
    """Refuse a number that runs straight into a name (2x, 1if), reading tokens as Python does.

    Python's tokenizer accepts some of these with a SyntaxWarning (1if x else 2) and refuses
    the rest; say what is wrong instead, and keep such warnings out of the server's log."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isalpha() or ch == "_":  # a name: its digits are not numbers
            while i < n and (text[i].isalnum() or text[i] == "_"):
                i += 1
        elif ch.isdigit() or (ch == "." and text[i + 1 : i + 2].isdigit()):
            m = _NUMBER.match(text, i)
            i = m.end() if m else i + 1
            if i < n and (text[i].isalpha() or text[i] == "_"):
                raise ExpressionError(
                    f"a number runs into a name at column {i + 1}: write * between them, e.g. 2*x",
                    i + 1,
                )
        else:
            i += 1


def _rewrite_carets(text: str) -> tuple[str, list[int]]:
    """Spell ^ as ** and map each offset of the result back to a 0-based column of `text`.

    Python reads ^ as XOR, which binds looser than + and *: taking the XOR node for a power
    would read x^2 + y^2 as x ** (2 + y) ** 2. Rewriting the token keeps math precedence
    (and right-associativity, 2^3^2 = 2^9); the map keeps error columns right. A ^ inside a
    string literal would be rewritten too, but strings are refused anyway.
    """
    out: list[str] = []
    columns: list[int] = []
    for i, ch in enumerate(text):
        out.append("**" if ch == "^" else ch)
        columns.extend((i, i) if ch == "^" else (i,))
    columns.append(len(text))  # one past the end, where "ends too early" points
    return "".join(out), columns


def _column(columns: list[int], offset: int | None) -> int:
    return columns[min(max(offset or 0, 0), len(columns) - 1)] + 1


def _syntax_error(exc: SyntaxError, source: str, columns: list[int], text: str) -> ExpressionError:
    # Statements (import, x = 1, x; y) parse as a module: name what they are.
    try:
        module: ast.Module | None = ast.parse(source, mode="exec")
    except (SyntaxError, *_PARSER_FAILURES):
        module = None
    if module is not None and len(module.body) > 1:
        col = _column(columns, module.body[1].col_offset)
        return ExpressionError(
            f"only one formula is allowed: a second statement starts at column {col} "
            "(remove the ';')",
            col,
        )
    if module is not None and module.body and not isinstance(module.body[0], ast.Expr):
        stmt = module.body[0]
        offset = stmt.col_offset
        if isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign):
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
            offset = target.end_col_offset or 0
            while source[offset : offset + 1] == " ":
                offset += 1
        col = _column(columns, offset)
        word = source[stmt.col_offset :].split(None, 1)[0].rstrip(":(")
        what = _STATEMENTS.get(type(stmt), f"'{word}' statements are not allowed")
        return ExpressionError(f"{what} at column {col}{_EXAMPLE}", col)
    if not exc.offset:  # Python reports input that stops mid-formula at offset 0
        col = len(text) + 1
        return ExpressionError(f"syntax error at column {col}: the formula ends too early", col)
    col = _column(columns, exc.offset - 1)
    at = text[col - 1 : col]
    word = _word_at(text, col - 1)
    if "decimal literal" in (exc.msg or ""):
        reason = "a number runs into a name: write * between them, e.g. 2*x"
    elif keyword.iskeyword(word):
        reason = f"the keyword '{word}' is not allowed"
    elif (
        at and (at.isalnum() or at in "_(") and col > 1 and text[: col - 1].rstrip()[-1:].isalnum()
    ):
        reason = f"unexpected {at!r}: is an operator such as * missing before it?"
    elif "never closed" in (exc.msg or ""):
        reason = "the formula ends too early"
    else:
        reason = f"unexpected {at!r}" if at.strip() else (exc.msg or "invalid syntax")
    return ExpressionError(f"syntax error at column {col}: {reason}", col)


def _word_at(text: str, i: int) -> str:
    j = i
    while j < len(text) and (text[j].isalnum() or text[j] == "_"):
        j += 1
    return text[i:j]


def _constant(value: float) -> Callable[[Tensor, Tensor], float]:
    def evaluate(x: Tensor, y: Tensor) -> float:
        return value

    return evaluate


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
