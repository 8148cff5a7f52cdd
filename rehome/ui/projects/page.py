"""Project list page: a card per project with what needs attention."""

from __future__ import annotations

from typing import cast

import reflex as rx
from reflex.vars import NumberVar, ObjectVar

from rehome.core.projects.service import ProjectCard
from rehome.ui.layout import app_shell
from rehome.ui.projects.state import ProjectsState


def _count(icon: str, value: rx.Var, label: str, color: str) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=14),
        rx.text(value, weight="bold"),
        rx.text(label, size="1"),
        color_scheme=color,
        spacing="1",
        align="center",
    )


def _card(card: ObjectVar[ProjectCard]) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(card.name, size="4", trim="both"),
                    rx.spacer(),
                    rx.badge(card.role, variant="soft", color_scheme="gray"),
                    width="100%",
                    align="center",
                ),
                rx.text(card.address, size="2", color_scheme="gray"),
                rx.hstack(
                    _count("list-todo", card.open_tasks, "open", "gray"),
                    rx.cond(
                        cast(NumberVar, card.overdue_tasks) > 0,
                        _count("clock-alert", card.overdue_tasks, "overdue", "red"),
                    ),
                    rx.cond(
                        cast(NumberVar, card.blocked_tasks) > 0,
                        _count("octagon-alert", card.blocked_tasks, "blocked", "amber"),
                    ),
                    spacing="4",
                    wrap="wrap",
                ),
                spacing="2",
            ),
            class_name="project-card",
            width="100%",
        ),
        href="/projects/" + card.id.to_string(),
        underline="none",
        color="inherit",
    )


def projects_page() -> rx.Component:
    return app_shell(
        rx.heading("Your projects", size="6", margin_bottom="4"),
        rx.cond(
            ProjectsState.loaded & (ProjectsState.cards.length() == 0),
            rx.callout("You are not on any project yet. An admin will add you to one.", icon="info"),
        ),
        rx.grid(
            rx.foreach(ProjectsState.cards, _card),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="4",
            width="100%",
            id="project-list",
        ),
    )
