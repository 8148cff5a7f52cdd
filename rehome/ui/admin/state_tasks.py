"""/admin/tasks: every task of the workspace, with filters; delete with confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from rehome.core import tasks
from rehome.core.infra.listing import Listing
from rehome.core.tasks.admin_list import AdminTaskRow, list_tasks_admin
from rehome.core.workspace.overview import Option, project_options, user_options
from rehome.ui.admin.state_base import AdminState, ConfirmMixin, ListMixin, to_int
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, admin

ANY = "all"


class AdminTasksState(ConfirmMixin, ListMixin, AdminState):
    rows: ListField[list[AdminTaskRow]] = list_field()
    project_choices: ListField[list[Option]] = list_field()
    people: ListField[list[Option]] = list_field()

    def _fetch(self, ctx: Ctx, params: dict[str, Any]) -> Listing[Any]:
        f = self.filters
        return list_tasks_admin(
            ctx.db,
            ctx.actor,
            project_id=None if f.get("project", ANY) == ANY else to_int(f.get("project")),
            status=f.get("status", ANY),
            assignee_id=None if f.get("assignee", ANY) == ANY else to_int(f.get("assignee")),
            overdue=f.get("overdue") == "yes",
            include_archived=f.get("archived") == "yes",
            **params,
        )

    def _show(self, listing: Listing[Any]) -> None:
        self.rows = listing.items

    @admin(page=True)
    def load(self, ctx: Ctx) -> None:
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
        self.project_choices = project_options(ctx.db, ctx.actor)
        self.people = user_options(ctx.db, ctx.actor)
        self._reload(ctx)

    @admin()
    def confirm_delete(self, ctx: Ctx) -> Any:
        task_id = self._confirmed("delete")
        if task_id is None:
            return None
        tasks.delete_task(ctx.db, ctx.actor, task_id)
        ctx.db.flush()
        self._reload(ctx)
        return rx.toast.success("Task deleted.")
