"""The task editor (create/edit, errors at each field), detail and delete dialogs."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from rehome.core.tasks.board import STATUS_LABELS, STATUSES
from rehome.ui.components.files import file_uploader, thumb
from rehome.ui.components.forms import form_error
from rehome.ui.components.markdown import safe_markdown
from rehome.ui.project.board_state import BoardState

_ERR = BoardState.form_errors


def _labelled(label: str, name: str, control: rx.Component) -> rx.Component:
    return rx.box(
        rx.text(label, as_="label", size="2", weight="medium", html_for=name),
        control,
        rx.cond(
            _ERR.get(name, "") != "",
            rx.text(_ERR.get(name, ""), color_scheme="red", size="1", class_name="field-error"),
        ),
        width="100%",
    )


def _select(name: str, options: list[tuple[str, str]]) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", id=name),
        rx.select.content(*[rx.select.item(label, value=value) for value, label in options]),
        name=name,
        default_value=BoardState.form[name],
    )


def _fields() -> rx.Component:
    return rx.vstack(
        _labelled(
            "Title",
            "title",
            rx.input(
                name="title", id="title", default_value=BoardState.form["title"], max_length=200, width="100%"
            ),
        ),
        _labelled(
            "Description (markdown)",
            "description",
            rx.text_area(
                name="description",
                id="description",
                rows="4",
                default_value=BoardState.form["description"],
                width="100%",
            ),
        ),
        rx.grid(
            _labelled("Status", "status", _select("status", [(s, STATUS_LABELS[s]) for s in STATUSES])),
            _labelled(
                "Priority",
                "priority",
                _select("priority", [(p, p.title()) for p in ("low", "normal", "high", "urgent")]),
            ),
            _labelled(
                "Assignee",
                "assignee_id",
                rx.select.root(
                    rx.select.trigger(width="100%", id="assignee_id"),
                    rx.select.content(
                        rx.select.item("Unassigned", value="none"),
                        rx.foreach(
                            BoardState.people, lambda p: rx.select.item(p.name, value=p.id.to_string())
                        ),
                    ),
                    name="assignee_id",
                    default_value=BoardState.form["assignee_id"],
                ),
            ),
            _labelled(
                "Due date",
                "due_date",
                rx.input(
                    type="date", name="due_date", id="due_date", default_value=BoardState.form["due_date"]
                ),
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            BoardState.sees_costs,
            _labelled(
                "Cost",
                "cost",
                rx.input(
                    name="cost",
                    id="cost",
                    inputmode="decimal",
                    placeholder="e.g. 1250.00",
                    default_value=BoardState.form["cost"],
                ),
            ),
        ),
        rx.cond(
            BoardState.can_mark_internal,
            rx.vstack(
                rx.text(
                    rx.checkbox(name="internal", default_checked=BoardState.form["internal"] == "on"),
                    " Internal: hidden from clients",
                    as_="label",
                    size="2",
                ),
                _labelled(
                    "Internal notes",
                    "internal_notes",
                    rx.text_area(
                        name="internal_notes",
                        id="internal_notes",
                        rows="2",
                        default_value=BoardState.form["internal_notes"],
                        width="100%",
                    ),
                ),
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def editor_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(BoardState.editing_id > 0, "Edit task", "New task")),
            form_error(_ERR.get("_form", "")),
            rx.form(
                rx.vstack(
                    _fields(),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Save", type="submit", id="save-task"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="4",
                ),
                on_submit=BoardState.save_task,
                key=BoardState.editing_id.to_string(),
                id="task-form",
            ),
            max_width="560px",
        ),
        open=BoardState.editor_open,
        on_open_change=BoardState.set_editor_open,
    )


def _history_row(entry: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.hstack(
        rx.text(entry["actor_name"], weight="medium", size="1"),
        rx.text(rx.cond(entry["kind"] == "created", "created it in", "moved it to"), size="1"),
        rx.badge(entry["to_status"], size="1", variant="soft"),
        rx.moment(entry["created_at"], from_now=True, size="1", color="var(--gray-11)"),
        spacing="1",
        align="center",
        wrap="wrap",
    )


def detail_dialog() -> rx.Component:
    d = BoardState.detail
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(d["title"].to(str)),
            rx.hstack(
                rx.badge(d["status"].to(str), variant="soft"),
                rx.badge(d["priority"].to(str), variant="outline"),
                rx.cond(d["internal"].to(bool), rx.badge("Internal", color_scheme="purple")),
                rx.cond(d["overdue"].to(bool), rx.badge("Overdue", color_scheme="red")),
                rx.text("Due ", rx.cond(d["due_date"].to(str) != "", d["due_date"].to(str), "—"), size="2"),
                rx.text("· ", d["assignee_name"].to(str), size="2"),
                wrap="wrap",
                spacing="2",
                margin_bottom="12px",
            ),
            safe_markdown(d["description"].to(str)),
            rx.cond(
                d["internal_notes"].to(str) != "",
                rx.callout(d["internal_notes"].to(str), icon="lock", color_scheme="purple", size="1"),
            ),
            rx.heading("Files", size="2", margin_top="16px", margin_bottom="6px"),
            rx.box(
                rx.foreach(
                    BoardState.detail_files,
                    lambda c: rx.el.button(
                        thumb(c.thumb, c.kind, c.name, 22),
                        class_name="file-thumb",
                        title=c.name,
                        aria_label=c.name,
                        on_click=BoardState.show_task_file(c.id),
                    ),
                ),
                class_name="file-attachments",
                id="task-files",
            ),
            rx.cond(
                rx.cond(
                    BoardState.is_client,
                    d["assignee_id"].to(str) == BoardState.my_id.to_string(),
                    BoardState.can_edit_tasks,
                ),
                file_uploader(
                    BoardState.upload_url,
                    BoardState.task_file_uploaded,
                    task_id=d["id"].to(int),
                    compact=True,
                    label="Add files",
                    input_id="task-file-input",
                    max_bytes=BoardState.max_upload_bytes,
                ),
            ),
            rx.heading("History", size="2", margin_top="16px", margin_bottom="6px"),
            rx.vstack(rx.foreach(d["history"].to(list[dict]), _history_row), spacing="1", id="task-history"),
            rx.hstack(
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                rx.cond(
                    BoardState.can_edit_tasks,
                    rx.button("Edit", on_click=BoardState.open_edit(d["id"].to(int))),
                ),
                justify="end",
                margin_top="16px",
            ),
            max_width="600px",
        ),
        open=BoardState.detail_open,
        on_open_change=BoardState.set_detail_open,
    )


def delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this task?"),
            rx.alert_dialog.description("Its history goes with it. This cannot be undone."),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Cancel", variant="soft", color_scheme="gray", on_click=BoardState.cancel_delete
                    )
                ),
                rx.alert_dialog.action(
                    rx.button("Delete", color_scheme="red", on_click=BoardState.confirm_delete)
                ),
                justify="end",
                margin_top="16px",
            ),
        ),
        open=BoardState.confirm_delete_id > 0,
    )
