"""/admin/projects/[project_id]: one project's fields, members, and invites into it."""

from __future__ import annotations

import re
from typing import Any

import reflex as rx
from sqlmodel import Session

from rehome.core import projects
from rehome.core.access import Actor
from rehome.core.auth import invites
from rehome.core.infra.errors import Invalid
from rehome.core.projects import members as memberships
from rehome.core.projects.members import AdminMemberRow, UserOption, addable_users, list_members_admin
from rehome.core.projects.service import restore_project
from rehome.ui.admin.state_base import AdminState, ConfirmMixin, to_int
from rehome.ui.admin.state_projects import EMPTY_PROJECT, project_form, project_values

_PATH = re.compile(r"^/admin/projects/(\d{1,10})/?$")
ROLES = ("team", "consultant", "client")


class AdminProjectState(ConfirmMixin, AdminState):
    pid: int = 0
    name: str = ""
    archived: bool = False
    form: dict[str, str] = EMPTY_PROJECT
    form_errors: dict[str, str] = {}
    form_version: int = 0
    members: list[AdminMemberRow] = []
    addable: list[UserOption] = []
    add_errors: dict[str, str] = {}
    invite_errors: dict[str, str] = {}
    invite_version: int = 0

    def _refresh(self, actor: Actor) -> bool:
        """Load the project (admin check and workspace scope in the core) and its people."""
        pid = self.pid

        def read(session: Session) -> tuple[Any, list[AdminMemberRow], list[UserOption]]:
            detail = projects.project_detail(session, actor, pid)
            return (
                detail,
                list_members_admin(session, actor, pid),
                addable_users(session, actor, pid),
            )

        loaded = self._run(read)
        if loaded is None:
            return False
        detail, self.members, self.addable = loaded
        self.name, self.archived = detail.name, detail.archived
        self.form, self.form_version = project_form(detail), self.form_version + 1
        return True

    @rx.event
    def load(self) -> Any:
        actor, away = self._enter()
        if actor is None:
            return away
        match = _PATH.match(self.router.url.path or "")
        self.pid = int(match.group(1)) if match else 0
        self.form_errors, self.add_errors, self.invite_errors = {}, {}, {}
        self.pending = ""
        if not self.pid or not self._refresh(actor):
            return rx.redirect("/admin/projects")
        return None

    def _after_change(self, actor: Actor, ok: bool, message: str) -> Any:
        if ok:
            self._refresh(actor)
            return rx.toast.success(message)
        return None

    # ---- fields -----------------------------------------------------------------------------
    @rx.event
    def save(self, form: dict[str, Any]) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        pid = self.pid
        errors = self._submit(
            lambda s: projects.update_project(s, actor, pid, projects.ProjectPatch(**project_values(form)))
        )
        self.form_errors = errors or {}
        return self._after_change(actor, errors is None, "Project saved.")

    # ---- members ----------------------------------------------------------------------------
    @rx.event
    def set_role(self, user_id: int, role: str) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        uid, pid = to_int(user_id) or 0, self.pid
        errors = self._submit(
            lambda s: memberships.set_member(
                s, actor, pid, uid, memberships.MemberSet.model_validate({"role": role})
            )
        )
        if errors is not None:
            self.flash = next(iter(errors.values()))
        return self._after_change(actor, errors is None, "Role changed.")

    @rx.event
    def add_member(self, form: dict[str, Any]) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        uid, role, pid = to_int(form.get("user_id", "")), str(form.get("role", "")), self.pid
        if uid is None:
            self.add_errors = {"user_id": "Choose a person to add."}
            return None

        def work(session: Session) -> None:
            if role not in ROLES:
                raise Invalid({"role": "Choose a role."})
            memberships.set_member(
                session, actor, pid, uid, memberships.MemberSet.model_validate({"role": role})
            )

        errors = self._submit(work)
        self.add_errors = errors or {}
        return self._after_change(actor, errors is None, "Member added.")

    @rx.event
    def confirm_remove(self) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        uid, pid = self._confirmed("remove"), self.pid
        ok = uid is not None and self._attempt(lambda s: memberships.remove_member(s, actor, pid, uid))
        return self._after_change(actor, ok, "Member removed.")

    @rx.event
    def invite(self, form: dict[str, Any]) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        pid = self.pid
        values = {
            "email": str(form.get("email", "")),
            "name": str(form.get("name", "")),
            "role": str(form.get("role", "")),
            "project_id": pid,
        }

        def work(session: Session) -> None:
            if values["role"] not in ROLES:
                raise Invalid({"role": "Choose the role they get in this project."})
            invites.invite_user(session, actor, invites.InviteCreate.model_validate(values))

        errors = self._submit(work)
        self.invite_errors = errors or {}
        if errors is None:
            self.invite_version += 1  # clears the form
        return self._after_change(actor, errors is None, f"Invitation sent to {values['email'].strip()}.")

    # ---- archive and restore ------------------------------------------------------------------
    @rx.event
    def archive(self) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        pid, self.pending = self.pid, ""
        ok = self._attempt(lambda s: projects.archive_project(s, actor, pid))
        return self._after_change(actor, ok, "Project archived.")

    @rx.event
    def restore(self) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        pid = self.pid
        ok = self._attempt(lambda s: restore_project(s, actor, pid))
        return self._after_change(actor, ok, "Project restored.")
