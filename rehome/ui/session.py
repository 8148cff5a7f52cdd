"""The root of every page state: who the tree belongs to, and the top bar.

Reflex keeps each tab's state tree on the server under a token the client
picks, and any client can call any handler. So nothing here is trusted on its
own: `owner.OwnerBinding` binds the tree to the session on the socket before
any event runs (and empties it when they differ), and `guard` resolves the
actor again for every handler that touches tenant data.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import quote

import reflex as rx
from reflex_base.event import EventSpec

from rehome.core import notifications
from rehome.core.infra.errors import DomainError, Invalid
from rehome.settings import get_settings
from rehome.ui.guard import public

STALE = "!stale"  # an owner no session digest can equal: the next event empties the tree
NOT_ADMIN = "The admin dashboard is for workspace admins only."


def cookie_value(header: str, name: str) -> str | None:
    try:
        jar = SimpleCookie(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


class SessionState(rx.State):
    """Base of every page state; `_owner` is the digest of the session the tree
    belongs to ("" for nobody), set only by `owner.OwnerBinding`."""

    user_name: rx.Field[str] = rx.field("")
    user_is_admin: rx.Field[bool] = rx.field(False)
    unread: rx.Field[int] = rx.field(0)
    flash: rx.Field[str] = rx.field("")
    _owner: str = ""
    _bound: bool = False

    def _session_token(self) -> str | None:
        return cookie_value(self.router.headers.cookie, get_settings().session_cookie_name)

    def _signed_out(self) -> EventSpec:
        """No valid session: forget whose tree this was (the next event empties
        it) and go to sign-in, coming back here afterwards."""
        self._owner = STALE
        self.user_name, self.user_is_admin, self.unread = "", False, 0
        path = self.router.url.path or "/projects"
        return rx.redirect(f"/login?next={quote(path)}", replace=True)

    def _not_admin(self) -> Any:
        self.user_is_admin = False
        self.flash = NOT_ADMIN
        return [rx.redirect("/projects", replace=True), rx.toast.warning(NOT_ADMIN)]

    def _remember(self, ctx: Any) -> None:
        """The top bar's name, admin link and unread count, for a page that opens."""
        self.user_name, self.user_is_admin = ctx.actor.name, ctx.actor.is_admin
        self.unread = notifications.unread_count(ctx.db, ctx.actor)

    def _refused(self, error: DomainError) -> Any:
        """What a guarded handler shows when the core refuses: the flash message."""
        self.flash = error.message
        return None

    @public
    def dismiss_flash(self) -> None:
        self.flash = ""


def field_errors(error: DomainError) -> dict[str, str]:
    """Per-field messages for a form, or the general one under `_form`."""
    if isinstance(error, Invalid):
        return {key.split(".")[-1]: value for key, value in error.fields.items()}
    return {"_form": error.message}
