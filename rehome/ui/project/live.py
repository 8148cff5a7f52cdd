"""One relay per open project tab: reads the project's and the user's event
streams, re-reads what changed through the access layer, and updates the
board, the chat, presence and typing in this tab's state."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import reflex as rx
from reflex_base.registry import RegistrationContext

from rehome.core import bus, live, notifications, presence
from rehome.core.access import Actor
from rehome.core.auth.sessions import resolve_session
from rehome.core.board import BoardFilters
from rehome.core.db import session_scope
from rehome.core.errors import DomainError
from rehome.ui.project.board_state import BoardState
from rehome.ui.project.chat_state import ChatState
from rehome.ui.project.models import PersonChip
from rehome.ui.project.state import ProjectState

HEARTBEAT_EVERY = 10.0  # seconds; presence drops a tab after presence.ONLINE_TTL
RECHECK_EVERY = 15.0  # seconds between session checks when nothing happens
TYPING_SHOWN = 4.0  # seconds a "… is typing" stays after the last keystroke event


async def _connected(token: str) -> bool:
    try:
        manager = RegistrationContext.get().app.event_namespace._token_manager  # type: ignore[union-attr]
    except (LookupError, AttributeError):
        return True
    return await manager.is_token_connected(token)


def _read_changes(
    cookie: str | None, project_id: int, batch: list[bus.BusEvent], filters: BoardFilters
) -> tuple[Actor | None, live.LiveChanges | None, int]:
    """Session check and access-checked reads in one transaction (off the event loop)."""
    with session_scope() as session:
        actor = resolve_session(session, cookie)
        if actor is None:
            return None, None, 0
        try:
            changes = live.changes_for(session, actor, project_id, batch, filters)
        except DomainError:
            return actor, None, 0
        unread = notifications.unread_count(session, actor) if changes.notifications else -1
    return actor, changes, unread


class LiveState(ProjectState):
    online: list[PersonChip] = []
    typing_names: list[str] = []
    _generation: int = 0
    _typing: dict[int, tuple[str, float]] = {}

    def _online_chips(self, ids: set[int]) -> list[PersonChip]:
        return [p for p in self.people if p.id in ids]

    def _prune_typing(self) -> None:
        now = time.monotonic()
        self._typing = {uid: (name, t) for uid, (name, t) in self._typing.items() if now - t < TYPING_SHOWN}
        names = sorted(name for name, _ in self._typing.values())
        if names != self.typing_names:
            self.typing_names = names

    @rx.event(background=True)
    async def run(self) -> Any:
        async with self:
            self._generation += 1
            generation, project_id = self._generation, self.project_id
            cursors, cookie = dict(self._cursors), self._session_token()
            tab, user_id = self.router.session.client_token, self.my_id
            filters = (await self.get_state(BoardState))._filters()
        if not project_id or not user_id:
            return
        last_beat = last_check = 0.0
        try:
            while await _connected(tab):
                now = time.monotonic()
                if now - last_beat >= HEARTBEAT_EVERY:
                    await asyncio.to_thread(presence.heartbeat, project_id, user_id, tab)
                    last_beat = now
                batch = await bus.read(cursors, block_ms=2000)
                for event in batch:
                    cursors[event.channel] = event.id
                async with self:
                    if self._generation != generation or self._route_project_id() != project_id:
                        return
                    filters = (await self.get_state(BoardState))._filters()
                    self._prune_typing()
                if not batch and time.monotonic() - last_check < RECHECK_EVERY:
                    continue
                last_check = time.monotonic()
                actor, changes, unread = await asyncio.to_thread(
                    _read_changes, cookie, project_id, batch, filters
                )
                if actor is None or changes is None:
                    async with self:
                        self.flash = "" if actor is None else "You no longer have access to that project."
                        yield self._sign_in_redirect() if actor is None else rx.redirect("/projects")
                    return
                async with self:
                    if self._generation != generation:
                        return
                    await self._apply(actor, changes, unread)
        finally:
            await asyncio.to_thread(presence.leave, project_id, user_id, tab)

    async def _apply(self, actor: Actor, changes: live.LiveChanges, unread: int) -> None:
        if changes.project:
            await asyncio.to_thread(self._refresh_frame, actor, self.project_id)
        if changes.tasks or changes.tasks_gone:
            board = await self.get_state(BoardState)
            board._apply_tasks(changes.tasks, changes.tasks_gone, changes.totals or board.totals)
        if changes.messages or changes.messages_gone:
            chat = await self.get_state(ChatState)
            chat._apply_messages(changes.messages, changes.messages_gone)
        now = time.monotonic()
        for user_id, name in changes.typing:
            self._typing[user_id] = (name, now)
        self._prune_typing()
        if changes.presence or not self.online:
            ids = await asyncio.to_thread(presence.online, self.project_id)
            self.online = self._online_chips(ids)
        if unread >= 0:
            self.unread = unread
