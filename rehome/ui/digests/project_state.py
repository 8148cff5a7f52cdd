"""The project page's digest tabs: the reader's own digest (staff also see what
the clients got), Risks & Blockers for the firm's side, and the client
update editor for those who approve it. New summaries arrive live through the
page's relay (`LiveState`), which calls `_reload_for` after re-reading them
through the access layer."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from rehome.core.access import Action, Actor, ProjectScope, summary_audience
from rehome.core.digests import client_update, requests, risks, store
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError
from rehome.core.vocab import SummaryAudience, SummaryStatus, SummaryType
from rehome.ui.digests.cards import EMPTY, NO_RISKS, DigestCard, RiskView, card, risk_view
from rehome.ui.fields import ObjectField, object_field
from rehome.ui.guard import Ctx, in_project, public
from rehome.ui.project.state import ProjectState

AGENT_TABS = ("assistant", "digest", "risks", "update")


class ProjectDigestState(ProjectState):
    agent_tab: rx.Field[str] = rx.field("assistant")
    daily: ObjectField[DigestCard] = object_field(EMPTY)
    client_daily: ObjectField[DigestCard] = object_field(EMPTY)  # what the clients got (firm's side)
    risks: ObjectField[RiskView] = object_field(NO_RISKS)
    staff_view: rx.Field[bool] = rx.field(False)
    can_approve: rx.Field[bool] = rx.field(False)
    update_id: rx.Field[int] = rx.field(0)
    update_text: rx.Field[str] = rx.field("")
    update_status: rx.Field[str] = rx.field("")
    digest_note: rx.Field[str] = rx.field("")
    show_client: rx.Field[bool] = rx.field(False)

    def _load(self, db: Session, actor: Actor, scope: ProjectScope) -> None:
        pid = scope.project_id
        self.staff_view = summary_audience(scope) is SummaryAudience.STAFF
        self.can_approve = scope.can(Action.APPROVE_UPDATE)
        self.daily = card(store.latest(db, actor, pid, SummaryType.DAILY))
        client = store.latest(db, actor, pid, SummaryType.DAILY, SummaryAudience.CLIENT)
        self.client_daily = card(client) if self.staff_view else EMPTY
        self.risks = risk_view(risks.project_risks(db, actor, pid)) if self.staff_view else NO_RISKS
        update = store.latest(db, actor, pid, SummaryType.CLIENT_UPDATE) if self.can_approve else None
        self.update_id = update.id if update else 0
        self.update_text = update.content if update else ""
        self.update_status = update.status.value if update else ""

    def _reload_for(self, actor: Actor, scope: ProjectScope) -> None:
        """From the relay, outside any handler: its own transaction."""
        try:
            with session_scope() as db:
                self._load(db, actor, scope)
        except DomainError as error:
            self.digest_note = error.message

    def _digest_refused(self, error: DomainError) -> None:
        self.digest_note = error.message

    @in_project(on_error="_digest_refused")
    def open_digests(self, ctx: Ctx) -> None:
        assert ctx.scope is not None
        wanted = self.router.url.query_parameters.get("summary", "")
        if wanted.isdigit() and self.agent_tab == "assistant":
            self.agent_tab = "digest"
        self._load(ctx.db, ctx.actor, ctx.scope)

    @public
    def set_agent_tab(self, tab: str) -> None:
        self.agent_tab = tab if tab in AGENT_TABS else "assistant"

    @in_project(Action.APPROVE_UPDATE, on_error="_digest_refused")
    def draft_update(self, ctx: Ctx) -> None:
        requests.request_client_update(ctx.db, ctx.actor, ctx.project_id)
        self.digest_note = "Drafting this week's client update: it appears here in a moment."

    @public
    def toggle_client(self) -> None:
        self.show_client = not self.show_client

    @public
    def set_update_text(self, value: str) -> None:
        self.update_text = value[: client_update.MAX_CHARS]

    @in_project(Action.APPROVE_UPDATE, on_error="_digest_refused")
    def save_update(self, ctx: Ctx) -> None:
        data = client_update.UpdateEdit(content=self.update_text)
        client_update.edit_update(ctx.db, ctx.actor, self.update_id, data)
        self.digest_note = "Saved. Clients see nothing until you approve it."

    @in_project(Action.APPROVE_UPDATE, on_error="_digest_refused")
    def approve_update(self, ctx: Ctx) -> Any:
        data = client_update.UpdateApprove(content=self.update_text)
        done = client_update.approve_update(ctx.db, ctx.actor, self.update_id, data)
        self.update_status = SummaryStatus(done.status).value
        self.digest_note = "Approved: posted in the chat and mailed to the project's clients."
        return None
