"""Cookie sign-in for the browser: these endpoints set or clear the HttpOnly
session cookie, which Reflex event handlers then read from the websocket."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from rehome.core.auth import invites, password_flows
from rehome.core.auth.login import Credentials, authenticate
from rehome.core.auth.sessions import create_session, resolve_session, revoke_session
from rehome.core.infra.db import session_scope
from rehome.core.infra.validation import Email, Input, Password, local_path
from rehome.core.models import User
from rehome.settings import get_settings

router = APIRouter(prefix="/auth", tags=["browser sign-in"], include_in_schema=False)


def session_cookie(request: Request) -> str | None:
    return request.cookies.get(get_settings().session_cookie_name)


def _signed_in(user: User, request: Request, redirect: str = "/projects") -> JSONResponse:
    with session_scope() as session:
        token = create_session(session, user, request.headers.get("user-agent", ""))
    settings = get_settings()
    response = JSONResponse({"ok": True, "redirect": redirect})
    response.set_cookie(
        settings.session_cookie_name,
        token,
        max_age=settings.session_absolute_hours * 3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )
    return response


class WebLogin(Input):
    email: Email
    password: Password
    next: str = Field(default="/projects", max_length=300)


@router.post("/login")
def login(body: WebLogin, request: Request) -> JSONResponse:
    with session_scope() as session:
        user = authenticate(session, Credentials(email=body.email, password=body.password))
    return _signed_in(user, request, local_path(body.next))


class WebLogout(Input):
    tab: str = Field(default="", max_length=100)  # the signing-out tab's Reflex client token


TabDropper = Callable[[str, str | None], Awaitable[None]]
tab_droppers: list[TabDropper] = []  # the UI registers how to empty a tab's state tree


@router.post("/logout")
async def logout(request: Request, body: WebLogout | None = None) -> JSONResponse:
    """Revoke the session server-side, so every tab using it is out at once, and
    empty the signing-out tab's state tree (only if it belongs to this session)."""
    token = session_cookie(request)
    await asyncio.to_thread(_revoke, token)
    for drop in tab_droppers:
        await drop(body.tab if body else "", token)
    response = JSONResponse({"ok": True, "redirect": "/login"})
    response.delete_cookie(get_settings().session_cookie_name, path="/")
    return response


def _revoke(token: str | None) -> None:
    with session_scope() as session:
        revoke_session(session, token)


@router.get("/session")
def current(request: Request) -> JSONResponse:
    with session_scope() as session:
        actor = resolve_session(session, session_cookie(request))
    return JSONResponse({"signed_in": actor is not None})


@router.post("/invite/accept")
def accept_invite(body: invites.InviteAccept, request: Request) -> JSONResponse:
    with session_scope() as session:
        user = invites.accept_invite(session, body)
    return _signed_in(user, request)


@router.post("/reset/request")
def request_reset(body: password_flows.ResetRequest) -> Response:
    with session_scope() as session:
        password_flows.request_reset(session, body)
    return JSONResponse({"ok": True})


@router.post("/reset/complete")
def complete_reset(body: password_flows.ResetComplete, request: Request) -> JSONResponse:
    with session_scope() as session:
        user = password_flows.complete_reset(session, body)
    return _signed_in(user, request)
