"""REST API: catalogs, landscapes, whole runs, and clear refusals of bad input."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import plotly
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.engine.optim import OPTIMIZERS
from app.main import create_app
from app.problems.surfaces import SURFACES
from tests.web.helpers import rosenbrock, rosenbrock_grad, strict_json


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()))


def get_json(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, r.text
    return strict_json(r.content)


def post_json(client, url, body, status=200):
    r = client.post(url, json=body)
    assert r.status_code == status, r.text
    return strict_json(r.content)


def test_healthz(client):
    assert get_json(client, "/healthz") == {"status": "ok"}


def test_page_loads_plotly_from_own_origin(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
    assert f"/vendor/plotly-{plotly.__version__}.min.js" in r.text
    assert "https://" not in r.text and "http://" not in r.text.replace("http://www.w3.org", "")
    js = client.get(f"/vendor/plotly-{plotly.__version__}.min.js")
    assert js.status_code == 200
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert js.content == bundled.read_bytes()


def test_functions_catalog(client):
    funcs = get_json(client, "/api/functions")
    ids = [f["id"] for f in funcs]
    assert len(ids) >= 16 and len(set(ids)) == len(ids)
    for f in funcs:
        assert set(f) >= {"id", "name", "formula", "domain", "minima", "start"}
        (x0, x1), (y0, y1) = f["domain"]
        assert x0 < x1 and y0 < y1
        assert x0 <= f["start"][0] <= x1 and y0 <= f["start"][1] <= y1


def test_optimizers_catalog_lists_registry(client):
    opts = get_json(client, "/api/optimizers")
    assert [o["id"] for o in opts] == list(OPTIMIZERS)
    for o in opts:
        names = [h["name"] for h in o["hyperparameters"]]
        assert "lr" in names


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("function", ["rosenbrock", "himmelblau", "quadratic"])
def test_run_every_optimizer(client, name, function):
    body = {"surface": {"function": function}, "steps": 60, "optimizers": [{"name": name}]}
    out = post_json(client, "/api/runs", body)
    (run,) = out["runs"]
    assert run["optimizer"]["name"] == name
    assert run["status"] in {"converged", "diverged", "budget"}
    n = run["steps"]
    assert len(run["points"]) == len(run["losses"]) == len(run["grads"]) == n + 1
    assert run["points"][0] == list(SURFACES[function].start)
    # Each recorded update is the difference of consecutive points.
    pts = np.array(run["points"], dtype=float)
    np.testing.assert_allclose(np.array(run["updates"][1:], dtype=float), np.diff(pts, axis=0))


def test_sgd_step_matches_closed_form(client):
    start = np.array([-1.5, 2.0])
    lr = 1e-4
    body = {
        "surface": {"function": "rosenbrock"},
        "start": start.tolist(),
        "steps": 5,
        "optimizers": [{"name": "sgd", "lr": lr}],
    }
    (run,) = post_json(client, "/api/runs", body)["runs"]
    p = start.copy()
    for k in range(6):
        np.testing.assert_allclose(run["points"][k], p, rtol=1e-13)
        np.testing.assert_allclose(run["losses"][k], rosenbrock(p), rtol=1e-13)
        np.testing.assert_allclose(run["grads"][k], rosenbrock_grad(p), rtol=1e-12)
        p = p - lr * rosenbrock_grad(p)


def test_diverging_run_is_a_result(client):
    body = {
        "surface": {"function": "rosenbrock"},
        "start": [-1.5, 2.0],
        "steps": 500,
        "optimizers": [{"name": "sgd", "lr": 0.05}, {"name": "adam", "lr": 0.01}],
    }
    out = post_json(client, "/api/runs", body)
    diverged, adam = out["runs"]
    assert diverged["status"] == "diverged"
    assert 0 < diverged["stopped_at"] < 50 and diverged["reason"]
    assert len(diverged["points"]) == diverged["stopped_at"] + 1
    # The other racer carries on to its own end.
    assert adam["status"] in {"budget", "converged"} and adam["steps"] > diverged["steps"]


def test_expression_surface_runs(client):
    body = {
        "surface": {"expression": "(1-x)^2 + 100*(y-x^2)^2"},
        "start": [-1.5, 2.0],
        "steps": 3,
        "optimizers": [{"name": "sgd", "lr": 1e-4}],
    }
    (run,) = post_json(client, "/api/runs", body)["runs"]
    np.testing.assert_allclose(run["grads"][0], rosenbrock_grad(np.array([-1.5, 2.0])))


BAD_RUNS = [
    ({"surface": {"function": "nope"}}, "unknown function"),
    ({"surface": {"expression": "x + z"}}, "'z'"),
    ({"surface": {"function": "beale", "expression": "x"}}, "exactly one"),
    ({"steps": 10**9}, "at most"),
    ({"steps": 0}, "steps"),
    ({"optimizers": []}, "optimizers"),
    ({"optimizers": [{"name": "adam"}] * 9}, "at most 8"),
    ({"optimizers": [{"name": "lbfgs"}]}, "unknown optimizer"),
    ({"optimizers": [{"name": "sgd", "lr": -1}]}, "lr"),
    ({"optimizers": [{"name": "sgd", "lr": 0}]}, "lr"),
    ({"optimizers": [{"name": "sgd", "lr": "fast"}]}, "lr"),
    ({"optimizers": [{"name": "sgd", "colour": 1}]}, "colour"),
    ({"start": [1e300, 0]}, "start"),
    ({"start": [1]}, "start"),
    ({"extra": 1}, "extra"),
]


@pytest.mark.parametrize(("patch", "needle"), BAD_RUNS)
def test_bad_runs_refused_with_message(client, patch, needle):
    body = {"surface": {"function": "rosenbrock"}, "steps": 10, "optimizers": [{"name": "sgd"}]}
    body.update(patch)
    out = post_json(client, "/api/runs", body, status=422)
    assert isinstance(out["detail"], str) and needle in out["detail"]
    assert "Traceback" not in out["detail"]


def test_nan_in_json_body_refused(client):
    raw = b'{"surface": {"function": "rosenbrock"}, "start": [NaN, 1], "optimizers": [{"name": "sgd"}]}'
    r = client.post("/api/runs", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "start" in strict_json(r.content)["detail"]


def test_expression_error_has_column(client):
    r = client.get("/api/landscape", params={"expression": "x + z"})
    assert r.status_code == 422
    body = strict_json(r.content)
    assert "'z'" in body["detail"] and body["column"] == 5


def test_settings_limits_apply():
    small = TestClient(create_app(Settings(max_steps=10, max_grid=50)))
    body = {"surface": {"function": "booth"}, "steps": 11, "optimizers": [{"name": "sgd"}]}
    assert small.post("/api/runs", json=body).status_code == 422
    assert small.get("/api/landscape?function=booth&n=51").status_code == 422
    assert small.get("/api/landscape?function=booth&n=50").status_code == 200


def _decode(arr):
    raw = base64.b64decode(arr["bdata"])
    return np.frombuffer(raw, dtype="<" + arr["dtype"]).reshape(arr.get("shape", [-1]))


def test_landscape_grid_values(client):
    out = get_json(client, "/api/landscape?function=rosenbrock&n=41")
    x, y, z = _decode(out["x"]), _decode(out["y"]), _decode(out["z"])
    assert z.shape == (41, 41) and z.dtype == np.float32
    for j, i in [(0, 0), (20, 7), (40, 40), (13, 31)]:
        expected = rosenbrock(np.array([x[i], y[j]]))
        np.testing.assert_allclose(z[j, i], expected, rtol=1e-6)
    assert out["levels"] == sorted(out["levels"])


def test_landscape_limits(client):
    assert client.get("/api/landscape?function=rosenbrock&n=401").status_code == 422
    assert client.get("/api/landscape?function=rosenbrock&xmin=2&xmax=1").status_code == 422
    assert client.get("/api/landscape").status_code == 422
    r = client.get("/api/landscape?function=rosenbrock&n=400")
    assert r.status_code == 200
    # At most 4 bytes per grid point for z, plus small overhead for axes and levels.
    assert len(r.content) < 400 * 400 * 4 * 4 / 3 + 20_000


@pytest.mark.parametrize("url", ["/", "/api/functions", "/healthz", "/nope"])
def test_security_headers_everywhere(client, url):
    r = client.get(url)
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_unknown_route_is_json_404(client):
    r = client.get("/api/nothing")
    assert r.status_code == 404 and strict_json(r.content)["detail"]


def test_plotly_bundle_compressed_and_cacheable(client):
    url = f"/vendor/plotly-{plotly.__version__}.min.js"
    r = client.get(url, headers={"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert "immutable" in r.headers["cache-control"]
    assert int(r.headers["content-length"]) < len(r.content) / 2
    again = client.get(url, headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_custom_expression_log_scale_follows_its_range(client):
    steep = get_json(client, "/api/landscape?expression=exp(3*x) %2B y^2&n=21")
    flat = get_json(client, "/api/landscape?expression=x^2 %2B y^2&n=21")
    assert steep["log"] is True and flat["log"] is False
