"""/admin/projects/[project_id]: edit the project, manage its members, invite into it."""

from __future__ import annotations

from typing import cast

import reflex as rx
from reflex.vars import ObjectVar, StringVar

from rehome.core.projects.members import AdminMemberRow, UserOption
from rehome.ui.admin.page_projects import project_fields
from rehome.ui.admin.state_project import AdminProjectState as S
from rehome.ui.admin.table import (
    ROLE_OPTIONS,
    admin_page,
    choice,
    confirm_dialog,
    data_table,
    header,
    labelled,
    status_badge,
    text_input,
)
from rehome.ui.components.forms import form_error


def _title() -> rx.Component:
    return rx.hstack(
        rx.link(rx.icon("arrow-left", size=18), href="/admin/projects", aria_label="Back to projects"),
        rx.text(S.name, id="project-title"),
        status_badge(rx.cond(S.archived, "archived", "active")),
        align="center",
        wrap="wrap",
    )


def _actions() -> rx.Component:
    return rx.hstack(
        rx.link(rx.button("Open board", variant="soft"), href="/projects/" + S.pid.to_string()),
        rx.cond(
            S.archived,
            rx.button("Restore", on_click=S.restore, id="restore-project"),
            rx.button(
                "Archive",
                color_scheme="red",
                variant="soft",
                on_click=S.ask("archive", 0, ""),
                id="archive-project",
            ),
        ),
        spacing="2",
    )


def _details() -> rx.Component:
    return rx.card(
        rx.heading("Details", size="4", margin_bottom="8px"),
        form_error(S.form_errors.get("_form", "")),
        rx.form(
            rx.vstack(
                project_fields(S.form, S.form_errors),
                rx.button("Save changes", type="submit", id="save-details", disabled=S.archived),
                spacing="3",
                align="start",
            ),
            on_submit=S.save,
            key=S.form_version.to_string(),
            id="details-form",
        ),
    )


def _member_row(member: ObjectVar[AdminMemberRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.text(member.name, weight="medium"),
            rx.text(member.email, size="1", color_scheme="gray"),
            min_width="150px",
        ),
        rx.table.cell(status_badge(member.status)),
        rx.table.cell(
            rx.select.root(
                rx.select.trigger(aria_label="Role of " + cast(StringVar, member.name)),
                rx.select.content(*[rx.select.item(text, value=value) for value, text in ROLE_OPTIONS]),
                value=member.role,
                on_change=lambda role: S.set_role(member.user_id, role),
                disabled=S.archived,
                size="1",
            ),
        ),
        rx.table.cell(
            rx.button(
                "Remove",
                size="1",
                color_scheme="red",
                variant="soft",
                disabled=S.archived,
                on_click=S.ask("remove", member.user_id, member.name),
            ),
        ),
        class_name="member-row",
        data_email=member.email,
    )


def _option(user: ObjectVar[UserOption]) -> rx.Component:
    return rx.select.item(
        cast(StringVar, user.name) + " · " + cast(StringVar, user.email), value=user.id.to_string()
    )


def _add_form() -> rx.Component:
    errors = S.add_errors
    return rx.form(
        rx.vstack(
            rx.heading("Add member", size="3"),
            form_error(errors.get("_form", "")),
            rx.flex(
                labelled(
                    "Person",
                    "user_id",
                    rx.select.root(
                        rx.select.trigger(placeholder="Choose someone", width="100%", id="user_id"),
                        rx.select.content(rx.foreach(S.addable, _option)),
                        name="user_id",
                    ),
                    errors,
                ),
                rx.box(
                    labelled(
                        "Role", "role", choice("role", ROLE_OPTIONS, "team", "add-role"), errors, "add-role"
                    ),
                    min_width="140px",
                ),
                gap="8px",
                direction=rx.breakpoints(initial="column", sm="row"),
                width="100%",
            ),
            rx.button("Add member", type="submit", id="add-member", disabled=S.archived),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=S.add_member,
        key=S.members.length().to_string(),
        id="add-member-form",
        width="100%",
    )


def _invite_form() -> rx.Component:
    errors = S.invite_errors
    return rx.form(
        rx.vstack(
            rx.heading("Invite into this project", size="3"),
            rx.text(
                "They get an email with a link to choose a password and land in this project.",
                size="2",
                color_scheme="gray",
            ),
            form_error(errors.get("_form", "")),
            labelled(
                "Email",
                "email",
                text_input("email", "", type="email", max_length=254, id="invite-email"),
                errors,
                "invite-email",
            ),
            labelled(
                "Name",
                "name",
                text_input("name", "", max_length=120, id="invite-name"),
                errors,
                "invite-name",
            ),
            labelled(
                "Role", "role", choice("role", ROLE_OPTIONS, "client", "invite-role"), errors, "invite-role"
            ),
            rx.button("Send invite", type="submit", id="send-invite", disabled=S.archived),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=S.invite,
        key=S.invite_version.to_string(),
        id="invite-form",
        width="100%",
    )


def _members() -> rx.Component:
    return rx.card(
        rx.heading("Members", size="4", margin_bottom="8px"),
        data_table(
            True,
            S.members.length() == 0,
            [header("Person"), header("Status"), header("Role"), header("")],
            rx.foreach(S.members, _member_row),
            "Nobody is on this project yet. Admins see it anyway.",
            "members-table",
        ),
        rx.cond(
            S.archived,
            rx.callout(
                "This project is archived and read-only. Restore it to change its members.",
                icon="archive",
                color_scheme="gray",
                margin_top="12px",
            ),
            rx.grid(
                _add_form(),
                _invite_form(),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="5",
                margin_top="16px",
                width="100%",
            ),
        ),
    )


def project_admin_page() -> rx.Component:
    return admin_page(
        "projects",
        _title(),
        rx.grid(
            _details(),
            _members(),
            columns=rx.breakpoints(initial="1", lg="1fr 2fr"),
            spacing="4",
            width="100%",
            align="start",
        ),
        confirm_dialog(
            S.pending == "remove",
            rx.text("Remove ", S.pending_label, " from this project?"),
            "They lose access to the project at their next click.",
            "Remove",
            S.confirm_remove,
            S.cancel_pending,
        ),
        confirm_dialog(
            S.pending == "archive",
            rx.text("Archive “", S.name, "”?"),
            "Members lose access and the project becomes read-only. You can restore it later.",
            "Archive",
            S.archive,
            S.cancel_pending,
        ),
        actions=_actions(),
    )
