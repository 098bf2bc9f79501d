"""schemathesis against the app's own OpenAPI schema, in process: no 5xx, responses conform."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from app.config import Settings
from app.main import create_app

# Small limits keep each generated case cheap: a few hundred steps, small grids.
app = create_app(Settings(max_steps=300, max_grid=60, default_grid=30))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms(case):
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
