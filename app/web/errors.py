"""API errors with plain-language messages, and a readable summary of validation errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.web.error_codes import classify


class ApiError(Exception):
    """A refusal the user can act on: status code, message, and optional extra fields."""

    def __init__(self, message: str, status_code: int = 422, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """`detail` in English, plus `code` and `params` when the page can translate it."""
        return {"detail": self.message, **classify(self.message), **self.extra}


def describe_validation_error(errors: Sequence[dict[str, Any]]) -> str:
    """Turn pydantic's error list into one sentence per problem, naming the field."""
    parts = []
    for err in errors[:5]:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        where = ".".join(loc) or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid value')}")
    if len(errors) > 5:
        parts.append(f"and {len(errors) - 5} more problems")
    return "; ".join(parts)
