"""/admin/activity: the workspace's activity log, newest first, filtered by action and project.

Pages come from `audit.list_activity` (keyset: "entries before id N"); the
state keeps where each page it has shown started, so Previous goes back
exactly, and `count_activity` gives the "of Y".
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from rehome.core.access import Actor
from rehome.core.activity import log as audit
from rehome.core.activity.feed import ActivityRow, activity_actions, count_activity, describe_activity
from rehome.core.workspace.overview import Option, project_options
from rehome.ui.admin.state_base import AdminState, to_int

PER_PAGE = 25
ANY = "all"


class AdminActivityState(AdminState):
    rows: list[ActivityRow] = []
    actions: list[str] = []
    project_choices: list[Option] = []
    f_action: str = ANY
    f_project: str = ANY
    page: int = 1
    pages: int = 1
    total: int = 0
    loaded: bool = False
    _starts: list[int] = []  # before_id of each page shown so far (0 = from the newest)
    _next_start: int = 0

    def _reload(self, actor: Actor) -> bool:
        project_id = to_int(self.f_project)
        action = None if self.f_action == ANY else self.f_action[:60]
        before = self._starts[-1] if self._starts else 0

        def read(session: Session) -> tuple[list[ActivityRow], int, int]:
            page = audit.list_activity(
                session, actor, project_id=project_id, action=action, before_id=before or None, limit=PER_PAGE
            )
            total = count_activity(session, actor, project_id=project_id, action=action)
            rows = describe_activity(session, actor, page.items)
            return rows, total, (page.items[-1].id if page.next_cursor and page.items else 0)

        loaded = self._run(read)
        if loaded is None:
            return False
        self.rows, self.total, self._next_start = loaded
        self.page = max(1, len(self._starts))
        self.pages = max(1, -(-self.total // PER_PAGE))
        self.loaded = True
        return True

    @rx.event
    def load(self) -> Any:
        actor, away = self._enter()
        if actor is None:
            return away
        query = self.router.url.query_parameters
        project = to_int(query.get("project", ""))
        self.f_project = str(project) if project else ANY
        self.f_action, self._starts = ANY, [0]

        def options(session: Session) -> tuple[list[str], list[Option]]:
            return activity_actions(session, actor), project_options(session, actor)

        self.actions, self.project_choices = self._run(options) or ([], [])
        self._reload(actor)
        return None

    @rx.event
    def set_filter(self, name: str, value: str) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        if name == "action":
            self.f_action = str(value)[:60]
        elif name == "project":
            self.f_project = str(value) if to_int(value) else ANY
        self._starts = [0]
        self._reload(actor)
        return None

    @rx.event
    def go_page(self, step: int) -> Any:
        actor, away = self._admin()
        if actor is None:
            return away
        if str(step) == "1" and self._next_start:
            self._starts = [*self._starts, self._next_start]
        elif str(step) != "1" and len(self._starts) > 1:
            self._starts = self._starts[:-1]
        else:
            return None
        self._reload(actor)
        return None
