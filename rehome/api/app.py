"""The FastAPI app that wraps the Reflex backend (`api_transformer`)."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse

from rehome.api import (
    admin_routes,
    agent_routes,
    auth_routes,
    blob_routes,
    digest_routes,
    errors,
    file_routes,
    mail_routes,
    message_routes,
    metrics_routes,
    project_routes,
    pwa_routes,
    task_routes,
    token_socket,
    web_account,
    web_auth,
)
from rehome.api.deps import text_in_query
from rehome.api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from rehome.core.infra.health import report
from rehome.settings import get_settings


def build_api() -> FastAPI:
    production = get_settings().is_production
    api = FastAPI(
        title="ReHome API",
        version="1.0.0",
        description="REST API for the ReHome mobile app. Authenticate with `POST /api/login`, "
        "then send `Authorization: Bearer <token>`. Writes accept an `Idempotency-Key` header.",
        openapi_url="/api/openapi.json",
        docs_url=None if production else "/api/docs",  # the OpenAPI document stays: the mobile app reads it
        redoc_url=None,
        dependencies=[Depends(text_in_query)],
    )
    errors.install(api)
    for router in (
        auth_routes.router,
        project_routes.router,
        task_routes.router,
        message_routes.router,
        file_routes.router,
        blob_routes.router,
        admin_routes.router,
        agent_routes.router,
        digest_routes.router,
        mail_routes.router,
        web_auth.router,
        web_account.router,
        token_socket.router,
        metrics_routes.router,
        pwa_routes.router,
    ):
        api.include_router(router)

    @api.get("/health", tags=["ops"])
    def health() -> JSONResponse:
        """Database, Redis and worker reachability; 503 when the app cannot serve."""
        body = report()
        return JSONResponse(body, status_code=503 if body["status"] == "down" else 200)

    @api.api_route(
        "/api/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
    )
    def unknown(path: str) -> JSONResponse:
        return errors.error_response(404, "not_found", "No such endpoint.")

    api.add_middleware(BodyLimitMiddleware)
    api.add_middleware(RequestContextMiddleware)
    return api
