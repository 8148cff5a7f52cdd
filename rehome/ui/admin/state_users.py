"""/admin/users: people of the workspace, invite, edit, disable and enable."""

from __future__ import annotations

from typing import Any

import reflex as rx

from rehome.core.access import workspace_user
from rehome.core.auth import invites
from rehome.core.infra.errors import DomainError, Invalid
from rehome.core.infra.listing import Listing
from rehome.core.workspace import users
from rehome.core.workspace.overview import Option, project_options
from rehome.core.workspace.user_list import AdminUserRow, list_users_admin
from rehome.ui.admin.state_base import AdminState, ConfirmMixin, EditorMixin, ListMixin, form_errors, to_int
from rehome.ui.fields import ListField, ObjectField, list_field, object_field
from rehome.ui.guard import Ctx, admin, public

NO_PROJECT = "none"
EMPTY_USER = {"name": "", "email": "", "phone": "", "is_admin": "", "status": ""}


def _checked(value: Any) -> bool:
    return value in ("on", True, "true")


class AdminUsersState(EditorMixin, ConfirmMixin, ListMixin, AdminState):
    rows: ListField[list[AdminUserRow]] = list_field()
    project_choices: ListField[list[Option]] = list_field()
    invite_open: rx.Field[bool] = rx.field(False)
    invite_errors: ObjectField[dict[str, str]] = object_field(default_factory=dict)
    invite_version: rx.Field[int] = rx.field(0)
    form: ObjectField[dict[str, str]] = object_field(EMPTY_USER)

    def _fetch(self, ctx: Ctx, params: dict[str, Any]) -> Listing[Any]:
        return list_users_admin(
            ctx.db,
            ctx.actor,
            status=self.filters.get("status", "all"),
            role=self.filters.get("role", "all"),
            **params,
        )

    def _show(self, listing: Listing[Any]) -> None:
        self.rows = listing.items

    @admin(page=True)
    def load(self, ctx: Ctx) -> Any:
        self._start("name", {"status": "all", "role": "all"})
        self.invite_open = self.editor_open = False
        self.pending = ""
        self._reload(ctx)
        wanted = to_int(self.router.url.query_parameters.get("user", ""))
        return AdminUsersState.open_edit(wanted) if wanted else None

    # ---- invite -------------------------------------------------------------------------------
    @admin()
    def open_invite(self, ctx: Ctx) -> None:
        self.project_choices = project_options(ctx.db, ctx.actor, include_archived=False)
        self.invite_errors, self.invite_version, self.invite_open = {}, self.invite_version + 1, True

    @public
    def set_invite_open(self, value: bool) -> None:
        self.invite_open = bool(value)

    def _invite_refused(self, error: DomainError) -> None:
        self.invite_errors = form_errors(error)

    @admin(on_error="_invite_refused")
    def invite(self, ctx: Ctx, form: dict[str, Any]) -> Any:
        project = str(form.get("project_id", NO_PROJECT))
        role = str(form.get("role", NO_PROJECT))
        values = {
            "email": str(form.get("email", "")),
            "name": str(form.get("name", "")),
            "is_admin": _checked(form.get("is_admin")),
            "project_id": to_int(project),
            "role": None if role == NO_PROJECT else role,
        }
        if values["project_id"] is not None and values["role"] is None:
            raise Invalid({"role": "Choose the role they get in that project."})
        if values["role"] is not None and values["project_id"] is None:
            raise Invalid({"project_id": "Choose the project the role is for."})
        invites.invite_user(ctx.db, ctx.actor, invites.InviteCreate.model_validate(values))
        ctx.db.flush()
        self.invite_open, self.invite_errors = False, {}
        self._reload(ctx)
        return rx.toast.success(f"Invitation sent to {str(values['email']).strip().lower()}.")

    # ---- edit, disable, enable ------------------------------------------------------------------
    @admin()
    def open_edit(self, ctx: Ctx, user_id: int) -> None:
        found = users.user_out(workspace_user(ctx.db, ctx.actor, to_int(user_id) or 0))
        self.editing_id, self.form_errors, self.editor_open = found.id, {}, True
        self.form = {
            "name": found.name,
            "email": found.email,
            "phone": found.phone or "",
            "is_admin": "on" if found.is_admin else "",
            "status": found.status,
        }

    def _update(self, ctx: Ctx, patch: dict[str, Any]) -> None:
        users.update_user(ctx.db, ctx.actor, self.editing_id, users.UserPatch.model_validate(patch))

    @admin(on_error="_form_refused")
    def save(self, ctx: Ctx, form: dict[str, Any]) -> Any:
        phone = str(form.get("phone", "")).strip()
        patch = {
            "name": str(form.get("name", "")),
            "phone": phone or None,
            "is_admin": _checked(form.get("is_admin")),
        }
        self._update(ctx, patch)
        return self._saved(ctx, "User saved.")

    @admin(on_error="_form_refused")
    def toggle_disabled(self, ctx: Ctx) -> Any:
        """Disable (which ends their sessions and tokens at once) or enable the user."""
        self.pending = ""
        disable = self.form.get("status") != "disabled"
        self._update(ctx, {"disabled": disable})
        return self._saved(ctx, "User disabled." if disable else "User enabled.")
