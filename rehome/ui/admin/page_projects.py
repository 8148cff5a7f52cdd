"""/admin/projects: list with search, status filter and sortable columns; dialogs."""

from __future__ import annotations

from typing import Any, cast

import reflex as rx
from reflex.vars import NumberVar, ObjectVar

from rehome.core.projects.admin_list import AdminProjectRow
from rehome.ui.admin.state_projects import AdminProjectsState as S
from rehome.ui.admin.table import (
    admin_page,
    confirm_dialog,
    danger_button,
    dialog_buttons,
    filter_select,
    header,
    labelled,
    list_table,
    search_box,
    sort_header,
    status_badge,
    text_input,
    toolbar,
)
from rehome.ui.components.forms import form_error


def project_fields(form: Any, errors: Any) -> rx.Component:
    """Name, address, description and budget, each with its error underneath."""
    return rx.vstack(
        labelled("Name", "name", text_input("name", form["name"], max_length=120), errors),
        labelled("Address", "address", text_input("address", form["address"], max_length=300), errors),
        labelled(
            "Description",
            "description",
            rx.text_area(
                name="description",
                id="description",
                default_value=form["description"],
                rows="3",
                width="100%",
            ),
            errors,
        ),
        labelled(
            "Budget",
            "budget",
            text_input("budget", form["budget"], inputmode="decimal", placeholder="e.g. 45000.00"),
            errors,
        ),
        spacing="3",
        width="100%",
    )


def _editor() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.editing_id > 0, "Edit project", "New project")),
            form_error(S.form_errors.get("_form", "")),
            rx.form(
                rx.vstack(
                    project_fields(S.form, S.form_errors), dialog_buttons("Save", "save-project"), spacing="4"
                ),
                on_submit=S.save,
                key=S.editing_id.to_string(),
                id="project-form",
            ),
            max_width="560px",
        ),
        open=S.editor_open,
        on_open_change=S.set_editor_open,
    )


def _row(row: ObjectVar[AdminProjectRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(row.name, href="/admin/projects/" + row.id.to_string(), weight="medium"),
            min_width="200px",
        ),
        rx.table.cell(row.address, min_width="160px"),
        rx.table.cell(row.member_count),
        rx.table.cell(row.open_tasks),
        rx.table.cell(
            rx.cond(
                cast(NumberVar, row.overdue_tasks) > 0, rx.badge(row.overdue_tasks, color_scheme="red"), "0"
            )
        ),
        rx.table.cell(rx.moment(row.created_at, format="YYYY-MM-DD"), white_space="nowrap"),
        rx.table.cell(status_badge(rx.cond(row.archived, "archived", "active"))),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    row.archived,
                    rx.button("Restore", size="1", variant="soft", on_click=S.restore(row.id)),
                    rx.fragment(
                        rx.button("Edit", size="1", variant="soft", on_click=S.open_edit(row.id)),
                        danger_button("Archive", S.ask("archive", row.id, row.name)),
                    ),
                ),
                spacing="2",
            ),
        ),
        class_name="project-row",
    )


def projects_admin_page() -> rx.Component:
    return admin_page(
        "projects",
        "Projects",
        toolbar(
            search_box(S, "Search name or address"),
            filter_select(
                S,
                "status",
                "Status",
                [("active", "Active"), ("archived", "Archived"), ("all", "All projects")],
            ),
        ),
        list_table(
            S,
            [
                sort_header(S, "Name", "name"),
                header("Address"),
                header("Members"),
                sort_header(S, "Open tasks", "open_tasks"),
                header("Overdue"),
                sort_header(S, "Created", "created"),
                header("Status"),
                header(""),
            ],
            rx.foreach(S.rows, _row),
            "No projects match. Clear the search or pick another status.",
            "projects-table",
        ),
        _editor(),
        confirm_dialog(
            S.pending == "archive",
            rx.text("Archive “", S.pending_label, "”?"),
            "Members lose access and the project becomes read-only. You can restore it later.",
            "Archive",
            S.confirm_archive,
            S.cancel_pending,
        ),
        actions=rx.button(rx.icon("plus", size=16), "New project", on_click=S.open_new, id="new-project"),
    )
