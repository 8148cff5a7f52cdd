"""Notifications page: mentions and assignments, newest first."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rehome.core.notifications.service import NotificationOut
from rehome.ui.layout import app_shell
from rehome.ui.notifications.state import NotificationsState


def _row(item: ObjectVar[NotificationOut]) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.icon(rx.cond(item.kind == "mention", "at-sign", "clipboard-check"), size=18),
            rx.box(
                rx.text(item.title, weight=rx.cond(item.read, "regular", "bold"), size="2"),
                rx.text(item.body, size="2", color_scheme="gray", trim="both"),
                rx.moment(item.created_at, from_now=True, size="1", color="var(--gray-10)"),
                flex="1",
                min_width="0",
            ),
            rx.cond(~item.read, rx.badge("new", color_scheme="orange")),
            align="center",
            width="100%",
        ),
        on_click=NotificationsState.open(item.id, item.link),
        cursor="pointer",
        class_name="notification",
    )


def notifications_page() -> rx.Component:
    return app_shell(
        rx.hstack(
            rx.heading("Notifications", size="6"),
            rx.spacer(),
            rx.button(
                rx.cond(NotificationsState.unread_only, "Show all", "Unread only"),
                variant="soft",
                on_click=NotificationsState.toggle_unread,
            ),
            rx.button("Mark all read", variant="outline", on_click=NotificationsState.mark_all_read),
            margin_bottom="16px",
            wrap="wrap",
        ),
        rx.cond(
            NotificationsState.items.length() == 0,
            rx.callout("Nothing here. Mentions and tasks assigned to you will show up here.", icon="bell"),
        ),
        rx.vstack(rx.foreach(NotificationsState.items, _row), spacing="2", width="100%"),
    )
