"""/admin/projects/[project_id]: one project's fields, members, and invites into it."""

from __future__ import annotations

import re
from typing import Any

import reflex as rx

from rehome.core import projects
from rehome.core.auth import invites
from rehome.core.infra.errors import DomainError, Invalid
from rehome.core.projects import members as memberships
from rehome.core.projects.members import AdminMemberRow, UserOption, addable_users, list_members_admin
from rehome.core.projects.service import restore_project
from rehome.ui.admin.state_base import AdminState, ConfirmMixin, form_errors, to_int
from rehome.ui.admin.state_projects import EMPTY_PROJECT, project_form, project_values
from rehome.ui.fields import ListField, ObjectField, list_field, object_field
from rehome.ui.guard import Ctx, admin

_PATH = re.compile(r"^/admin/projects/(\d{1,10})/?$")
ROLES = ("team", "consultant", "client")


class AdminProjectState(ConfirmMixin, AdminState):
    pid: rx.Field[int] = rx.field(0)
    name: rx.Field[str] = rx.field("")
    archived: rx.Field[bool] = rx.field(False)
    form: ObjectField[dict[str, str]] = object_field(EMPTY_PROJECT)
    form_errors: ObjectField[dict[str, str]] = object_field(default_factory=dict)
    form_version: rx.Field[int] = rx.field(0)
    members: ListField[list[AdminMemberRow]] = list_field()
    addable: ListField[list[UserOption]] = list_field()
    add_errors: ObjectField[dict[str, str]] = object_field(default_factory=dict)
    invite_errors: ObjectField[dict[str, str]] = object_field(default_factory=dict)
    invite_version: rx.Field[int] = rx.field(0)

    def _refresh(self, ctx: Ctx) -> None:
        """Load the project (admin check and workspace scope in the core) and its people."""
        ctx.db.flush()
        detail = projects.project_detail(ctx.db, ctx.actor, self.pid)
        self.members = list_members_admin(ctx.db, ctx.actor, self.pid)
        self.addable = addable_users(ctx.db, ctx.actor, self.pid)
        self.name, self.archived = detail.name, detail.archived
        self.form, self.form_version = project_form(detail), self.form_version + 1

    def _gone(self, error: DomainError) -> Any:
        self.flash = error.message
        return rx.redirect("/admin/projects")

    @admin(page=True, on_error="_gone")
    def load(self, ctx: Ctx) -> Any:
        match = _PATH.match(self.router.url.path or "")
        self.pid = int(match.group(1)) if match else 0
        self.form_errors, self.add_errors, self.invite_errors = {}, {}, {}
        self.pending = ""
        if not self.pid:
            return rx.redirect("/admin/projects")
        self._refresh(ctx)
        return None

    def _changed(self, ctx: Ctx, message: str) -> Any:
        self._refresh(ctx)
        return rx.toast.success(message)

    # ---- fields -----------------------------------------------------------------------------
    def _fields_refused(self, error: DomainError) -> None:
        self.form_errors = form_errors(error)

    @admin(on_error="_fields_refused")
    def save(self, ctx: Ctx, form: dict[str, Any]) -> Any:
        projects.update_project(ctx.db, ctx.actor, self.pid, projects.ProjectPatch(**project_values(form)))
        self.form_errors = {}
        return self._changed(ctx, "Project saved.")

    # ---- members ----------------------------------------------------------------------------
    def _role_refused(self, error: DomainError) -> None:
        self.flash = next(iter(form_errors(error).values()))

    @admin(on_error="_role_refused")
    def set_role(self, ctx: Ctx, user_id: int, role: str) -> Any:
        data = memberships.MemberSet.model_validate({"role": role})
        memberships.set_member(ctx.db, ctx.actor, self.pid, to_int(user_id) or 0, data)
        return self._changed(ctx, "Role changed.")

    def _add_refused(self, error: DomainError) -> None:
        self.add_errors = form_errors(error)

    @admin(on_error="_add_refused")
    def add_member(self, ctx: Ctx, form: dict[str, Any]) -> Any:
        uid, role = to_int(form.get("user_id", "")), str(form.get("role", ""))
        if uid is None:
            raise Invalid({"user_id": "Choose a person to add."})
        if role not in ROLES:
            raise Invalid({"role": "Choose a role."})
        memberships.set_member(
            ctx.db, ctx.actor, self.pid, uid, memberships.MemberSet.model_validate({"role": role})
        )
        self.add_errors = {}
        return self._changed(ctx, "Member added.")

    @admin()
    def confirm_remove(self, ctx: Ctx) -> Any:
        uid = self._confirmed("remove")
        if uid is None:
            return None
        memberships.remove_member(ctx.db, ctx.actor, self.pid, uid)
        return self._changed(ctx, "Member removed.")

    def _invite_refused(self, error: DomainError) -> None:
        self.invite_errors = form_errors(error)

    @admin(on_error="_invite_refused")
    def invite(self, ctx: Ctx, form: dict[str, Any]) -> Any:
        values = {
            "email": str(form.get("email", "")),
            "name": str(form.get("name", "")),
            "role": str(form.get("role", "")),
            "project_id": self.pid,
        }
        if values["role"] not in ROLES:
            raise Invalid({"role": "Choose the role they get in this project."})
        invites.invite_user(ctx.db, ctx.actor, invites.InviteCreate.model_validate(values))
        self.invite_errors, self.invite_version = {}, self.invite_version + 1  # clears the form
        return self._changed(ctx, f"Invitation sent to {str(values['email']).strip()}.")

    # ---- archive and restore ------------------------------------------------------------------
    @admin()
    def archive(self, ctx: Ctx) -> Any:
        self.pending = ""
        projects.archive_project(ctx.db, ctx.actor, self.pid)
        return self._changed(ctx, "Project archived.")

    @admin()
    def restore(self, ctx: Ctx) -> Any:
        restore_project(ctx.db, ctx.actor, self.pid)
        return self._changed(ctx, "Project restored.")
