"""Sign-in pages: the HTTP endpoints do the work, this state shows the outcome.

These pages are for visitors: their handlers read no tenant data, only
whether the visitor's own session is valid and what an invite link (whose
token is the visitor's to hold) is for.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.event import EventSpec

from rehome.core.auth.invites import preview_invite
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import NotFound
from rehome.ui.fields import ObjectField, object_field
from rehome.ui.guard import public, session_actor
from rehome.ui.session import SessionState


class AuthState(SessionState):
    error: rx.Field[str] = rx.field("")
    field_errors: ObjectField[dict[str, str]] = object_field(default_factory=dict)
    sent: rx.Field[bool] = rx.field(False)
    invite_email: rx.Field[str] = rx.field("")
    invite_workspace: rx.Field[str] = rx.field("")
    invite_ok: rx.Field[bool] = rx.field(False)

    def _clear(self) -> None:
        self.error, self.field_errors, self.sent = "", {}, False

    @public
    def load_login(self) -> EventSpec | None:
        """Already signed in? Go straight on."""
        self._clear()
        with session_scope() as db:
            signed_in = session_actor(self, db) is not None
        return rx.redirect("/projects", replace=True) if signed_in else None

    @public
    def load_form(self) -> None:
        self._clear()

    @public
    def load_invite(self) -> None:
        self._clear()
        token = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        try:
            with session_scope() as session:
                info = preview_invite(session, token)
        except NotFound as error:
            self.invite_ok, self.error = False, error.message
            return
        self.invite_ok = True
        self.invite_email, self.invite_workspace = info["email"], info["workspace"]

    @public
    def on_result(self, result: dict[str, Any]) -> None:
        """What the sign-in endpoint answered (a success has already navigated)."""
        if not isinstance(result, dict) or result.get("ok"):
            self._clear()
            return
        error = result.get("error") or {}
        self.field_errors = {k.split(".")[-1]: str(v) for k, v in (error.get("fields") or {}).items()}
        self.error = str(error.get("message") or "Something went wrong. Try again.")

    @public
    def on_reset_requested(self, result: dict[str, Any]) -> None:
        self.on_result(result)
        if isinstance(result, dict) and result.get("ok"):
            self.sent = True
