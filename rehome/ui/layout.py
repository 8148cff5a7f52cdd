"""The app shell: top bar with navigation, the page, and a flash message."""

from __future__ import annotations

import reflex as rx

from rehome.ui.components.links import sign_out_js
from rehome.ui.components.reconnecting import reconnecting_badge
from rehome.ui.session import SessionState


def _nav_link(text: str, href: str) -> rx.Component:
    return rx.link(
        text, href=href, size="3", weight="medium", underline="none", color_scheme="gray", high_contrast=True
    )


def top_bar() -> rx.Component:
    return rx.flex(
        rx.link(
            rx.hstack(rx.icon("house", size=22), rx.heading("ReHome", size="5"), align="center", spacing="2"),
            href="/projects",
            underline="none",
            color_scheme="orange",
        ),
        rx.hstack(
            _nav_link("Projects", "/projects"),
            rx.cond(SessionState.user_is_admin, _nav_link("Admin", "/admin")),
            _nav_link("Account", "/account"),
            spacing="4",
            display=["none", "flex"],
        ),
        rx.spacer(),
        rx.hstack(
            rx.link(
                rx.box(
                    rx.icon("bell", size=20),
                    rx.cond(
                        SessionState.unread > 0,
                        rx.badge(
                            rx.cond(SessionState.unread > 99, "99+", SessionState.unread),
                            color_scheme="red",
                            radius="full",
                            size="1",
                            position="absolute",
                            top="-8px",
                            right="-10px",
                            id="unread-count",
                        ),
                    ),
                    position="relative",
                ),
                href="/notifications",
                color_scheme="gray",
                aria_label="Notifications",
            ),
            rx.text(
                SessionState.user_name,
                size="2",
                color_scheme="gray",
                display=["none", "block"],
                id="signed-in-as",
            ),
            rx.menu.root(
                rx.menu.trigger(rx.icon_button(rx.icon("menu"), variant="soft", aria_label="Menu")),
                rx.menu.content(
                    rx.menu.item("Projects", on_click=rx.redirect("/projects")),
                    rx.cond(
                        SessionState.user_is_admin, rx.menu.item("Admin", on_click=rx.redirect("/admin"))
                    ),
                    rx.menu.item("Account", on_click=rx.redirect("/account")),
                    rx.menu.separator(),
                    rx.menu.item(
                        "Sign out",
                        color="red",
                        on_click=rx.call_script(sign_out_js()),
                        id="sign-out",
                    ),
                ),
            ),
            align="center",
        ),
        align="center",
        spacing="5",
        padding_x=rx.breakpoints(initial="12px", sm="24px"),
        padding_y="10px",
        border_bottom="1px solid var(--gray-a5)",
        position="sticky",
        top="0",
        background="var(--color-panel-solid)",
        z_index="10",
        class_name="top-bar",
    )


def app_shell(*children: rx.Component) -> rx.Component:
    return rx.box(
        top_bar(),
        rx.box(
            rx.cond(
                SessionState.flash != "",
                rx.callout(
                    rx.hstack(
                        rx.text(SessionState.flash),
                        rx.spacer(),
                        rx.icon("x", size=16, cursor="pointer", on_click=SessionState.dismiss_flash),
                    ),
                    icon="triangle_alert",
                    color_scheme="red",
                    role="alert",
                    margin_bottom="4",
                ),
            ),
            *children,
            reconnecting_badge(),
            max_width="1440px",
            margin_x="auto",
            padding=rx.breakpoints(initial="12px", sm="24px"),
        ),
        min_height="100vh",
    )


def centered_card(*children: rx.Component) -> rx.Component:
    """Sign-in style pages: one card in the middle of the screen."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("house", size=28, color="var(--orange-9)"),
                    rx.heading("ReHome", size="7"),
                    align="center",
                ),
                *children,
                spacing="4",
                width="100%",
            ),
            size="4",
            width="100%",
            max_width="420px",
        ),
        min_height="100vh",
        padding="16px",
    )
