"""Bearer-token sign-in for API clients: POST /api/login, /api/logout, GET /api/me."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from rehome.api.deps import CurrentActor, Db, bearer_token
from rehome.core.auth import api_tokens
from rehome.core.auth.login import Credentials, authenticate
from rehome.core.auth.sessions import actor_for
from rehome.core.infra.validation import Email, Input, Password
from rehome.core.workspace import users

router = APIRouter(prefix="/api", tags=["auth"])


class LoginIn(Input):
    email: Email
    password: Password
    device_name: str = Field(default="API client", min_length=1, max_length=80)


class LoginOut(BaseModel):
    token: str
    token_type: str = "bearer"
    expires_at: str  # sign in again after this (API_TOKEN_TTL_DAYS); a password change ends it sooner
    user: users.Me


@router.post("/login", response_model=LoginOut)
def login(session: Db, body: LoginIn) -> LoginOut:
    """Exchange email and password for a bearer token (shown once)."""
    user = authenticate(session, Credentials(email=body.email, password=body.password))
    actor = actor_for(user)
    token, plain = api_tokens.create_token(session, actor, api_tokens.TokenCreate(name=body.device_name))
    me = users.me(session, actor)
    return LoginOut(token=plain, expires_at=token.expires_at, user=me)


@router.post("/logout", status_code=204)
def logout(session: Db, request: Request, actor: CurrentActor) -> Response:
    """Revoke the token this request was made with."""
    api_tokens.revoke_plain(session, bearer_token(request) or "")
    return Response(status_code=204)


@router.get("/me", response_model=users.Me)
def get_me(session: Db, actor: CurrentActor) -> users.Me:
    return users.me(session, actor)
