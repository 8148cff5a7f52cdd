"""Cookie-authenticated account actions for the browser that must not pass
through Reflex state: creating an API token (its plain value is shown once,
in the page, and never stored in a state var on the server), and dropping a
tab's state tree on sign-out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from rehome.api.web_auth import session_cookie
from rehome.core.auth import api_tokens
from rehome.core.auth.sessions import resolve_session
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Forbidden, NotAuthenticated
from rehome.settings import get_settings

router = APIRouter(prefix="/auth", tags=["browser sign-in"], include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


def same_origin(request: Request) -> None:
    """Cookie-authenticated writes come from our own pages only (CSRF)."""
    origin = request.headers.get("origin")
    if origin is not None and origin not in get_settings().allowed_origins:
        raise Forbidden("Cross-site request refused.")


@router.post("/api-tokens")
def create_api_token(body: api_tokens.TokenCreate, request: Request) -> JSONResponse:
    same_origin(request)
    with session_scope() as session:
        actor = resolve_session(session, session_cookie(request))
        if actor is None:
            raise NotAuthenticated("Sign in again to create a token.")
        created, plain = api_tokens.create_token(session, actor, body)
    return JSONResponse(
        {"ok": True, "id": created.id, "name": created.name, "token": plain}, headers=NO_STORE
    )
