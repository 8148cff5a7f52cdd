"""/admin: headline numbers with links, recent activity, and the global search box."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from rehome.core.activity.feed import ActivityRow
from rehome.ui.admin.state_overview import AdminSearchState, OverviewState
from rehome.ui.admin.table import admin_page

_N = OverviewState.numbers


def global_search(value: Any = "") -> rx.Component:
    """The workspace-wide search box; results open on /admin/search."""
    return rx.form(
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                name="q",
                default_value=value,
                placeholder="Search projects, tasks, messages and people…",
                aria_label="Search the workspace",
                max_length=200,
                type="search",
                size="3",
                width="100%",
            ),
            rx.button("Search", type="submit", size="3"),
            width="100%",
        ),
        on_submit=AdminSearchState.submit,
        width="100%",
        max_width="720px",
        id="global-search",
    )


def _stat(
    icon: str, label: str, value: Any, href: str, note: Any = None, color: str = "gray"
) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(rx.icon(icon, size=18), rx.text(label, size="2", weight="medium"), align="center"),
                rx.heading(value, size="7", color_scheme=color),
                *([rx.text(note, size="1", color_scheme="gray")] if note is not None else []),
                spacing="1",
            ),
            width="100%",
            height="100%",
            class_name="stat-card",
        ),
        href=href,
        underline="none",
        color="inherit",
        display="block",
    )


def _recent_row(row: ObjectVar[ActivityRow]) -> rx.Component:
    return rx.hstack(
        rx.moment(row.created_at, from_now=True, size="1", color="var(--gray-11)", min_width="90px"),
        rx.text(
            rx.text.strong(row.actor_name),
            " · ",
            rx.code(row.action, size="1"),
            " ",
            row.target,
            rx.cond(row.project_name != "", rx.text.span(" in ", row.project_name)),
            size="2",
        ),
        align="baseline",
        spacing="2",
        wrap="wrap",
    )


def overview_page() -> rx.Component:
    return admin_page(
        "overview",
        "Workspace admin",
        global_search(),
        rx.grid(
            _stat(
                "folder-kanban",
                "Active projects",
                _N.active_projects,
                "/admin/projects",
                rx.text.span(_N.archived_projects, " archived"),
            ),
            _stat(
                "users",
                "Active users",
                _N.active_users,
                "/admin/users",
                rx.text.span(_N.invited_users, " invited · ", _N.disabled_users, " disabled"),
            ),
            _stat(
                "list-todo",
                "Open tasks",
                _N.open_tasks,
                "/admin/tasks",
                rx.text.span(_N.blocked_tasks, " blocked"),
            ),
            _stat("clock-alert", "Overdue tasks", _N.overdue_tasks, "/admin/tasks?overdue=1", color="red"),
            _stat("history", "Activity, last 7 days", _N.recent_activity, "/admin/activity"),
            columns=rx.breakpoints(initial="2", sm="3", lg="5"),
            spacing="3",
            width="100%",
            margin_y="16px",
            id="overview-stats",
        ),
        rx.card(
            rx.flex(
                rx.heading("Recent activity", size="4"),
                rx.spacer(),
                rx.link("All activity", href="/admin/activity", size="2"),
                align="center",
                margin_bottom="8px",
            ),
            rx.cond(
                OverviewState.recent.length() == 0,
                rx.text("Nothing has happened yet.", color_scheme="gray", size="2"),
                rx.vstack(rx.foreach(OverviewState.recent, _recent_row), spacing="2"),
            ),
        ),
    )
