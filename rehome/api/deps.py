"""What every API route needs: the bearer actor, ids, paging, idempotent writes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, TypeAdapter
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from rehome.core.access import Actor
from rehome.core.auth.api_tokens import resolve_token
from rehome.core.auth.sessions import resolve_session
from rehome.core.infra import idempotency, ratelimit
from rehome.core.infra.db import end_session, new_session, rollback
from rehome.core.infra.errors import Invalid, NotAuthenticated
from rehome.core.infra.pagination import MAX_LIMIT, decode_cursor
from rehome.core.infra.validation import MAX_DB_INT, NUL_MESSAGE
from rehome.settings import get_settings

Id = Annotated[int, Path(ge=1, le=MAX_DB_INT)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


_bearer = HTTPBearer(auto_error=False, description="An API token from POST /api/login.")
T = TypeVar("T")


async def request_session() -> AsyncIterator[Session]:
    """The request's one session and transaction, shared by the actor check and
    the route (FastAPI caches it per request). Opening it costs no I/O (the
    connection is taken at the first query), so only the end, commit or
    rollback, goes to a worker thread, and only if a query ran and the route
    did not end the transaction itself (`answer`, `write`)."""
    session = new_session()
    try:
        yield session
    except BaseException:
        await _end(session, failed=True)
        raise
    await _end(session, failed=False)


async def _end(session: Session, *, failed: bool) -> None:
    if session.in_transaction() or session.info:
        await run_in_threadpool(end_session, session, failed=failed)
    else:
        session.close()


# "function": the transaction ends before the answer is sent, so a write is
# committed (and announced) by the time its client hears back. A request holds
# its connection across thread hops (actor check, route, commit), so at most
# DB_CONCURRENCY requests per process hold one: more would fill the worker
# threads with requests waiting for the pool while the holders wait for a
# thread. The others wait here, without a thread (`max_concurrency`).
DB_CONCURRENCY = 20  # under the engine's pool (10 + 20 overflow) and anyio's 40 threads
Db = Annotated[Session, Depends(request_session, scope="function", max_concurrency=DB_CONCURRENCY)]


async def text_in_query(connection: HTTPConnection) -> None:
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
    session: Db,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The token's user, looked up in the request's session; every API call is
    also counted against their rate limit."""
    token = credentials.credentials if credentials else None
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
    session: Db,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """A bearer token, or (the Files tab; the offline outbox's messages, tasks
    and photos) the session cookie on a same-origin request marked
    `X-Requested-With: rehome`: a custom header cannot be sent cross-site
    without a CORS preflight, which only the app's origins pass."""
    if credentials is not None:
        return current_actor(session, credentials)
    origin = request.headers.get("origin")
    settings = get_settings()
    same_site = origin is None or origin.rstrip("/") in [*settings.allowed_origins, _own_origin(request)]
    if request.headers.get(BROWSER_HEADER) != "rehome" or not same_site:
        raise NotAuthenticated("A valid bearer token is required.")
    actor = resolve_session(session, request.cookies.get(settings.session_cookie_name))
    if actor is None:
        raise NotAuthenticated("Sign in to continue.")
    ratelimit.hit([(ratelimit.Limit("api", settings.api_rate_per_minute, 60), actor.user_id)])
    return actor


def _own_origin(request: Request) -> str:
    return str(request.base_url).rstrip("/")


UploadActor = Annotated[Actor, Depends(upload_actor)]


async def cursor_param(cursor: Annotated[str | None, Query(max_length=200)] = None) -> int | None:
    """Async although it waits on nothing: FastAPI runs a sync dependency in a
    worker thread, and the hop costs more CPU than decoding the cursor."""
    return decode_cursor(cursor)


Cursor = Annotated[int | None, Depends(cursor_param)]


def write(
    request: Request,
    session: Session,
    actor: Actor,
    action: Callable[[Session], Any],
    *,
    body: BaseModel | None = None,
    status_code: int = 200,
) -> Response:
    """Run a write in the request's transaction and commit it before answering;
    honour `Idempotency-Key` if sent."""
    raw_key = request.headers.get("idempotency-key")
    if raw_key is None:
        result = jsonable_encoder(action(session))
        end_session(session, failed=False)  # here, not one more thread hop later (see `answer`)
        return _respond(result, status_code)
    key = idempotency.validate_key(raw_key)
    method, path = request.method, request.url.path
    digest = idempotency.fingerprint(method, path, body.model_dump(mode="json") if body else None)
    try:
        stored = idempotency.find(session, actor.user_id, key, digest)
        if stored is None:
            result = jsonable_encoder(action(session))
            idempotency.remember(session, actor.user_id, key, method, path, digest, status_code, result)
            end_session(session, failed=False)
            return _respond(result, status_code)
    except IntegrityError:
        rollback(session)  # a concurrent retry committed first
        stored = idempotency.find(session, actor.user_id, key, digest)
        if stored is None:
            raise
    return _respond(stored.response["body"], stored.status_code, replayed=True)


def answer(session: Session, adapter: TypeAdapter[T], value: T) -> Response:
    """A read's JSON, serialised once from view models the service already built
    (FastAPI would validate them again against `response_model` first). The
    request's transaction ends here, in the route's worker thread: ended by
    `request_session` it would take one more hop to a thread (issue 13)."""
    body = adapter.dump_json(value)
    end_session(session, failed=False)
    return Response(body, media_type="application/json")


def _respond(body: Any, status_code: int, replayed: bool = False) -> Response:
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    if status_code == 204:
        return Response(status_code=204, headers=headers)
    return JSONResponse(body, status_code=status_code, headers=headers)
