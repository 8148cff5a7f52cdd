"""The admin assistant page's Daily Digest, Weekly Workspace Digest and Risks &
Blockers tabs."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType

from rehome.ui.digests.admin_state import AdminDigestState as S
from rehome.ui.digests.view import digest_card, risks_panel


def _write(label: str, on_click: EventType[()], waiting: str, element_id: str) -> rx.Component:
    busy = S.waiting == waiting
    return rx.hstack(
        rx.button(
            rx.cond(busy, rx.spinner(size="1"), rx.icon("sparkles", size=14)),
            label,
            on_click=on_click,
            disabled=busy,
            variant="soft",
            id=element_id,
        ),
        rx.cond(S.digest_note != "", rx.text(S.digest_note, size="2", color_scheme="gray")),
        align="center",
        spacing="3",
    )


def daily_tab() -> rx.Component:
    return rx.vstack(
        _write("Write today's digest now", S.write_daily, "daily", "write-daily"),
        rx.cond(
            S.digest_scope > 0,
            digest_card(S.daily, "No digest for this project yet.", "admin-digest"),
            rx.vstack(
                rx.text("The newest digests across the workspace; choose a project for its own.", size="2"),
                rx.foreach(S.recent, lambda d: digest_card(d, "", "recent-digest")),
                rx.cond(
                    S.recent.length() == 0,
                    rx.callout("No digests yet.", icon="calendar-clock", color_scheme="gray"),
                ),
                spacing="3",
                width="100%",
            ),
        ),
        spacing="4",
        padding_top="12px",
        width="100%",
        max_width="860px",
    )


def weekly_tab() -> rx.Component:
    return rx.vstack(
        _write("Write the weekly rollup now", S.write_weekly, "weekly", "write-weekly"),
        digest_card(S.weekly, "No weekly rollup yet: it is written on the digest weekday.", "weekly-digest"),
        spacing="4",
        padding_top="12px",
        width="100%",
        max_width="860px",
    )


def risks_tab() -> rx.Component:
    return rx.box(risks_panel(S.risks), padding_top="12px")
