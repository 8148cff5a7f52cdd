"""One relay per open conversation tab: it hears of runs started anywhere on
the thread (another tab, the API) and shows them here; the tokens themselves
come over the run's own socket (`live_answer`). It stops when the tab closes,
the page changes, or the viewer may no longer see the thread."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from rehome.core.access import Actor
from rehome.core.agent.threads import get_thread
from rehome.core.auth.sessions import resolve_session
from rehome.core.infra import bus
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError
from rehome.core.vocab import EventKind
from rehome.ui.realtime import locked, tab_connected

RECHECK_EVERY = 15.0


def _may_follow(cookie: str | None, thread_id: int) -> Actor | None:
    """The viewer, if the session is alive and the thread still visible to it (off the loop)."""
    with session_scope() as session:
        actor = resolve_session(session, cookie)
        if actor is None:
            return None
        try:
            get_thread(session, actor, thread_id)
        except DomainError:
            return None
    return actor


async def follow(state: Any) -> None:
    """The loop behind `AgentState.follow` (`state` is that tab's AgentState)."""
    async with locked(state):
        state._generation += 1
        generation, thread_id = state._generation, state.thread_id
        cookie, tab, path = state._session_token(), state.router.session.client_token, state.router.url.path
    if not thread_id:
        return
    channel = bus.thread_channel(thread_id)
    cursor = await asyncio.to_thread(bus.last_id, channel)
    checked = time.monotonic()
    actor: Actor | None = None
    while await tab_connected(tab):
        batch = await bus.read({channel: cursor}, block_ms=2000)
        queued = stored = 0
        for event in batch:
            cursor = event.id
            if event.kind == EventKind.AGENT_RUN_QUEUED:
                queued = int(event.data["run_id"])
            elif event.kind == EventKind.AGENT_MESSAGE_CREATED:
                stored = int(event.data["run_id"])
        if queued or stored or time.monotonic() - checked >= RECHECK_EVERY:
            actor = await asyncio.to_thread(_may_follow, cookie, thread_id)
            if actor is None:
                return
            checked = time.monotonic()
        async with locked(state):
            if state._generation != generation or state.router.url.path != path:
                return
            if queued and queued != state.streaming_run:
                state.streaming_run = queued
            elif stored and stored != state.streaming_run and actor is not None:
                state._refresh_for(actor)  # a run this tab was not streaming stored its answer
