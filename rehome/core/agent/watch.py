"""Who may keep watching an answer while it streams (F-07, F-36).

A run's answer is written from the context its asker's role allowed when the
question was asked. If that person is then demoted (say from team to
client), removed from the project, disabled or signed out, the rest of the
answer may hold items they can no longer see, so the token socket and the SSE
stream read through `RunWatch.read()`: the run's stream and the viewer's user
channel in ONE Redis read (atomic across both, so an access change announced
before a token was written is seen with it). An announced change is checked
in the database before anything more goes out; every few seconds a check
also runs beside the stream (expiry, idle timeout) and ends it at the next
frame if it fails. At most one read of its own per frame, usually none (the
hub hands over what it read; issue 13: a separate channel read per frame made
three, and the periodic check held frames behind the thread pool).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlmodel import Session

from rehome.core.access import Actor, visibility_level
from rehome.core.agent import stream
from rehome.core.agent.stream import Chunk, Done
from rehome.core.agent.threads import thread_scope
from rehome.core.infra import bus, streamhub
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError
from rehome.core.models import AgentRun
from rehome.core.vocab import EventKind, Role

Item = Chunk | Done
RECHECK_EVERY = 3.0  # seconds between database checks without news


def may_watch(session: Session, actor: Actor | None, run_id: int) -> bool:
    """The run's thread is still the viewer's to read, and their role in its
    project sees at least what the role the answer was written for saw."""
    run = session.get(AgentRun, run_id)
    if actor is None or run is None or run.workspace_id != actor.workspace_id:
        return False
    try:
        _, scope = thread_scope(session, actor, run.thread_id)
    except DomainError:
        return False
    # runs queued before roles were recorded are judged by thread access alone
    written_for = Role((run.context_used or {}).get("role", Role.CLIENT.value))
    now = scope.role if scope is not None else Role.ADMIN
    return visibility_level(now) >= visibility_level(written_for)


Reresolve = Callable[[Session], Actor | None]  # the viewer again: from their cookie or bearer token


def _check(reresolve: Reresolve, run_id: int) -> Actor | None:
    with session_scope() as session:
        actor = reresolve(session)
        return actor if may_watch(session, actor, run_id) else None


class RunWatch:
    """One viewer of one run, re-resolved through `reresolve` at each check, so
    a revoked session or token ends the stream as surely as a role change."""

    def __init__(self, run_id: int, actor: Actor, reresolve: Reresolve, cursor: str) -> None:
        self.run_id, self.actor, self._reresolve = run_id, actor, reresolve
        self._channel, self._cursor = bus.user_channel(actor.user_id), cursor
        self._checked = time.monotonic()
        self._periodic: asyncio.Future[bool] | None = None

    @classmethod
    async def start(cls, reresolve: Reresolve, run_id: int) -> RunWatch | None:
        """A watch for a viewer who may watch the run now, else None."""
        actor = await asyncio.to_thread(_check, reresolve, run_id)
        if actor is None:
            return None
        cursor = await asyncio.to_thread(bus.last_id, bus.user_channel(actor.user_id))
        return cls(run_id, actor, reresolve, cursor)

    async def read(self, cursor: str, block_ms: int, count: int = 500) -> tuple[str, list[Item], bool]:
        """The run's entries after `cursor` (waiting up to `block_ms` for the
        first), and whether the viewer may still see them: False means not
        one of them may go out."""
        run_key, channel_key = stream.stream_key(self.run_id), bus.stream_key(self._channel)
        answer = await streamhub.xread({run_key: cursor, channel_key: self._cursor}, block_ms, count)
        entries: list[tuple[str, dict[str, str]]] = []
        news = False
        for key, got in answer:
            if str(key) == channel_key:
                self._cursor = str(got[-1][0]) if got else self._cursor
                news |= any(fields.get("k") == EventKind.ACCESS_CHANGED for _, fields in got)
            else:
                entries = got
        cursor, items = stream.parse(entries, cursor)
        return cursor, items, await self._allowed(news)

    async def _allowed(self, news: bool) -> bool:
        """On news, a database check before anything goes out. Otherwise the
        periodic check (expiry, idle timeout: nothing announces those) runs
        beside the stream and ends it at the next frame if it fails: waiting
        for it held every frame of every socket behind a thread pool busy
        with a hundred sockets' checks (issue 13, token delivery)."""
        if self._periodic is not None and self._periodic.done():
            passed, self._periodic = self._periodic.result(), None
            if not passed:
                return False
        now = time.monotonic()
        if news:
            self._checked = now
            return await asyncio.to_thread(_check, self._reresolve, self.run_id) is not None
        if now - self._checked >= RECHECK_EVERY and self._periodic is None:
            self._checked = now
            self._periodic = asyncio.ensure_future(self._check_later())
        return True

    async def _check_later(self) -> bool:
        return await asyncio.to_thread(_check, self._reresolve, self.run_id) is not None
