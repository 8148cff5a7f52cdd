"""What every API route needs: the bearer actor, ids, paging, idempotent writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.requests import HTTPConnection

from rehome.core.access import Actor
from rehome.core.auth.api_tokens import resolve_token
from rehome.core.auth.sessions import resolve_session
from rehome.core.infra import idempotency, ratelimit
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Invalid, NotAuthenticated
from rehome.core.infra.pagination import MAX_LIMIT, decode_cursor
from rehome.core.infra.validation import MAX_DB_INT, NUL_MESSAGE
from rehome.settings import get_settings

Id = Annotated[int, Path(ge=1, le=MAX_DB_INT)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


_bearer = HTTPBearer(auto_error=False, description="An API token from POST /api/login.")


def text_in_query(connection: HTTPConnection) -> None:
    """Every route's query parameters: a NUL is refused here once, as in bodies
    (`validation.Input`), since PostgreSQL cannot compare text holding one."""
    for name, value in connection.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            raise Invalid({name.replace("\x00", ""): NUL_MESSAGE})


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_actor(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The token's user; every API call is also counted against their rate limit."""
    token = credentials.credentials if credentials else None
    with session_scope() as session:
        actor = resolve_token(session, token)
    if actor is None:
        raise NotAuthenticated("A valid bearer token is required.")
    limit = ratelimit.Limit("api", get_settings().api_rate_per_minute, 60)
    ratelimit.hit([(limit, actor.user_id)])
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
BROWSER_HEADER = "x-requested-with"


def upload_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """A bearer token, or (the Files tab; the offline outbox's messages, tasks
    and photos) the session cookie on a same-origin request marked
    `X-Requested-With: rehome`: a custom header cannot be sent cross-site
    without a CORS preflight, which only the app's origins pass."""
    if credentials is not None:
        return current_actor(credentials)
    origin = request.headers.get("origin")
    settings = get_settings()
    same_site = origin is None or origin.rstrip("/") in [*settings.allowed_origins, _own_origin(request)]
    if request.headers.get(BROWSER_HEADER) != "rehome" or not same_site:
        raise NotAuthenticated("A valid bearer token is required.")
    with session_scope() as session:
        actor = resolve_session(session, request.cookies.get(settings.session_cookie_name))
    if actor is None:
        raise NotAuthenticated("Sign in to continue.")
    ratelimit.hit([(ratelimit.Limit("api", settings.api_rate_per_minute, 60), actor.user_id)])
    return actor


def _own_origin(request: Request) -> str:
    return str(request.base_url).rstrip("/")


UploadActor = Annotated[Actor, Depends(upload_actor)]


def cursor_param(cursor: Annotated[str | None, Query(max_length=200)] = None) -> int | None:
    return decode_cursor(cursor)


Cursor = Annotated[int | None, Depends(cursor_param)]


def write(
    request: Request,
    actor: Actor,
    action: Callable[[Session], Any],
    *,
    body: BaseModel | None = None,
    status_code: int = 200,
) -> Response:
    """Run a write in one transaction; honour `Idempotency-Key` if sent."""
    raw_key = request.headers.get("idempotency-key")
    if raw_key is None:
        with session_scope() as session:
            return _respond(jsonable_encoder(action(session)), status_code)
    key = idempotency.validate_key(raw_key)
    method, path = request.method, request.url.path
    digest = idempotency.fingerprint(method, path, body.model_dump(mode="json") if body else None)
    try:
        with session_scope() as session:
            stored = idempotency.find(session, actor.user_id, key, digest)
            if stored is None:
                result = jsonable_encoder(action(session))
                idempotency.remember(session, actor.user_id, key, method, path, digest, status_code, result)
                return _respond(result, status_code)
    except IntegrityError:
        with session_scope() as session:  # a concurrent retry committed first
            stored = idempotency.find(session, actor.user_id, key, digest)
        if stored is None:
            raise
    return _respond(stored.response["body"], stored.status_code, replayed=True)


def _respond(body: Any, status_code: int, replayed: bool = False) -> Response:
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    if status_code == 204:
        return Response(status_code=204, headers=headers)
    return JSONResponse(body, status_code=status_code, headers=headers)
