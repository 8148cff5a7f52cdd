"""Account page: password, mail preferences and API tokens."""

from __future__ import annotations

from typing import cast

import reflex as rx
from reflex.vars import ObjectVar, StringVar

from rehome.core.auth.api_tokens import TokenOut
from rehome.settings import get_settings
from rehome.ui.account.state import AccountState
from rehome.ui.components.forms import field, form_error, notice
from rehome.ui.components.links import create_token_js
from rehome.ui.layout import app_shell


def _password_card() -> rx.Component:
    errors = AccountState.password_errors
    return rx.card(
        rx.heading("Password", size="4", margin_bottom="3"),
        form_error(errors.get("_form", "")),
        notice(
            rx.cond(AccountState.password_saved, "Password changed. Your other sessions were signed out.", "")
        ),
        rx.form(
            rx.vstack(
                field(
                    "Current password",
                    "current_password",
                    errors.get("current_password", ""),
                    type="password",
                    auto_complete="current-password",
                ),
                field(
                    "New password",
                    "new_password",
                    errors.get("new_password", ""),
                    type="password",
                    auto_complete="new-password",
                ),
                rx.button("Change password", type="submit"),
                spacing="3",
                align="start",
            ),
            on_submit=AccountState.change_password,
            reset_on_submit=True,
            id="password-form",
        ),
    )


MAIL_CHOICES = {
    "all": "Everything: mention alerts and digests",
    "mentions": "Only when someone @mentions me",
    "digest": "Only the daily and weekly digests",
    "none": "No mail (invites and password resets still come)",
}


def _mail_card() -> rx.Component:
    return rx.card(
        rx.heading("Email", size="4", margin_bottom="3"),
        rx.text("Which mail ReHome sends you. Every mail also has an unsubscribe link.", size="2"),
        rx.radio_group.root(
            rx.vstack(
                *[
                    rx.radio_group.item(rx.text(label, size="2"), value=value, id=f"mail-pref-{value}")
                    for value, label in MAIL_CHOICES.items()
                ],
                spacing="2",
                margin_top="3",
            ),
            value=AccountState.mail_pref,
            on_change=AccountState.set_mail_pref,
            id="mail-pref",
        ),
        notice(rx.cond(AccountState.mail_saved, "Saved.", "")),
    )


def _token_row(token: ObjectVar[TokenOut]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(token.name),
        rx.table.cell(rx.code(cast(StringVar, token.prefix) + "…")),
        rx.table.cell(rx.moment(token.created_at, from_now=True)),
        rx.table.cell(rx.cond(token.last_used_at, rx.moment(token.last_used_at, from_now=True), "never")),
        rx.table.cell(rx.moment(token.expires_at, from_now=True), class_name="token-expires"),
        rx.table.cell(
            rx.button(
                "Revoke",
                size="1",
                color_scheme="red",
                variant="soft",
                on_click=AccountState.revoke_token(token.id),
            )
        ),
    )


def _tokens_card() -> rx.Component:
    return rx.card(
        rx.heading("API tokens", size="4", margin_bottom="1"),
        rx.text(
            f"For the ReHome mobile app and scripts. A token is shown once, expires after "
            f"{get_settings().api_token_ttl_days} days, and stops working when you change your password.",
            size="2",
            color_scheme="gray",
        ),
        rx.box(id="new-token-box", class_name="once-box", aria_live="polite"),
        form_error(AccountState.token_error),
        rx.form(
            rx.hstack(
                rx.input(name="token_name", placeholder="Token name, e.g. iPad", max_length=80),
                rx.button("Create token", type="submit"),
                margin_y="3",
            ),
            on_submit=rx.call_script(
                create_token_js("token-form", "new-token-box"), callback=AccountState.token_created
            ),
            prevent_default=True,
            id="token-form",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h)
                        for h in ("Name", "Token", "Created", "Last used", "Expires", "")
                    ]
                )
            ),
            rx.table.body(rx.foreach(AccountState.tokens, _token_row)),
            width="100%",
        ),
        overflow_x="auto",
    )


def account_page() -> rx.Component:
    return app_shell(
        rx.heading("Account", size="6", margin_bottom="4"),
        rx.grid(
            _password_card(),
            _mail_card(),
            _tokens_card(),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
        ),
    )
