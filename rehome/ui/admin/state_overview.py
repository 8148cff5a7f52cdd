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
from rehome.ui.fields import ListField, ObjectField, list_field, object_field
from rehome.ui.guard import Ctx, admin, public

RECENT = 8


class OverviewState(AdminState):
    numbers: ObjectField[Overview] = object_field(
        Overview.model_construct(None, **dict.fromkeys(Overview.model_fields, 0))
    )
    recent: ListField[list[ActivityRow]] = list_field()

    @admin(page=True)
    def load(self, ctx: Ctx) -> None:
        entries = audit.list_activity(ctx.db, ctx.actor, limit=RECENT).items
        self.numbers = overview(ctx.db, ctx.actor)
        self.recent = describe_activity(ctx.db, ctx.actor, entries)


class AdminSearchState(AdminState):
    q: rx.Field[str] = rx.field("")
    results: ObjectField[SearchResults] = object_field(SearchResults(query=""))
    searched: rx.Field[bool] = rx.field(False)

    @rx.var
    def hits(self) -> int:
        r = self.results
        return len(r.projects) + len(r.tasks) + len(r.messages) + len(r.files) + len(r.users)

    @admin(page=True)
    def load(self, ctx: Ctx) -> None:
        self.q = self.router.url.query_parameters.get("q", "")[: search.MAX_QUERY]
        self.searched = bool(self.q.strip())
        self.results = search.search(ctx.db, ctx.actor, self.q)

    @public
    def submit(self, form: dict[str, Any]) -> Any:
        """Searching changes the URL (shareable, back button works); the load runs the query."""
        q = str(form.get("q", "")).strip()[: search.MAX_QUERY]
        return rx.redirect(f"/admin/search?q={quote(q)}")
