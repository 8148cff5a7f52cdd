"""One relay per open conversation tab (F-31).

It reads the active run's token stream from where this tab stands (the
snapshot after a reload, then the stream), puts deltas in order and drops
repeats, and sends the browser only the new text, coalesced to a few
hundred milliseconds or about a line; the finished answer then comes from the
database once. Between runs it listens on the thread's channel, so a question
asked in another tab streams here too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from rehome.core import bus, events
from rehome.core.agent import stream
from rehome.core.agent.threads import get_thread
from rehome.core.auth.sessions import resolve_session
from rehome.core.db import session_scope
from rehome.core.errors import DomainError
from rehome.ui.components.live_answer import append_js, end_js
from rehome.ui.realtime import tab_connected

FLUSH_CHARS = 96  # send about a line at a time ...
FLUSH_EVERY = 0.25  # ... or whatever came within a quarter second
RECHECK_EVERY = 15.0


def _may_follow(cookie: str | None, thread_id: int) -> bool:
    """The session is alive and the thread still visible to it (off the loop)."""
    with session_scope() as session:
        actor = resolve_session(session, cookie)
        if actor is None:
            return False
        try:
            get_thread(session, actor, thread_id)
        except DomainError:
            return False
    return True


async def follow(state: Any) -> AsyncIterator[Any]:
    """The loop behind `AgentState.follow` (`state` is that tab's AgentState)."""
    async with state:
        state._generation += 1
        generation, thread_id, run_id = state._generation, state.thread_id, state.streaming_run
        cookie, tab, path = state._session_token(), state.router.session.client_token, state.router.url.path
    if not thread_id:
        return
    channel = bus.thread_channel(thread_id)
    cursor = await asyncio.to_thread(bus.last_id, channel)
    checked = 0.0
    while await tab_connected(tab):
        if time.monotonic() - checked >= RECHECK_EVERY or run_id:
            if not await asyncio.to_thread(_may_follow, cookie, thread_id):
                return
            checked = time.monotonic()
        if run_id:
            async for event in _stream_run(state, run_id, generation, tab):
                yield event
            async with state:
                if state._generation != generation:
                    return
                actor = state._actor()
                if actor is not None:
                    state._refresh(actor)
                state.streaming_run = 0
            yield rx.call_script(end_js(run_id))
            run_id = 0
        batch = await bus.read({channel: cursor}, block_ms=2000)
        for event in batch:
            cursor = event.id
            if event.kind == events.AGENT_RUN_QUEUED:
                run_id = int(event.data["run_id"])
        async with state:
            if state._generation != generation or state.router.url.path != path:
                return
            if run_id:
                state.streaming_run = run_id


async def _stream_run(state: Any, run_id: int, generation: int, tab: str) -> AsyncIterator[Any]:
    seq, text = await asyncio.to_thread(stream.snapshot, run_id)
    assembler = stream.Assembler(seq, text)
    yield rx.call_script(append_js(run_id, text, seq, replace=True))
    cursor, pending, flushed, polled = "0", "", time.monotonic(), time.monotonic()
    while not assembler.finished:
        cursor, items = await stream.read(run_id, cursor, block_ms=250)
        for item in items:
            pending += assembler.push(item)
        now = time.monotonic()
        if pending and (len(pending) >= FLUSH_CHARS or now - flushed >= FLUSH_EVERY or assembler.finished):
            yield rx.call_script(append_js(run_id, pending, assembler.next_seq - 1))
            pending, flushed = "", now
        if now - polled >= 1.0:  # the tab may have closed, moved on, or the run ended unseen
            polled = now
            if not await tab_connected(tab) or await _superseded(state, generation):
                return
            if not items and await asyncio.to_thread(_ended_without_stream, run_id):
                return


async def _superseded(state: Any, generation: int) -> bool:
    async with state:
        return state._generation != generation


def _ended_without_stream(run_id: int) -> bool:
    """A finished run whose stream already expired (a tab that slept for minutes)."""
    from rehome.core.models import AgentRun

    with session_scope() as session:
        run = session.get(AgentRun, run_id)
    return run is None or (run.status not in ("queued", "running") and not stream.is_done(run_id))
