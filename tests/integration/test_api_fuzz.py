"""Schema-driven fuzzing: Schemathesis generates requests from our OpenAPI
document (valid and invalid); no request may produce a 5xx, and every error
has the one error body shape."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from rehome.api.app import build_api
from tests.world import World, build_world

schema = schemathesis.openapi.from_asgi("/api/openapi.json", build_api())


@pytest.fixture
def world(db: str) -> World:
    return build_world()


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@pytest.mark.parametrize("role", ["admin", "client"])
def test_no_server_errors(case, world: World, role: str) -> None:
    response = case.call(headers=world.auth(role))
    assert response.status_code < 500, (case.method, case.formatted_path, response.text)
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["code"]
        assert error["message"]
