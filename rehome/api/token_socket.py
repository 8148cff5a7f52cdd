"""A run's tokens over a plain WebSocket, for the browser (F-31).

Reflex sends each event inside an envelope of about a hundred bytes; tokens
arrive a few characters at a time, so carrying them that way would cost
several times the answer in framing. This socket sends bare text frames:

    "<seq>:<text>"    new text, `seq` being the last sequence number in it
    "=<seq>:<text>"   the whole text so far (on connect or resume)
    "!<status>"       the run ended (then the socket closes); "!forbidden" when
                      the viewer may no longer read it (role, membership, session)

A frame goes out as soon as the stream has something new; whatever piled up
while the socket was busy goes out together, so bursts share a frame without
holding anything back (the browser paces rendering itself). `?after=<seq>`
resumes after a dropped connection.

Waiting costs nothing per socket (issue 9): the stream is read through the
process's one blocking Redis reader (`streamhub`), together with the viewer's
user channel in one read per frame (`RunWatch.read`, issue 13), the
database is asked only when a run's stream is gone, and a client that leaves is noticed at
once (a second task listens for the close), not at the next send.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect

from rehome.core.agent import stream
from rehome.core.agent.watch import RunWatch
from rehome.core.auth.sessions import resolve_session
from rehome.core.infra.db import session_scope
from rehome.core.infra.kv import redis_errors
from rehome.core.models import AgentRun
from rehome.core.vocab import ACTIVE_RUN_STATUSES
from rehome.settings import get_settings

router = APIRouter()
POLICY_VIOLATION = 1008
WAIT_MS = 10_000  # one wait on the stream; cheap, the process's one reader does it
DB_CHECK_EVERY = 30.0  # seconds between looks at the database for a run with no stream


def _origin_ok(socket: WebSocket) -> bool:
    origin = socket.headers.get("origin")
    return origin is None or origin in get_settings().allowed_origins


@router.websocket("/api/agent/runs/{run_id}/tokens")
async def run_tokens(socket: WebSocket, run_id: int, after: Annotated[int, Query(ge=0)] = 0) -> None:
    cookie = socket.cookies.get(get_settings().session_cookie_name)
    watch = await RunWatch.start(lambda s: resolve_session(s, cookie), run_id) if _origin_ok(socket) else None
    if watch is None:
        await socket.close(code=POLICY_VIOLATION)
        return
    await socket.accept()
    pump = asyncio.create_task(_pump(socket, run_id, after, watch))
    closed = asyncio.create_task(_until_closed(socket))
    try:
        await asyncio.wait({pump, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (pump, closed):
            task.cancel()
        await asyncio.gather(pump, closed, return_exceptions=True)


async def _until_closed(socket: WebSocket) -> None:
    """Returns as soon as the client goes (the socket sends nothing else)."""
    try:
        while (await socket.receive())["type"] != "websocket.disconnect":
            pass
    except (WebSocketDisconnect, RuntimeError):
        return


async def _pump(socket: WebSocket, run_id: int, after: int, watch: RunWatch) -> None:
    oldest = await asyncio.to_thread(stream.first_seq, run_id)
    assembler = stream.Assembler(after)
    if oldest is None or oldest > after + 1:  # start from the snapshot when the stream can't reach back
        seq, text = await asyncio.to_thread(stream.snapshot, run_id)
        if seq > after:
            assembler = stream.Assembler(seq, text)
            await socket.send_text(f"={seq}:{text}")
    cursor, asked_db = "0", 0.0
    while True:
        try:
            cursor, items, allowed = await watch.read(cursor, block_ms=WAIT_MS)
        except redis_errors():
            await asyncio.sleep(1.0)  # Redis is away: the run's text waits in its worker
            continue
        if not allowed:  # demoted, removed or signed out: not one frame more
            await socket.send_text("!forbidden")
            await socket.close(code=POLICY_VIOLATION)
            return
        text = "".join([assembler.push(item) for item in items])
        if text:
            await socket.send_text(f"{assembler.next_seq - 1}:{text}")
        if assembler.finished and assembler.done is not None:
            await socket.send_text(f"!{assembler.done.status}")
            await socket.close()
            return
        if items or time.monotonic() - asked_db < DB_CHECK_EVERY:
            continue
        asked_db = time.monotonic()
        if status := await asyncio.to_thread(_ended_unseen, run_id):
            await socket.send_text(f"!{status}")  # finished while its stream had already expired
            await socket.close()
            return


def _ended_unseen(run_id: int) -> str | None:
    """The final status of a run that ended without a stream left to tell it.
    The database is asked only when the run has no stream in Redis (queued,
    or long over), not on every quiet wait."""
    if stream.is_done(run_id) or stream.is_live(run_id):
        return None
    with session_scope() as session:
        run = session.get(AgentRun, run_id)
    return run.status if run is not None and run.status not in ACTIVE_RUN_STATUSES else None
