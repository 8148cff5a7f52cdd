"""/admin/users: list with search, status and role filters; invite and edit dialogs."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rehome.core.workspace.overview import Option
from rehome.core.workspace.user_list import AdminUserRow
from rehome.ui.admin.state_users import NO_PROJECT
from rehome.ui.admin.state_users import AdminUsersState as S
from rehome.ui.admin.table import (
    ROLE_OPTIONS,
    admin_page,
    confirm_dialog,
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


def _row(user: ObjectVar[AdminUserRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(user.name, on_click=S.open_edit(user.id), weight="medium", cursor="pointer"),
            min_width="140px",
        ),
        rx.table.cell(user.email),
        rx.table.cell(rx.cond(user.phone, user.phone, "—"), white_space="nowrap"),
        rx.table.cell(rx.cond(user.is_admin, rx.badge("Admin", color_scheme="orange"), "Member")),
        rx.table.cell(status_badge(user.status)),
        rx.table.cell(user.project_count),
        rx.table.cell(rx.moment(user.created_at, format="YYYY-MM-DD"), white_space="nowrap"),
        rx.table.cell(rx.button("Edit", size="1", variant="soft", on_click=S.open_edit(user.id))),
        class_name="user-row",
    )


def _project_option(option: ObjectVar[Option]) -> rx.Component:
    return rx.select.item(option.label, value=option.id.to_string())


def _invite_dialog() -> rx.Component:
    errors = S.invite_errors
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Invite someone"),
            rx.dialog.description(
                "They get an email with a link to choose a password.", size="2", margin_bottom="12px"
            ),
            form_error(errors.get("_form", "")),
            rx.form(
                rx.vstack(
                    labelled("Email", "email", text_input("email", "", type="email", max_length=254), errors),
                    labelled("Name", "name", text_input("name", "", max_length=120), errors),
                    rx.checkbox("Workspace admin (manages everything)", name="is_admin", size="2"),
                    rx.grid(
                        labelled(
                            "Project (optional)",
                            "project_id",
                            rx.select.root(
                                rx.select.trigger(width="100%", id="project_id"),
                                rx.select.content(
                                    rx.select.item("No project", value=NO_PROJECT),
                                    rx.foreach(S.project_choices, _project_option),
                                ),
                                name="project_id",
                                default_value=NO_PROJECT,
                            ),
                            errors,
                        ),
                        labelled(
                            "Role in that project",
                            "role",
                            rx.select.root(
                                rx.select.trigger(width="100%", id="role"),
                                rx.select.content(
                                    rx.select.item("—", value=NO_PROJECT),
                                    *[rx.select.item(text, value=value) for value, text in ROLE_OPTIONS],
                                ),
                                name="role",
                                default_value=NO_PROJECT,
                            ),
                            errors,
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="3",
                        width="100%",
                    ),
                    dialog_buttons("Send invite", "send-invite"),
                    spacing="3",
                ),
                on_submit=S.invite,
                key=S.invite_version.to_string(),
                id="invite-form",
            ),
            max_width="560px",
        ),
        open=S.invite_open,
        on_open_change=S.set_invite_open,
    )


def _edit_dialog() -> rx.Component:
    errors, form = S.form_errors, S.form
    disabled = form["status"] == "disabled"
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Edit ", form["name"]),
            rx.dialog.description(rx.hstack(rx.text(form["email"], size="2"), status_badge(form["status"]))),
            form_error(errors.get("_form", "")),
            rx.form(
                rx.vstack(
                    labelled("Name", "name", text_input("name", form["name"], max_length=120), errors),
                    labelled(
                        "Phone",
                        "phone",
                        text_input("phone", form["phone"], max_length=40, type="tel"),
                        errors,
                    ),
                    rx.checkbox(
                        "Workspace admin", name="is_admin", default_checked=form["is_admin"] == "on", size="2"
                    ),
                    rx.flex(
                        rx.button(
                            rx.cond(disabled, "Enable user", "Disable user"),
                            type="button",
                            variant="soft",
                            color_scheme=rx.cond(disabled, "green", "red"),
                            on_click=S.ask("disable", 0, ""),
                            id="toggle-disabled",
                        ),
                        rx.spacer(),
                        dialog_buttons("Save", "save-user"),
                        width="100%",
                        gap="12px",
                        wrap="wrap",
                    ),
                    spacing="3",
                ),
                on_submit=S.save,
                key=S.editing_id.to_string(),
                id="user-form",
            ),
            max_width="520px",
        ),
        open=S.editor_open,
        on_open_change=S.set_editor_open,
    )


def users_admin_page() -> rx.Component:
    disabled = S.form["status"] == "disabled"
    return admin_page(
        "users",
        "Users",
        toolbar(
            search_box(S, "Search name or email"),
            filter_select(
                S,
                "status",
                "Status",
                [
                    ("all", "Any status"),
                    ("active", "Active"),
                    ("invited", "Invited"),
                    ("disabled", "Disabled"),
                ],
            ),
            filter_select(
                S, "role", "Role", [("all", "Admins and members"), ("admin", "Admins"), ("member", "Members")]
            ),
        ),
        list_table(
            S,
            [
                sort_header(S, "Name", "name"),
                sort_header(S, "Email", "email"),
                header("Phone"),
                header("Role"),
                header("Status"),
                header("Projects"),
                sort_header(S, "Created", "created"),
                header(""),
            ],
            rx.foreach(S.rows, _row),
            "Nobody matches. Clear the search or pick another filter.",
            "users-table",
        ),
        _invite_dialog(),
        _edit_dialog(),
        confirm_dialog(
            S.pending == "disable",
            rx.cond(
                disabled, rx.text("Enable ", S.form["name"], "?"), rx.text("Disable ", S.form["name"], "?")
            ),
            rx.cond(
                disabled,
                "They can sign in again with their password.",
                "They are signed out everywhere at once and their API tokens stop working.",
            ),
            "Confirm",
            S.toggle_disabled,
            S.cancel_pending,
        ),
        actions=rx.button(
            rx.icon("user-plus", size=16), "Invite user", on_click=S.open_invite, id="invite-user"
        ),
    )
