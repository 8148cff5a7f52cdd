"""Account: change password, manage API tokens for the mobile app."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError

from rehome.core.auth import api_tokens, password_flows
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError, Invalid
from rehome.ui.session import SessionState, field_errors


class AccountState(SessionState):
    tokens: list[api_tokens.TokenOut] = []
    new_token: str = ""
    password_errors: dict[str, str] = {}
    password_saved: bool = False
    token_error: str = ""

    def _reload_tokens(self, actor: Any) -> None:
        self.tokens = self._run(lambda s: api_tokens.list_tokens(s, actor)) or []

    @rx.event
    def load(self) -> rx.event.EventSpec | None:
        actor = self._actor()
        if actor is None:
            return self._sign_in_redirect()
        self._remember(actor)
        self.password_errors, self.password_saved, self.new_token = {}, False, ""
        self._reload_tokens(actor)
        return None

    @rx.event
    def change_password(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        actor = self._actor()
        if actor is None:
            return self._sign_in_redirect()
        self.password_saved = False
        try:
            data = password_flows.PasswordChange(
                current_password=str(form.get("current_password", "")),
                new_password=str(form.get("new_password", "")),
            )
            with session_scope() as session:
                password_flows.change_password(session, actor, data, keep_session=self._session_token())
        except ValidationError as error:
            self.password_errors = field_errors(Invalid.from_validation(error))
            return None
        except DomainError as error:
            self.password_errors = field_errors(error)
            return None
        self.password_errors, self.password_saved = {}, True
        return rx.set_value("current_password", "")

    @rx.event
    def create_token(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        actor = self._actor()
        if actor is None:
            return self._sign_in_redirect()
        try:
            data = api_tokens.TokenCreate(name=str(form.get("token_name", "")))
        except ValidationError:
            self.token_error = "Give the token a name (up to 80 characters)."
            return None
        created = self._run(lambda s: api_tokens.create_token(s, actor, data))
        if created:
            self.new_token, self.token_error = created[1], ""
            self._reload_tokens(actor)
        return None

    @rx.event
    def revoke_token(self, token_id: int) -> rx.event.EventSpec | None:
        actor = self._actor()
        if actor is None:
            return self._sign_in_redirect()
        self._run(lambda s: api_tokens.revoke_token(s, actor, int(token_id)))
        self._reload_tokens(actor)
        return None

    @rx.event
    def forget_new_token(self) -> None:
        self.new_token = ""
