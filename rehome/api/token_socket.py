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
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect

from rehome.core.agent import stream
from rehome.core.agent.watch import RunWatch
from rehome.core.auth.sessions import resolve_session
from rehome.core.infra.db import session_scope
from rehome.core.models import AgentRun
from rehome.core.vocab import ACTIVE_RUN_STATUSES
from rehome.settings import get_settings

router = APIRouter()
POLICY_VIOLATION = 1008


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
    try:
        await _pump(socket, run_id, after, watch)
    except WebSocketDisconnect:
        return


async def _pump(socket: WebSocket, run_id: int, after: int, watch: RunWatch) -> None:
    oldest = await asyncio.to_thread(stream.first_seq, run_id)
    assembler = stream.Assembler(after)
    if oldest is None or oldest > after + 1:  # start from the snapshot when the stream can't reach back
        seq, text = await asyncio.to_thread(stream.snapshot, run_id)
        if seq > after:
            assembler = stream.Assembler(seq, text)
            await socket.send_text(f"={seq}:{text}")
    cursor, quiet = "0", 0
    while True:
        cursor, items = await stream.read(run_id, cursor, block_ms=1000)
        if not await watch.still_allowed():  # demoted, removed or signed out: not one frame more
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
        quiet = 0 if items else quiet + 1
        if quiet >= 3 and (status := await asyncio.to_thread(_ended_unseen, run_id)):
            await socket.send_text(f"!{status}")  # finished while its stream had already expired
            await socket.close()
            return


def _ended_unseen(run_id: int) -> str | None:
    """The final status of a run that ended without a stream left to tell it."""
    if stream.is_done(run_id):
        return None
    with session_scope() as session:
        run = session.get(AgentRun, run_id)
    return run.status if run is not None and run.status not in ACTIVE_RUN_STATUSES else None
