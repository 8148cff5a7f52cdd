"""/admin/tasks: every task of the workspace, with filters; delete with confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from rehome.core import tasks
from rehome.core.access import Actor
from rehome.core.infra.listing import Listing
from rehome.core.tasks.admin_list import AdminTaskRow, list_tasks_admin
from rehome.core.workspace.overview import Option, project_options, user_options
from rehome.ui.admin.state_base import AdminState, ConfirmMixin, ListMixin, to_int

ANY = "all"


class AdminTasksState(ConfirmMixin, ListMixin, AdminState):
    rows: list[AdminTaskRow] = []
    project_choices: list[Option] = []
    people: list[Option] = []

    def _fetch(self, session: Session, actor: Actor, params: dict[str, Any]) -> Listing[Any]:
        f = self.filters
        return list_tasks_admin(
            session,
            actor,
            project_id=None if f.get("project", ANY) == ANY else f.get("project"),
            status=f.get("status", ANY),
            assignee_id=None if f.get("assignee", ANY) == ANY else f.get("assignee"),
            overdue=f.get("overdue") == "yes",
            include_archived=f.get("archived") == "yes",
            **params,
        )

    def _show(self, listing: Listing[Any]) -> None:
        self.rows = listing.items

    @rx.event
    def load(self) -> Any:
        actor, away = self._enter()
        if actor is None:
            return away
        query = self.router.url.query_parameters
        project = to_int(query.get("project", ""))
        self._start(
            "due",
            {
                "project": str(project) if project else ANY,
                "status": "open",
                "assignee": ANY,
                "overdue": "yes" if query.get("overdue") else "no",
                "archived": "no",
            },
        )
        self.pending = ""

        def options(session: Session) -> tuple[list[Option], list[Option]]:
            return project_options(session, actor), user_options(session, actor)

        self.project_choices, self.people = self._run(options) or ([], [])
        self._reload(actor)
        return None

    @rx.event
    def confirm_delete(self) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        task_id = self._confirmed("delete")
        if task_id is not None and self._attempt(lambda s: tasks.delete_task(s, actor, task_id)):
            self._reload(actor)
            return rx.toast.success("Task deleted.")
        return None
