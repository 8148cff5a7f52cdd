"""/admin/search?q=: the workspace-wide search, results grouped by kind with links."""

from __future__ import annotations

from typing import cast

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from rehome.core.search.service import SearchHit
from rehome.ui.admin.page_overview import global_search
from rehome.ui.admin.state_overview import AdminSearchState
from rehome.ui.admin.table import admin_page

_R = AdminSearchState.results


def _hit(hit: ObjectVar[SearchHit]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.link(hit.title, href=hit.link, weight="medium", class_name="search-hit"),
            rx.cond(
                hit.kind == "project",
                rx.link("admin", href="/admin/projects/" + hit.id.to_string(), size="1", color_scheme="gray"),
            ),
            align="baseline",
            wrap="wrap",
        ),
        rx.cond(hit.snippet != "", rx.text(hit.snippet, size="2", color_scheme="gray")),
        padding_y="6px",
        border_bottom="1px solid var(--gray-a3)",
    )


def _group(title: str, icon: str, hits: rx.Var[list[SearchHit]], group_id: str) -> rx.Component:
    hits = cast(ArrayVar[list[SearchHit]], hits)  # Reflex types a field of an object var as a plain Var
    return rx.cond(
        hits.length() > 0,
        rx.card(
            rx.hstack(
                rx.icon(icon, size=18),
                rx.heading(title, size="3"),
                rx.badge(hits.length()),
                align="center",
                margin_bottom="6px",
            ),
            rx.foreach(hits, _hit),
            width="100%",
            id=group_id,
        ),
    )


def search_page() -> rx.Component:
    return admin_page(
        "search",
        "Search the workspace",
        global_search(AdminSearchState.q),
        rx.box(
            rx.cond(
                AdminSearchState.searched & (AdminSearchState.hits == 0),
                rx.callout(
                    rx.text("Nothing matches “", AdminSearchState.q, "”."),
                    icon="search-x",
                    color_scheme="gray",
                    class_name="empty-state",
                ),
            ),
            rx.cond(
                ~AdminSearchState.searched,
                rx.text(
                    "Type a word or two: project names, task titles, chat messages, file names, people.",
                    color_scheme="gray",
                    size="2",
                ),
            ),
            rx.grid(
                _group("Projects", "folder-kanban", _R.projects, "results-projects"),
                _group("Tasks", "list-checks", _R.tasks, "results-tasks"),
                _group("Messages", "message-square", _R.messages, "results-messages"),
                _group("Files", "paperclip", _R.files, "results-files"),
                _group("People", "users", _R.users, "results-users"),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
                width="100%",
                align="start",
            ),
            margin_top="16px",
            key=AdminSearchState.q,
        ),
    )
