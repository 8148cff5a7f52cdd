"""One error body for every failure: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import redis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from rehome.core.infra.errors import DomainError, Invalid, RateLimited, Unavailable
from rehome.logs import request_id

log = logging.getLogger("rehome.api")
_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
}


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message, "request_id": request_id()}
    if fields:
        body["fields"] = fields
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def domain_error_response(exc: DomainError) -> JSONResponse:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited | Unavailable) else None
    fields = exc.fields if isinstance(exc, Invalid) else None
    return error_response(exc.status, exc.code, exc.message, fields, headers)


async def _domain(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_error_response(exc)


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(400, "malformed_json", "The request body is not valid JSON.")
    fields: dict[str, str] = {}
    for item in errors:
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body",)]
        fields.setdefault(
            ".".join(loc) or "body", str(item.get("msg", "invalid")).removeprefix("Value error, ")
        )
    return error_response(422, "invalid", "Some fields are not valid.", fields)


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


REDIS_RETRY_AFTER = 5  # seconds: Redis restarts and failovers take about this long


async def _redis_down(request: Request, exc: Exception) -> JSONResponse:
    """What needs Redis (asking the assistant, following a stream) answers
    503 with Retry-After while it is away; one log line, no traceback."""
    log.warning(
        "redis unavailable", extra={"path": request.url.path, "error": f"{type(exc).__name__}: {exc}"[:200]}
    )
    return domain_error_response(
        Unavailable(REDIS_RETRY_AFTER, "This needs a service that is briefly unavailable. Try again shortly.")
    )


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal", "Something went wrong on our side.")


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    for error in (redis.ConnectionError, redis.TimeoutError):
        app.add_exception_handler(error, _redis_down)
    app.add_exception_handler(Exception, _unexpected)
