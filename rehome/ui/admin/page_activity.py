"""/admin/activity: who did what, when, where; filter by action and project."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rehome.core.activity.feed import ActivityRow
from rehome.core.workspace.overview import Option
from rehome.ui.admin.state_activity import ANY
from rehome.ui.admin.state_activity import AdminActivityState as S
from rehome.ui.admin.table import admin_page, data_table, header, pager, toolbar


def _row(row: ObjectVar[ActivityRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.moment(row.created_at, format="YYYY-MM-DD HH:mm"), white_space="nowrap"),
        rx.table.cell(row.actor_name, white_space="nowrap"),
        rx.table.cell(rx.code(row.action, size="1"), white_space="nowrap"),
        rx.table.cell(
            rx.cond(
                row.project_id,
                rx.link(row.project_name, href="/admin/projects/" + row.project_id.to_string()),
                "—",
            ),
            min_width="140px",
        ),
        rx.table.cell(row.target, min_width="140px"),
        rx.table.cell(rx.text(row.details, size="1", color_scheme="gray"), min_width="160px"),
        class_name="activity-row",
    )


def _project_option(option: ObjectVar[Option]) -> rx.Component:
    return rx.select.item(option.label, value=option.id.to_string())


def _action_option(action: rx.Var[str]) -> rx.Component:
    return rx.select.item(action, value=action)


def activity_page() -> rx.Component:
    return admin_page(
        "activity",
        "Activity",
        toolbar(
            rx.select.root(
                rx.select.trigger(aria_label="Action", id="filter-action", min_width="160px"),
                rx.select.content(
                    rx.select.item("Every action", value=ANY), rx.foreach(S.actions, _action_option)
                ),
                value=S.f_action,
                on_change=lambda value: S.set_filter("action", value),
            ),
            rx.select.root(
                rx.select.trigger(
                    aria_label="Project", id="filter-project", min_width="160px", max_width="260px"
                ),
                rx.select.content(
                    rx.select.item("Every project", value=ANY), rx.foreach(S.project_choices, _project_option)
                ),
                value=S.f_project,
                on_change=lambda value: S.set_filter("project", value),
            ),
        ),
        data_table(
            S.loaded,
            S.total == 0,
            [
                header("When"),
                header("Who"),
                header("Action"),
                header("Project"),
                header("What"),
                header("Details"),
            ],
            rx.foreach(S.rows, _row),
            "Nothing in the log for these filters yet.",
            "activity-table",
        ),
        rx.cond(S.total > 0, pager(S.page, S.pages, S.total, S.go_page(-1), S.go_page(1))),
    )
