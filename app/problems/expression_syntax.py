"""Formula text around ast.parse: ExpressionError, pre-parse scans, ^ rewriting, syntax errors."""

from __future__ import annotations

import ast
import keyword
import re

_EXAMPLE = ": write only a formula in x and y, e.g. x^2 + y^2"

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
