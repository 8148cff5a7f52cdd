"""Digest cards, Risks & Blockers lists and the client update editor: short,
verdict first, every citation a link to its task or message."""

from __future__ import annotations

from typing import cast

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from rehome.ui.components.markdown import safe_markdown
from rehome.ui.digests.cards import DigestCard, PersonCount, RiskRow, RiskView

_VERDICT_COLOR = {"off track": "red", "at risk": "amber", "on track": "green"}


def verdict_badge(verdict: rx.Var[str]) -> rx.Component:
    color = rx.match(verdict, *_VERDICT_COLOR.items(), "gray")
    return rx.badge(verdict, color_scheme=cast(rx.Var[str], color), size="2", class_name="digest-verdict")


def digest_card(digest: ObjectVar[DigestCard], empty: str, element_id: str) -> rx.Component:
    return rx.cond(
        digest.present,
        rx.card(
            rx.vstack(
                rx.hstack(
                    verdict_badge(digest.verdict),
                    rx.text(digest.title, weight="bold", size="2"),
                    rx.spacer(),
                    rx.text(digest.generated, size="1", color_scheme="gray"),
                    align="center",
                    width="100%",
                    wrap="wrap",
                ),
                rx.cond(
                    digest.note != "",
                    rx.callout(
                        digest.note,
                        icon="history",
                        color_scheme=rx.cond(digest.cached, "amber", "gray"),
                        size="1",
                        class_name="digest-note",
                    ),
                ),
                safe_markdown(digest.content),
                spacing="2",
                width="100%",
            ),
            id=element_id,
            class_name="digest-card",
            data_summary_id=digest.id,
            width="100%",
        ),
        rx.callout(empty, icon="calendar-clock", color_scheme="gray", id=f"{element_id}-empty"),
    )


def _risk_row(row: ObjectVar[RiskRow]) -> rx.Component:
    return rx.hstack(
        rx.link(row.ref, href=row.link, weight="bold", size="2", class_name="risk-ref"),
        rx.box(
            rx.text(row.title, size="2"),
            rx.text(
                rx.cond(row.project != "", cast(rx.vars.StringVar, row.project) + " · ", ""),
                row.detail,
                size="1",
                color_scheme="gray",
            ),
        ),
        align="start",
        spacing="3",
        class_name="risk-row",
    )


def _risk_list(title: str, rows: ArrayVar[list[RiskRow]], element_id: str) -> rx.Component:
    return rx.box(
        rx.heading(title, size="3", margin_bottom="6px"),
        rx.cond(
            rows.length() > 0,
            rx.vstack(rx.foreach(rows, _risk_row), spacing="2"),
            rx.text("None reported.", size="2", color_scheme="gray"),
        ),
        id=element_id,
        width="100%",
    )


def _person(person: ObjectVar[PersonCount]) -> rx.Component:
    count = cast(rx.vars.NumberVar, person.count)
    return rx.badge(person.name, ": ", count.to_string(), variant="soft", color_scheme="red")


def risks_panel(risks: ObjectVar[RiskView]) -> rx.Component:
    people = cast(ArrayVar[list[PersonCount]], risks.people)
    return rx.vstack(
        rx.text(risks.counts, size="2", color_scheme="gray", id="risk-counts"),
        _risk_list("Blocked", cast(ArrayVar[list[RiskRow]], risks.blocked), "risks-blocked"),
        rx.box(
            rx.heading("Overdue by assignee", size="3", margin_bottom="6px"),
            rx.cond(
                people.length() > 0,
                rx.hstack(rx.foreach(people, _person), wrap="wrap", spacing="2"),
                rx.text("None reported.", size="2", color_scheme="gray"),
            ),
            id="risks-overdue",
        ),
        _risk_list("Stalled", cast(ArrayVar[list[RiskRow]], risks.stalled), "risks-stalled"),
        _risk_list(
            "Client questions waiting for an answer",
            cast(ArrayVar[list[RiskRow]], risks.questions),
            "risks-questions",
        ),
        spacing="4",
        width="100%",
        max_width="860px",
    )
