"""The admin assistant page's digest tabs (F-12): the chosen project's daily
digest (or the newest ones across the workspace), the weekly workspace
rollup, and Risks & Blockers; "Write now" asks for a digest or rollup, and
the page's relay shows it when it is stored (AgentSummaryReady)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import reflex as rx
from sqlmodel import Session

from rehome.core.access import Actor, project_scope
from rehome.core.auth.sessions import resolve_session
from rehome.core.digests import requests, risks, store
from rehome.core.infra import bus
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError
from rehome.core.vocab import EventKind, SummaryAudience, SummaryType
from rehome.ui.admin.state_base import AdminState
from rehome.ui.digests.cards import EMPTY, NO_RISKS, DigestCard, RiskView, card, risk_view
from rehome.ui.fields import ListField, ObjectField, list_field, object_field
from rehome.ui.guard import Ctx, admin, relay
from rehome.ui.realtime import locked, tab_connected

RECENT = 6
FOLLOW_FOR = 300.0  # seconds the page waits for a digest it asked for
RECHECK_EVERY = 15.0


class AdminDigestState(AdminState):
    digest_scope: rx.Field[int] = rx.field(0)  # 0: the whole workspace
    daily: ObjectField[DigestCard] = object_field(EMPTY)
    recent: ListField[list[DigestCard]] = list_field()
    weekly: ObjectField[DigestCard] = object_field(EMPTY)
    risks: ObjectField[RiskView] = object_field(NO_RISKS)
    waiting: rx.Field[str] = rx.field("")  # "daily" or "weekly" while a digest asked for is written
    digest_note: rx.Field[str] = rx.field("")
    _generation: int = 0

    def _load(self, db: Session, actor: Actor) -> None:
        pid = self.digest_scope or None
        if pid is not None:
            self.daily = card(store.latest(db, actor, pid, SummaryType.DAILY, SummaryAudience.STAFF))
            self.recent = []
            self.risks = risk_view(risks.project_risks(db, actor, pid))
        else:
            self.daily = EMPTY
            page = store.workspace_daily(db, actor, limit=RECENT)
            self.recent = [card(s) for s in page]
            self.risks = risk_view(risks.workspace_risks(db, actor))
        self.weekly = card(store.latest(db, actor, None, SummaryType.WEEKLY))

    def _digest_refused(self, error: DomainError) -> None:
        self.digest_note, self.waiting = error.message, ""

    @admin(on_error="_digest_refused")
    def load_for(self, ctx: Ctx, scope: int) -> None:
        wanted = max(0, int(scope))
        if wanted:
            project_scope(ctx.db, ctx.actor, wanted)  # the admin's own workspace only
        self.digest_scope, self.digest_note, self.waiting = wanted, "", ""
        self._load(ctx.db, ctx.actor)

    @admin(on_error="_digest_refused")
    def write_daily(self, ctx: Ctx) -> Any:
        if not self.digest_scope:
            self.digest_note = "Choose a project above to write its digest now."
            return None
        requests.request_digest(ctx.db, ctx.actor, self.digest_scope)
        self.waiting, self.digest_note = "daily", "Writing the digest…"
        return AdminDigestState.follow

    @admin(on_error="_digest_refused")
    def write_weekly(self, ctx: Ctx) -> Any:
        requests.request_rollup(ctx.db, ctx.actor, ctx.actor.workspace_id)
        self.waiting, self.digest_note = "weekly", "Writing the weekly rollup…"
        return AdminDigestState.follow

    @relay
    async def follow(self) -> None:
        """Wait (a few minutes at most) for the asked-for summary's ready event
        on the project's channel or this admin's own, then show it."""
        async with locked(self):
            self._generation += 1
            generation, scope = self._generation, self.digest_scope
            cookie, tab, path = self._session_token(), self.router.session.client_token, self.router.url.path
        actor = await asyncio.to_thread(_admin_of, cookie, scope)
        if actor is None:
            return
        channels = [bus.user_channel(actor.user_id), *([bus.project_channel(scope)] if scope else [])]
        cursors = {c: await asyncio.to_thread(bus.last_id, c) for c in channels}
        started = checked = time.monotonic()
        while await tab_connected(tab) and time.monotonic() - started < FOLLOW_FOR:
            batch = await bus.read(cursors, block_ms=2000)
            for event in batch:
                cursors[event.channel] = event.id
            ready = any(e.kind == EventKind.AGENT_SUMMARY_READY for e in batch)
            if ready or time.monotonic() - checked >= RECHECK_EVERY:
                actor = await asyncio.to_thread(_admin_of, cookie, scope)
                checked = time.monotonic()
            async with locked(self):
                if self._generation != generation or self.router.url.path != path or actor is None:
                    return
                if ready:
                    await asyncio.to_thread(self._reload_for, actor)
                    self.waiting, self.digest_note = "", ""
                    return
        async with locked(self):
            if self._generation == generation:
                self.waiting = ""

    def _reload_for(self, actor: Actor) -> None:
        try:
            with session_scope() as db:
                self._load(db, actor)
        except DomainError as error:
            self.digest_note = error.message


def _admin_of(cookie: str | None, project_id: int) -> Actor | None:
    """The viewer, if still signed in, an admin, and (for a project) able to see it."""
    with session_scope() as db:
        actor = resolve_session(db, cookie)
        if actor is None or not actor.is_admin:
            return None
        if project_id:
            try:
                project_scope(db, actor, project_id)
            except DomainError:
                return None
    return actor
