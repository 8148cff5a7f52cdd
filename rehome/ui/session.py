"""The signed-in user as seen by Reflex event handlers.

Any client can call any event handler with any arguments and pick its own
state token, so nothing about the user is trusted from state: every handler
resolves the actor again from the HttpOnly session cookie that came with the
websocket connection, and the core's access layer checks each id it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from typing import TypeVar
from urllib.parse import quote

import reflex as rx
from sqlmodel import Session

from rehome.core import notifications
from rehome.core.access import Actor
from rehome.core.auth.sessions import resolve_session
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError, Invalid
from rehome.settings import get_settings

T = TypeVar("T")


def cookie_value(header: str, name: str) -> str | None:
    try:
        jar = SimpleCookie(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


class SessionState(rx.State):
    """Base of every page state: who is signed in, re-checked on each event."""

    user_name: str = ""
    user_is_admin: bool = False
    unread: int = 0
    flash: str = ""

    def _session_token(self) -> str | None:
        return cookie_value(self.router.headers.cookie, get_settings().session_cookie_name)

    def _actor(self) -> Actor | None:
        token = self._session_token()
        if not token:
            return None
        with session_scope() as session:
            return resolve_session(session, token)

    def _sign_in_redirect(self) -> rx.event.EventSpec:
        self.user_name, self.user_is_admin = "", False
        path = self.router.url.path or "/projects"
        return rx.redirect(f"/login?next={quote(path)}", replace=True)

    def _remember(self, actor: Actor) -> None:
        self.user_name, self.user_is_admin = actor.name, actor.is_admin
        with session_scope() as session:
            self.unread = notifications.unread_count(session, actor)

    def _run(self, work: Callable[[Session], T]) -> T | None:
        """Run core work in one transaction; a domain error becomes the flash."""
        try:
            with session_scope() as session:
                result = work(session)
        except DomainError as error:
            self.flash = error.message
            return None
        self.flash = ""
        return result

    def _attempt(self, work: Callable[[Session], object]) -> bool:
        """Run a change in one transaction; False (with the flash set) if refused."""
        try:
            with session_scope() as session:
                work(session)
        except DomainError as error:
            self.flash = error.message
            return False
        self.flash = ""
        return True

    @rx.event
    def dismiss_flash(self) -> None:
        self.flash = ""


def field_errors(error: DomainError) -> dict[str, str]:
    """Per-field messages for a form, or the general one under `_form`."""
    if isinstance(error, Invalid):
        return {key.split(".")[-1]: value for key, value in error.fields.items()}
    return {"_form": error.message}
