"""Account: change password, choose which mail to get, manage API tokens for
the mobile app.

A new token's plain value never enters this state: the browser creates it
over HTTP (`/auth/api-tokens`) and shows it once in the page, then asks this
state to reload the list.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from rehome.core.auth import api_tokens, password_flows
from rehome.core.infra.errors import DomainError
from rehome.core.mail import preferences
from rehome.core.vocab import MailPref
from rehome.ui.fields import ListField, ObjectField, list_field, object_field
from rehome.ui.guard import Ctx, public, signed_in
from rehome.ui.session import SessionState, field_errors


class AccountState(SessionState):
    tokens: ListField[list[api_tokens.TokenOut]] = list_field()
    password_errors: ObjectField[dict[str, str]] = object_field(default_factory=dict)
    password_saved: rx.Field[bool] = rx.field(False)
    token_error: rx.Field[str] = rx.field("")
    mail_pref: rx.Field[str] = rx.field(MailPref.ALL.value)
    mail_saved: rx.Field[bool] = rx.field(False)

    def _reload_tokens(self, ctx: Ctx) -> None:
        self.tokens = api_tokens.list_tokens(ctx.db, ctx.actor)

    @signed_in(page=True)
    def load(self, ctx: Ctx) -> None:
        self.password_errors, self.password_saved, self.token_error = {}, False, ""
        self.mail_pref, self.mail_saved = preferences.get_preferences(ctx.db, ctx.actor).mail.value, False
        self._reload_tokens(ctx)

    @signed_in()
    def set_mail_pref(self, ctx: Ctx, value: str) -> None:
        """Unknown values are refused by the core's model, and the choice shown stays the stored one."""
        patch = preferences.PreferencesPatch.model_validate({"mail": value})
        self.mail_pref = preferences.set_preferences(ctx.db, ctx.actor, patch).mail.value
        self.mail_saved = True

    def _password_refused(self, error: DomainError) -> None:
        self.password_errors, self.password_saved = field_errors(error), False

    @signed_in(on_error="_password_refused")
    def change_password(self, ctx: Ctx, form: dict[str, Any]) -> Any:
        data = password_flows.PasswordChange(
            current_password=str(form.get("current_password", "")),
            new_password=str(form.get("new_password", "")),
        )
        password_flows.change_password(ctx.db, ctx.actor, data, keep_session=self._session_token())
        self.password_errors, self.password_saved = {}, True
        return rx.set_value("current_password", "")

    @signed_in()
    def token_created(self, ctx: Ctx, result: dict[str, Any]) -> None:
        """What the browser's token request answered (never the token itself)."""
        error = (result.get("error") or {}) if isinstance(result, dict) else {}
        ok = isinstance(result, dict) and bool(result.get("ok"))
        self.token_error = "" if ok else str(error.get("message") or "The token was not created.")[:200]
        self._reload_tokens(ctx)

    @signed_in()
    def revoke_token(self, ctx: Ctx, token_id: int) -> None:
        api_tokens.revoke_token(ctx.db, ctx.actor, int(token_id))
        ctx.db.flush()
        self._reload_tokens(ctx)

    @public
    def clear_token_error(self) -> None:
        self.token_error = ""
