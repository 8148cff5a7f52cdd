"""/admin/activity: the workspace's activity log, newest first, filtered by action and project.

Pages come from `audit.list_activity` (keyset: "entries before id N"); the
state keeps where each page it has shown started, so Previous goes back
exactly, and `count_activity` gives the "of Y".
"""

from __future__ import annotations

import reflex as rx

from rehome.core.activity import log as audit
from rehome.core.activity.feed import ActivityRow, activity_actions, count_activity, describe_activity
from rehome.core.workspace.overview import Option, project_options
from rehome.ui.admin.state_base import AdminState, to_int
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, admin

PER_PAGE = 25
ANY = "all"


class AdminActivityState(AdminState):
    rows: ListField[list[ActivityRow]] = list_field()
    actions: ListField[list[str]] = list_field()
    project_choices: ListField[list[Option]] = list_field()
    f_action: rx.Field[str] = rx.field(ANY)
    f_project: rx.Field[str] = rx.field(ANY)
    page: rx.Field[int] = rx.field(1)
    pages: rx.Field[int] = rx.field(1)
    total: rx.Field[int] = rx.field(0)
    loaded: rx.Field[bool] = rx.field(False)
    _starts: list[int] = []  # before_id of each page shown so far (0 = from the newest)
    _next_start: int = 0

    def _reload(self, ctx: Ctx) -> None:
        project_id = to_int(self.f_project)
        action = None if self.f_action == ANY else self.f_action[:60]
        before = self._starts[-1] if self._starts else 0
        page = audit.list_activity(
            ctx.db, ctx.actor, project_id=project_id, action=action, before_id=before or None, limit=PER_PAGE
        )
        self.total = count_activity(ctx.db, ctx.actor, project_id=project_id, action=action)
        self.rows = describe_activity(ctx.db, ctx.actor, page.items)
        self._next_start = page.items[-1].id if page.next_cursor and page.items else 0
        self.page = max(1, len(self._starts))
        self.pages = max(1, -(-self.total // PER_PAGE))
        self.loaded = True

    @admin(page=True)
    def load(self, ctx: Ctx) -> None:
        query = self.router.url.query_parameters
        project = to_int(query.get("project", ""))
        self.f_project = str(project) if project else ANY
        self.f_action, self._starts = ANY, [0]
        self.actions = activity_actions(ctx.db, ctx.actor)
        self.project_choices = project_options(ctx.db, ctx.actor)
        self._reload(ctx)

    @admin()
    def set_filter(self, ctx: Ctx, name: str, value: str) -> None:
        if name == "action":
            self.f_action = str(value)[:60]
        elif name == "project":
            self.f_project = str(value) if to_int(value) else ANY
        self._starts = [0]
        self._reload(ctx)

    @admin()
    def go_page(self, ctx: Ctx, step: int) -> None:
        if str(step) == "1" and self._next_start:
            self._starts = [*self._starts, self._next_start]
        elif str(step) != "1" and len(self._starts) > 1:
            self._starts = self._starts[:-1]
        else:
            return
        self._reload(ctx)
