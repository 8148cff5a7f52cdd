"""One relay per open project tab: reads the project's and the user's event
streams, re-reads what changed through the access layer, and updates the
board, the chat, the files, presence and typing in this tab's state."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import reflex as rx

from rehome.core import notifications
from rehome.core.infra import bus
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError
from rehome.core.realtime import delivery as live
from rehome.core.realtime import presence
from rehome.core.tasks.board import BoardFilters
from rehome.ui.digests.project_state import ProjectDigestState
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, relay
from rehome.ui.project.board_state import BoardState
from rehome.ui.project.chat_state import ChatState
from rehome.ui.project.files_state import FilesState
from rehome.ui.project.models import PersonChip
from rehome.ui.project.state import ProjectState
from rehome.ui.realtime import locked, tab_connected

HEARTBEAT_EVERY = 10.0  # seconds; presence drops a tab after presence.ONLINE_TTL
TYPING_SHOWN = 4.0  # seconds a "… is typing" stays after the last keystroke event


def _read(
    cookie: str | None,
    project_id: int,
    viewer: live.Viewer | None,
    batch: list[bus.BusEvent],
    filters: BoardFilters,
) -> tuple[live.Viewer | None, live.LiveChanges | None, int]:
    """Re-check the viewer if needed, then read the batch's changes (off the loop).

    Returns (None, None, 0) when signed out, (viewer, None, 0) when the project
    is no longer visible, else the changes and the unread count (-1: unchanged).
    """
    with session_scope() as session:
        try:
            if live.needs_recheck(viewer, batch):
                viewer = live.check_viewer(session, cookie, project_id)
        except DomainError:
            return viewer, None, 0
        if viewer is None:
            return None, None, 0
        changes = live.changes_for(session, viewer, batch, filters)
        unread = notifications.unread_count(session, viewer.actor) if changes.notifications else -1
    return viewer, changes, unread


class LiveState(ProjectState):
    online: ListField[list[PersonChip]] = list_field()
    typing_names: ListField[list[str]] = list_field()
    _generation: int = 0
    _typing: dict[int, tuple[str, float]] = {}

    def _online_chips(self, ids: set[int]) -> list[PersonChip]:
        return [p for p in self.people if p["id"] in ids]

    def _prune_typing(self) -> None:
        now = time.monotonic()
        self._typing = {uid: (name, t) for uid, (name, t) in self._typing.items() if now - t < TYPING_SHOWN}
        names = sorted(name for name, _ in self._typing.values())
        if names != self.typing_names:
            self.typing_names = names

    @relay
    async def run(self) -> Any:
        """The tab's live loop. It reads only the channels of the project the
        page opened (after its access check) and of the viewer, re-checks the
        viewer's session and role on every access change and every few
        seconds, and reads every changed row again through the access layer."""
        async with locked(self):
            self._generation += 1
            generation, project_id = self._generation, self.project_id
            cursors, cookie = dict(self._cursors), self._session_token()
            tab, user_id = self.router.session.client_token, self.my_id
            filters = (await self.get_state(BoardState))._filters()
        own = {bus.project_channel(project_id), bus.user_channel(user_id)}
        if not project_id or not user_id or set(cursors) != own:
            return  # the page did not open (no access check passed): nothing to relay
        last_beat = typing_until = 0.0
        viewer: live.Viewer | None = None
        try:
            while await tab_connected(tab):
                now = time.monotonic()
                if now - last_beat >= HEARTBEAT_EVERY:
                    await asyncio.to_thread(presence.heartbeat, project_id, user_id, tab)
                    last_beat = now
                batch = await bus.read(cursors, block_ms=2000)
                for event in batch:
                    cursors[event.channel] = event.id
                typing_due = bool(typing_until) and time.monotonic() > typing_until
                if not batch and not typing_due and not live.needs_recheck(viewer, batch):
                    continue
                viewer, changes, unread = await asyncio.to_thread(
                    _read, cookie, project_id, viewer, batch, filters
                )
                async with locked(self):  # one state lock per batch: check, then apply
                    if self._generation != generation or self._route_project_id() != project_id:
                        return
                    if viewer is None or changes is None:
                        self.flash = "" if viewer is None else "You no longer have access to that project."
                        yield self._signed_out() if viewer is None else rx.redirect("/projects")
                        return
                    await self._apply(viewer, changes, unread)
                    filters = (await self.get_state(BoardState))._filters()
                    typing_until = time.monotonic() + TYPING_SHOWN if self._typing else 0.0
        finally:
            await asyncio.to_thread(presence.leave, project_id, user_id, tab)

    def _reframe(self, viewer: live.Viewer) -> None:
        """The project's name, people and this viewer's rights, read again."""
        with session_scope() as db:
            self._refresh_frame(Ctx(actor=viewer.actor, db=db, scope=viewer.scope), viewer.scope)

    async def _apply(self, viewer: live.Viewer, changes: live.LiveChanges, unread: int) -> None:
        if changes.project:
            await asyncio.to_thread(self._reframe, viewer)
        if changes.tasks or changes.tasks_gone:
            board = await self.get_state(BoardState)
            board._apply_tasks(changes.tasks, changes.tasks_gone, changes.totals or board.totals)
        if changes.messages or changes.messages_gone:
            chat = await self.get_state(ChatState)
            for message in changes.messages:
                message.files = changes.attachments.get(message.id, [])
            chat._apply_messages(changes.messages, changes.messages_gone)
        if changes.files or changes.files_gone:
            (await self.get_state(FilesState))._apply_files(changes.files, changes.files_gone)
            (await self.get_state(ChatState))._apply_attachments(changes.files, changes.files_gone)
            (await self.get_state(BoardState))._apply_task_files(changes.files, changes.files_gone)
        now = time.monotonic()
        for user_id, name in changes.typing:
            self._typing[user_id] = (name, now)
        self._prune_typing()
        if changes.presence or not self.online:
            ids = await asyncio.to_thread(presence.online, self.project_id)
            self.online = self._online_chips(ids)
        if changes.summaries:  # a digest or update this viewer may read is ready
            digests = await self.get_state(ProjectDigestState)
            await asyncio.to_thread(digests._reload_for, viewer.actor, viewer.scope)
        if unread >= 0:
            self.unread = unread
