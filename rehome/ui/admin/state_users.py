"""/admin/users: people of the workspace, invite, edit, disable and enable."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from rehome.core.access import Actor, workspace_user
from rehome.core.auth import invites
from rehome.core.infra.errors import Invalid
from rehome.core.infra.listing import Listing
from rehome.core.workspace import users
from rehome.core.workspace.overview import Option, project_options
from rehome.core.workspace.user_list import AdminUserRow, list_users_admin
from rehome.ui.admin.state_base import AdminState, ConfirmMixin, EditorMixin, ListMixin, to_int

NO_PROJECT = "none"
EMPTY_USER = {"name": "", "email": "", "phone": "", "is_admin": "", "status": ""}


def _checked(value: Any) -> bool:
    return value in ("on", True, "true")


class AdminUsersState(EditorMixin, ConfirmMixin, ListMixin, AdminState):
    rows: list[AdminUserRow] = []
    project_choices: list[Option] = []
    invite_open: bool = False
    invite_errors: dict[str, str] = {}
    invite_version: int = 0
    form: dict[str, str] = EMPTY_USER

    def _fetch(self, session: Session, actor: Actor, params: dict[str, Any]) -> Listing[Any]:
        return list_users_admin(
            session,
            actor,
            status=self.filters.get("status", "all"),
            role=self.filters.get("role", "all"),
            **params,
        )

    def _show(self, listing: Listing[Any]) -> None:
        self.rows = listing.items

    @rx.event
    def load(self) -> Any:
        actor, away = self._enter()
        if actor is None:
            return away
        self._start("name", {"status": "all", "role": "all"})
        self.invite_open = self.editor_open = False
        self.pending = ""
        self._reload(actor)
        wanted = to_int(self.router.url.query_parameters.get("user", ""))
        return AdminUsersState.open_edit(wanted) if wanted else None

    # ---- invite -------------------------------------------------------------------------------
    @rx.event
    def open_invite(self) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        choices = self._run(lambda s: project_options(s, actor, include_archived=False))
        self.project_choices = choices or []
        self.invite_errors, self.invite_version, self.invite_open = {}, self.invite_version + 1, True
        return None

    @rx.event
    def set_invite_open(self, value: bool) -> None:
        self.invite_open = bool(value)

    @rx.event
    def invite(self, form: dict[str, Any]) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        project = str(form.get("project_id", NO_PROJECT))
        role = str(form.get("role", NO_PROJECT))
        values = {
            "email": str(form.get("email", "")),
            "name": str(form.get("name", "")),
            "is_admin": _checked(form.get("is_admin")),
            "project_id": to_int(project),
            "role": None if role == NO_PROJECT else role,
        }

        def work(session: Session) -> None:
            if values["project_id"] is not None and values["role"] is None:
                raise Invalid({"role": "Choose the role they get in that project."})
            if values["role"] is not None and values["project_id"] is None:
                raise Invalid({"project_id": "Choose the project the role is for."})
            invites.invite_user(session, actor, invites.InviteCreate.model_validate(values))

        errors = self._submit(work)
        if errors is not None:
            self.invite_errors = errors
            return None
        self.invite_open, self.invite_errors = False, {}
        self._reload(actor)
        return rx.toast.success(f"Invitation sent to {values['email'].strip().lower()}.")

    # ---- edit, disable, enable ------------------------------------------------------------------
    @rx.event
    def open_edit(self, user_id: int) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        uid = to_int(user_id) or 0
        found = self._run(lambda s: users.user_out(workspace_user(s, actor, uid)))
        if found is not None:
            self.editing_id, self.form_errors, self.editor_open = found.id, {}, True
            self.form = {
                "name": found.name,
                "email": found.email,
                "phone": found.phone or "",
                "is_admin": "on" if found.is_admin else "",
                "status": found.status,
            }
        return None

    def _update(self, actor: Actor, patch: dict[str, Any]) -> dict[str, str] | None:
        uid = self.editing_id
        return self._submit(lambda s: users.update_user(s, actor, uid, users.UserPatch.model_validate(patch)))

    @rx.event
    def save(self, form: dict[str, Any]) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        phone = str(form.get("phone", "")).strip()
        errors = self._update(
            actor,
            {
                "name": str(form.get("name", "")),
                "phone": phone or None,
                "is_admin": _checked(form.get("is_admin")),
            },
        )
        return self._saved(actor, errors, "User saved.")

    @rx.event
    def toggle_disabled(self) -> Any:
        """Disable (which ends their sessions and tokens at once) or enable the user."""
        actor, away = self._admin()
        if actor is None:
            return away
        self.pending = ""
        disable = self.form.get("status") != "disabled"
        errors = self._update(actor, {"disabled": disable})
        return self._saved(actor, errors, "User disabled." if disable else "User enabled.")
