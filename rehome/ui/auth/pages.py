"""Sign in, forgot password, choose a new password, accept an invite."""

from __future__ import annotations

import reflex as rx

from rehome.ui.auth.state import AuthState
from rehome.ui.components.forms import field, form_error, notice
from rehome.ui.components.links import post_form_js
from rehome.ui.layout import centered_card

_NEXT = (
    "{next: window.rehome.localPath(new URLSearchParams(window.location.search).get('next'), '/projects')}"
)
_TOKEN = "{token: window.location.pathname.split('/').filter(Boolean).pop()}"


def _submit(label: str) -> rx.Component:
    return rx.button(label, type="submit", size="3", width="100%")


def login_page() -> rx.Component:
    return centered_card(
        rx.text("Sign in to your workspace", color_scheme="gray"),
        form_error(AuthState.error),
        rx.form(
            rx.vstack(
                field(
                    "Email",
                    "email",
                    AuthState.field_errors.get("email", ""),
                    type="email",
                    auto_complete="username",
                    required=True,
                ),
                field(
                    "Password",
                    "password",
                    AuthState.field_errors.get("password", ""),
                    type="password",
                    auto_complete="current-password",
                    required=True,
                ),
                _submit("Sign in"),
                spacing="3",
            ),
            id="login-form",
            on_submit=rx.call_script(
                post_form_js("login-form", "/auth/login", _NEXT), callback=AuthState.on_result
            ),
        ),
        rx.link("Forgot your password?", href="/forgot", size="2"),
    )


def forgot_page() -> rx.Component:
    return centered_card(
        rx.text("We'll mail you a link to choose a new password.", color_scheme="gray"),
        form_error(AuthState.error),
        notice(rx.cond(AuthState.sent, "If that email has an account, a reset link is on its way.", "")),
        rx.form(
            rx.vstack(
                field("Email", "email", AuthState.field_errors.get("email", ""), type="email", required=True),
                _submit("Send reset link"),
                spacing="3",
            ),
            id="forgot-form",
            on_submit=rx.call_script(
                post_form_js("forgot-form", "/auth/reset/request"), callback=AuthState.on_reset_requested
            ),
        ),
        rx.link("Back to sign in", href="/login", size="2"),
    )


def reset_page() -> rx.Component:
    return centered_card(
        rx.text("Choose a new password. You'll be signed out everywhere else.", color_scheme="gray"),
        form_error(AuthState.error),
        rx.form(
            rx.vstack(
                field(
                    "New password",
                    "password",
                    AuthState.field_errors.get("password", ""),
                    type="password",
                    auto_complete="new-password",
                    required=True,
                ),
                _submit("Save password"),
                spacing="3",
            ),
            id="reset-form",
            on_submit=rx.call_script(
                post_form_js("reset-form", "/auth/reset/complete", _TOKEN), callback=AuthState.on_result
            ),
        ),
    )


def invite_page() -> rx.Component:
    return centered_card(
        form_error(AuthState.error),
        rx.cond(
            AuthState.invite_ok,
            rx.vstack(
                rx.text(
                    "Join ",
                    rx.text.strong(AuthState.invite_workspace),
                    " as ",
                    rx.code(AuthState.invite_email),
                ),
                rx.form(
                    rx.vstack(
                        field("Your name", "name", AuthState.field_errors.get("name", ""), required=True),
                        field(
                            "Choose a password",
                            "password",
                            AuthState.field_errors.get("password", ""),
                            type="password",
                            auto_complete="new-password",
                            required=True,
                        ),
                        _submit("Join ReHome"),
                        spacing="3",
                    ),
                    id="invite-form",
                    on_submit=rx.call_script(
                        post_form_js("invite-form", "/auth/invite/accept", _TOKEN),
                        callback=AuthState.on_result,
                    ),
                ),
                spacing="3",
                width="100%",
            ),
        ),
    )
