"""/admin/tasks: workspace-wide task list; edit opens the task on its board."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rehome.core.tasks.admin_list import AdminTaskRow
from rehome.core.tasks.board import STATUS_LABELS, STATUSES
from rehome.ui.admin.state_tasks import ANY
from rehome.ui.admin.state_tasks import AdminTasksState as S
from rehome.ui.admin.table import (
    admin_page,
    confirm_dialog,
    danger_button,
    filter_select,
    header,
    list_table,
    option_filter,
    search_box,
    sort_header,
    toolbar,
)


def _priority(priority: rx.Var[str]) -> rx.Component:
    return rx.badge(
        priority,
        variant="outline",
        color_scheme=rx.match(priority, ("urgent", "red"), ("high", "orange"), ("low", "gray"), "blue"),
    )


def _row(task: ObjectVar[AdminTaskRow]) -> rx.Component:
    edit = "/projects/" + task.project_id.to_string() + "?task=" + task.id.to_string()
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.link(task.title, href=edit, weight="medium"),
                rx.cond(task.internal, rx.badge("Internal", color_scheme="purple", size="1")),
                align="center",
                spacing="2",
            ),
            min_width="220px",
        ),
        rx.table.cell(
            rx.link(
                task.project_name, href="/admin/projects/" + task.project_id.to_string(), color_scheme="gray"
            ),
            min_width="160px",
        ),
        rx.table.cell(
            rx.badge(rx.match(task.status, *STATUS_LABELS.items(), task.status), variant="soft"),
            white_space="nowrap",
        ),
        rx.table.cell(_priority(task.priority)),
        rx.table.cell(rx.cond(task.assignee_name, task.assignee_name, "—"), white_space="nowrap"),
        rx.table.cell(
            rx.cond(
                task.due_date,
                rx.text(
                    task.due_date,
                    color_scheme=rx.cond(task.overdue, "red", "gray"),
                    weight=rx.cond(task.overdue, "bold", "regular"),
                ),
                "—",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(rx.moment(task.updated_at, from_now=True), white_space="nowrap"),
        rx.table.cell(
            rx.hstack(
                rx.link(rx.button("Edit", size="1", variant="soft"), href=edit),
                danger_button("Delete", S.ask("delete", task.id, task.title)),
                spacing="2",
            ),
        ),
        class_name="task-row",
    )


def tasks_admin_page() -> rx.Component:
    return admin_page(
        "tasks",
        "Tasks",
        toolbar(
            search_box(S, "Search titles and descriptions"),
            option_filter(S, "project", "Project", "All projects", S.project_choices),
            filter_select(
                S,
                "status",
                "Status",
                [(ANY, "Any status"), ("open", "Not done"), *[(s, STATUS_LABELS[s]) for s in STATUSES]],
            ),
            option_filter(S, "assignee", "Assignee", "Anyone", S.people),
            filter_select(S, "overdue", "Overdue", [("no", "Due any time"), ("yes", "Overdue only")]),
            filter_select(
                S, "archived", "Archived projects", [("no", "Active projects"), ("yes", "Include archived")]
            ),
        ),
        list_table(
            S,
            [
                sort_header(S, "Title", "title"),
                header("Project"),
                header("Status"),
                sort_header(S, "Priority", "priority"),
                header("Assignee"),
                sort_header(S, "Due", "due"),
                sort_header(S, "Updated", "updated"),
                header(""),
            ],
            rx.foreach(S.rows, _row),
            "No tasks match these filters.",
            "tasks-table",
        ),
        confirm_dialog(
            S.pending == "delete",
            rx.text("Delete “", S.pending_label, "”?"),
            "Its history goes with it. This cannot be undone; the activity log keeps a note.",
            "Delete",
            S.confirm_delete,
            S.cancel_pending,
        ),
    )
