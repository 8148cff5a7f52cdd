"""/admin and /admin/search: the workspace's numbers, recent activity, global search."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import reflex as rx

from rehome.core import search
from rehome.core.activity import log as audit
from rehome.core.activity.feed import ActivityRow, describe_activity
from rehome.core.search.service import SearchResults
from rehome.core.workspace.overview import Overview, overview
from rehome.ui.admin.state_base import AdminState

RECENT = 8


class OverviewState(AdminState):
    numbers: Overview = Overview.model_construct(**dict.fromkeys(Overview.model_fields, 0))
    recent: list[ActivityRow] = []

    @rx.event
    def load(self) -> Any:
        actor, away = self._enter()
        if actor is None:
            return away

        def read(session: Any) -> tuple[Overview, list[ActivityRow]]:
            entries = audit.list_activity(session, actor, limit=RECENT).items
            return (
                overview(session, actor),
                describe_activity(session, actor, entries),
            )

        loaded = self._run(read)
        if loaded is not None:
            self.numbers, self.recent = loaded
        return None


class AdminSearchState(AdminState):
    q: str = ""
    results: SearchResults = SearchResults(query="")
    searched: bool = False

    @rx.var
    def hits(self) -> int:
        r = self.results
        return len(r.projects) + len(r.tasks) + len(r.messages) + len(r.files) + len(r.users)

    @rx.event
    def load(self) -> Any:
        actor, away = self._enter()
        if actor is None:
            return away
        self.q = self.router.url.query_parameters.get("q", "")[: search.MAX_QUERY]
        self.searched = bool(self.q.strip())
        self.results = self._run(lambda s: search.search(s, actor, self.q)) or SearchResults(query=self.q)
        return None

    @rx.event
    def submit(self, form: dict[str, Any]) -> Any:
        """Searching changes the URL (shareable, back button works); the load runs the query."""
        actor, away = self._admin()
        if actor is None:
            return away
        q = str(form.get("q", "")).strip()[: search.MAX_QUERY]
        return rx.redirect(f"/admin/search?q={quote(q)}")
