"""Form pieces: a labelled field with its error shown right under it."""

from __future__ import annotations

from typing import Any

import reflex as rx


def field(label: str, name: str, error: rx.Var | str = "", **input_props: Any) -> rx.Component:
    return rx.box(
        rx.text(label, as_="label", size="2", weight="medium", html_for=name),
        rx.input(name=name, id=name, size="3", width="100%", **input_props),
        rx.cond(error != "", rx.text(error, color_scheme="red", size="1", class_name="field-error")),
        width="100%",
        class_name="field",
    )


def form_error(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
    )


def notice(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="info", color_scheme="green", role="status", width="100%"),
    )
