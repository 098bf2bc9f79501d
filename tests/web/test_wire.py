"""The one encoder: no NaN or Infinity token, numpy values encoded, typed arrays decode back."""

import base64
import json

import numpy as np
import pytest

from app.web.wire import dumps, typed_array


def _strict_loads(raw: bytes):
    def refuse(token):
        raise AssertionError(f"non-JSON token {token}")

    return json.loads(raw, parse_constant=refuse)


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        np.float64("nan"),
        np.float32("inf"),
        np.array([1.0, np.nan, -np.inf]),
        np.array([[np.nan]], dtype=np.float32),
        np.array([1.0, np.nan])[::-1],  # not contiguous
    ],
)
def test_non_finite_become_null(value):
    decoded = _strict_loads(dumps({"v": value}))
    flat = np.asarray(decoded["v"], dtype=object).ravel().tolist()
    assert None in flat
    assert all(x is None or np.isfinite(x) for x in flat)


def test_numpy_scalars_and_arrays():
    out = _strict_loads(dumps({"i": np.int64(3), "f": np.float32(0.5), "a": np.arange(3)}))
    assert out == {"i": 3, "f": 0.5, "a": [0, 1, 2]}


def test_typed_array_round_trip():
    z = np.linspace(-1, 1, 12, dtype=np.float64).reshape(3, 4)
    enc = typed_array(z, "f4")
    assert enc["dtype"] == "f4" and enc["shape"] == [3, 4]
    back = np.frombuffer(base64.b64decode(enc["bdata"]), dtype="<f4").reshape(enc["shape"])
    np.testing.assert_allclose(back, z, rtol=1e-7)
    assert len(base64.b64decode(enc["bdata"])) == 4 * z.size
