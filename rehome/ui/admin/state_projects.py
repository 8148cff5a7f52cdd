"""/admin/projects: the project list, create and edit dialogs, archive and restore."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from rehome.core import projects
from rehome.core.access import Actor
from rehome.core.infra.listing import Listing
from rehome.core.infra.validation import parse_cents
from rehome.core.projects.admin_list import AdminProjectRow, list_projects_admin
from rehome.core.projects.service import restore_project
from rehome.ui.admin.state_base import AdminState, ConfirmMixin, EditorMixin, ListMixin, to_int

EMPTY_PROJECT = {"name": "", "address": "", "description": "", "budget": ""}


def project_form(project: projects.ProjectOut | projects.ProjectDetail) -> dict[str, str]:
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
    rows: list[AdminProjectRow] = []
    form: dict[str, str] = EMPTY_PROJECT

    def _fetch(self, session: Session, actor: Actor, params: dict[str, Any]) -> Listing[Any]:
        return list_projects_admin(session, actor, status=self.filters.get("status", "active"), **params)

    def _show(self, listing: Listing[Any]) -> None:
        self.rows = listing.items

    @rx.event
    def load(self) -> Any:
        actor, away = self._enter()
        if actor is None:
            return away
        self._start("name", {"status": "active"})
        self.editor_open, self.pending = False, ""
        self._reload(actor)
        return None

    # ---- create and edit ------------------------------------------------------------
    @rx.event
    def open_new(self) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        self.editing_id, self.form, self.form_errors, self.editor_open = 0, EMPTY_PROJECT, {}, True
        return None

    @rx.event
    def open_edit(self, project_id: int) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        pid = to_int(project_id) or 0
        detail = self._run(lambda s: projects.project_detail(s, actor, pid))
        if detail is not None:
            self.editing_id, self.form, self.form_errors = detail.id, project_form(detail), {}
            self.editor_open = True
        return None

    @rx.event
    def save(self, form: dict[str, Any]) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        editing = self.editing_id

        def work(session: Session) -> None:
            values = project_values(form)
            if editing:
                projects.update_project(session, actor, editing, projects.ProjectPatch(**values))
            else:
                projects.create_project(session, actor, projects.ProjectCreate(**values))

        return self._saved(actor, self._submit(work), "Project saved.")

    # ---- archive and restore -----------------------------------------------------------
    @rx.event
    def confirm_archive(self) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        pid = self._confirmed("archive")
        if pid is not None and self._attempt(lambda s: projects.archive_project(s, actor, pid)):
            self._reload(actor)
        return None

    @rx.event
    def restore(self, project_id: int) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        pid = to_int(project_id) or 0
        if self._attempt(lambda s: restore_project(s, actor, pid)):
            self._reload(actor)
        return None
