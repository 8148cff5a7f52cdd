"""/admin/projects: the project list, create and edit dialogs, archive and restore."""

from __future__ import annotations

from typing import Any

from rehome.core import projects
from rehome.core.infra.listing import Listing
from rehome.core.infra.validation import parse_cents
from rehome.core.projects.admin_list import AdminProjectRow, list_projects_admin
from rehome.core.projects.service import restore_project
from rehome.core.projects.views import ProjectOut
from rehome.ui.admin.state_base import AdminState, ConfirmMixin, EditorMixin, ListMixin, to_int
from rehome.ui.fields import ListField, ObjectField, list_field, object_field
from rehome.ui.guard import Ctx, admin, public

EMPTY_PROJECT = {"name": "", "address": "", "description": "", "budget": ""}


def project_form(project: ProjectOut) -> dict[str, str]:
    budget = project.budget_cents
    return {
        "name": project.name,
        "address": project.address,
        "description": project.description,
        "budget": f"{budget / 100:.2f}" if budget is not None else "",
    }


def project_values(form: dict[str, Any]) -> dict[str, Any]:
    """The form as `ProjectCreate`/`ProjectPatch` input; pydantic checks the rest."""
    return {
        "name": str(form.get("name", "")),
        "address": str(form.get("address", "")),
        "description": str(form.get("description", "")),
        "budget_cents": parse_cents(str(form.get("budget", "")), "budget"),
    }


class AdminProjectsState(EditorMixin, ConfirmMixin, ListMixin, AdminState):
    rows: ListField[list[AdminProjectRow]] = list_field()
    form: ObjectField[dict[str, str]] = object_field(EMPTY_PROJECT)

    def _fetch(self, ctx: Ctx, params: dict[str, Any]) -> Listing[Any]:
        return list_projects_admin(ctx.db, ctx.actor, status=self.filters.get("status", "active"), **params)

    def _show(self, listing: Listing[Any]) -> None:
        self.rows = listing.items

    @admin(page=True)
    def load(self, ctx: Ctx) -> None:
        self._start("name", {"status": "active"})
        self.editor_open, self.pending = False, ""
        self._reload(ctx)

    # ---- create and edit ------------------------------------------------------------
    @public
    def open_new(self) -> None:
        self.editing_id, self.form, self.form_errors, self.editor_open = 0, EMPTY_PROJECT, {}, True

    @admin()
    def open_edit(self, ctx: Ctx, project_id: int) -> None:
        detail = projects.project_detail(ctx.db, ctx.actor, to_int(project_id) or 0)
        self.editing_id, self.form, self.form_errors = detail.id, project_form(detail), {}
        self.editor_open = True

    @admin(on_error="_form_refused")
    def save(self, ctx: Ctx, form: dict[str, Any]) -> Any:
        values = project_values(form)
        if self.editing_id:
            projects.update_project(ctx.db, ctx.actor, self.editing_id, projects.ProjectPatch(**values))
        else:
            projects.create_project(ctx.db, ctx.actor, projects.ProjectCreate(**values))
        return self._saved(ctx, "Project saved.")

    # ---- archive and restore -----------------------------------------------------------
    @admin()
    def confirm_archive(self, ctx: Ctx) -> None:
        pid = self._confirmed("archive")
        if pid is not None:
            projects.archive_project(ctx.db, ctx.actor, pid)
            ctx.db.flush()
            self._reload(ctx)

    @admin()
    def restore(self, ctx: Ctx, project_id: int) -> None:
        restore_project(ctx.db, ctx.actor, to_int(project_id) or 0)
        ctx.db.flush()
        self._reload(ctx)
