"""`GET /metrics` in Prometheus text format (issue 12).

With `METRICS_TOKEN` set, a scrape needs `Authorization: Bearer <token>`. In
production the token is required: without one the endpoint answers 503 and
shows nothing. In development and tests, without a token, it answers only
loopback clients (the test client included), so a laptop's Prometheus can
scrape it and nobody else.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from rehome.api.errors import error_response
from rehome.core.infra.metrics_scrape import exposition
from rehome.settings import get_settings

router = APIRouter(tags=["ops"])
_LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}


def _refusal(request: Request) -> JSONResponse | None:
    settings = get_settings()
    token = settings.metrics_token
    if not token:
        if settings.is_production:
            return error_response(503, "not_configured", "Set METRICS_TOKEN to enable /metrics.")
        host = request.client.host if request.client else ""
        if host not in _LOOPBACK:
            return error_response(403, "forbidden", "Without METRICS_TOKEN, /metrics answers loopback only.")
        return None
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        return error_response(
            401, "not_authenticated", "A metrics token is required.", headers={"WWW-Authenticate": "Bearer"}
        )
    return None


@router.get("/metrics", include_in_schema=False)
def scrape(request: Request) -> Response:
    refused = _refusal(request)
    if refused is not None:
        return refused
    body, content_type = exposition()
    return Response(body, media_type=content_type)
