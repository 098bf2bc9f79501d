"""The one JSON encoder for everything that leaves the server: NaN and infinities become null."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import orjson
from starlette.responses import JSONResponse

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def _default(obj: Any) -> Any:
    # orjson only serialises C-contiguous native arrays itself; everything else lands here.
    if isinstance(obj, np.ndarray):
        return np.ascontiguousarray(obj).tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"cannot encode {type(obj).__name__}")


def dumps(obj: Any) -> bytes:
    """Encode to JSON bytes; orjson writes NaN and +-inf as null, so no bare NaN token is sent."""
    try:
        return orjson.dumps(obj, default=_default, option=_OPTIONS)
    except orjson.JSONEncodeError as exc:
        # JSON text may escape lone surrogates ("\ud800"), which Python decodes into strings
        # that UTF-8 cannot hold; a refusal that quotes the input must still be sendable.
        if "surrogates" not in str(exc):
            raise
        return orjson.dumps(_scrub(obj), default=_default, option=_OPTIONS)


def _scrub(obj: Any) -> Any:
    """obj with every string's lone surrogates replaced by "?"."""
    if isinstance(obj, str):
        return obj.encode("utf-8", "replace").decode("utf-8")
    if isinstance(obj, dict):
        return {_scrub(k): _scrub(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_scrub(v) for v in obj]
    return obj


def dumps_text(obj: Any) -> str:
    return dumps(obj).decode()


def typed_array(arr: np.ndarray, dtype: str = "f4") -> dict[str, Any]:
    """Plotly's typed-array form: base64 of little-endian bytes plus dtype and shape.

    Non-finite values stay NaN in the binary data, which is legal there and which Plotly draws
    as gaps; only JSON text must never carry NaN.
    """
    data = np.ascontiguousarray(arr, dtype=np.dtype(dtype).newbyteorder("<"))
    return {
        "dtype": dtype,
        "bdata": base64.b64encode(data.tobytes()).decode("ascii"),
        "shape": list(data.shape),
    }


def finite_or_none(value: float) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


class WireResponse(JSONResponse):
    """JSON response through the one encoder (Starlette's JSONResponse raises on NaN).

    A JSONResponse subclass only so FastAPI writes each route's response model into the OpenAPI
    schema; rendering is ours.
    """

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
