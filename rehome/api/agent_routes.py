"""The assistant over the API: threads, questions, runs, the SSE token stream,
and the cost ledger (F-20, F-30, F-31); digests are in `digest_routes`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from rehome.api.deps import CurrentActor, Cursor, Db, Id, Limit, bearer_token, write
from rehome.core.agent import ledger, stream, threads
from rehome.core.agent.watch import RunWatch
from rehome.core.auth.api_tokens import resolve_token
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import NotFound
from rehome.core.infra.kv import redis_errors
from rehome.core.infra.pagination import Page
from rehome.core.infra.validation import MAX_DB_INT
from rehome.core.vocab import ACTIVE_RUN_STATUSES, Audience

router = APIRouter(prefix="/api", tags=["agent"])
KEEPALIVE = 15.0  # seconds between comment lines on an idle stream


@router.post("/projects/{project_id}/agent/threads", status_code=201, response_model=threads.ThreadOut)
def create_thread(
    project_id: Id, body: threads.ThreadIn, request: Request, session: Db, actor: CurrentActor
) -> Response:
    return write(
        request,
        session,
        actor,
        lambda s: threads.create_thread(s, actor, project_id, body),
        body=body,
        status_code=201,
    )


@router.get("/projects/{project_id}/agent/threads", response_model=list[threads.ThreadOut])
def list_threads(
    session: Db,
    project_id: Id,
    actor: CurrentActor,
    audience: Annotated[Audience, Query()] = Audience.PARTICIPANT,
) -> list[threads.ThreadOut]:
    return threads.list_threads(session, actor, project_id, audience)


@router.get("/agent/threads/{thread_id}", response_model=threads.ThreadOut)
def get_thread(session: Db, thread_id: Id, actor: CurrentActor) -> threads.ThreadOut:
    return threads.get_thread(session, actor, thread_id)


@router.get("/agent/threads/{thread_id}/messages", response_model=list[threads.AgentMessageOut])
def thread_messages(session: Db, thread_id: Id, actor: CurrentActor) -> list[threads.AgentMessageOut]:
    return threads.thread_messages(session, actor, thread_id)


@router.post("/agent/threads/{thread_id}/messages", status_code=202, response_model=threads.AskOut)
def ask(
    thread_id: Id, body: threads.QuestionIn, request: Request, session: Db, actor: CurrentActor
) -> Response:
    """Ask a question: answers 202 with the run id; follow it on the stream."""
    return write(
        request, session, actor, lambda s: threads.ask(s, actor, thread_id, body), body=body, status_code=202
    )


@router.post("/agent/runs/{run_id}/cancel", status_code=202, response_model=threads.RunOut)
def cancel_run(run_id: Id, request: Request, session: Db, actor: CurrentActor) -> Response:
    return write(request, session, actor, lambda s: ledger.cancel_run(s, actor, run_id), status_code=202)


@router.get("/agent/runs", response_model=Page[threads.RunOut])
def cost_ledger(
    session: Db,
    actor: CurrentActor,
    cursor: Cursor,
    project_id: Annotated[int | None, Query(ge=1, le=MAX_DB_INT)] = None,
    user_id: Annotated[int | None, Query(ge=1, le=MAX_DB_INT)] = None,
    limit: Limit = 50,
) -> Page[threads.RunOut]:
    return ledger.list_runs(
        session, actor, project_id=project_id, user_id=user_id, before_id=cursor, limit=limit
    )


def _latest_run(actor: CurrentActor, thread_id: int) -> threads.RunOut | None:
    with session_scope() as session:
        return threads.latest_run(session, actor, thread_id)


@router.get(
    "/agent/threads/{thread_id}/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def stream_thread(
    thread_id: Id,
    actor: CurrentActor,
    request: Request,
    last_event_id: Annotated[str | None, Header(max_length=64)] = None,
) -> StreamingResponse:
    """Server-Sent Events for the thread's latest run: `delta` (id `run:seq`),
    `snapshot` (the whole text so far, when resuming from further back than the
    stream keeps) and `done`. Resume with the `Last-Event-ID` header. A viewer
    who loses access mid-answer (role, membership, token) gets `done` with
    status `forbidden` and nothing more."""
    run = await run_in_threadpool(_latest_run, actor, thread_id)
    token = bearer_token(request)
    watch = await RunWatch.start(lambda s: resolve_token(s, token, touch=False), run.id) if run else None
    if run is not None and watch is None:
        raise NotFound("Conversation not found.")
    return StreamingResponse(
        _events(run, last_event_id, watch),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _resume_point(run_id: int, last_event_id: str | None) -> int:
    run_part, _, seq_part = (last_event_id or "").partition(":")
    if run_part == str(run_id) and seq_part.isdigit():
        return int(seq_part)
    return 0


def _sse(event: str, data: dict, event_id: str | None = None) -> str:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event}\ndata: {json.dumps(data)}\n\n"


async def _events(
    run: threads.RunOut | None, last_event_id: str | None, watch: RunWatch | None
) -> AsyncIterator[str]:
    if run is None or watch is None:
        yield _sse("done", {"run_id": None, "status": "idle", "message_id": None})
        return
    seen = _resume_point(run.id, last_event_id)
    oldest = await asyncio.to_thread(stream.first_seq, run.id)
    assembler = stream.Assembler(seen)
    if oldest is not None and oldest > seen + 1:  # the stream no longer reaches back: start from the snapshot
        snap_seq, snap_text = await asyncio.to_thread(stream.snapshot, run.id)
        assembler = stream.Assembler(snap_seq, snap_text)
        yield _sse("snapshot", {"run_id": run.id, "seq": snap_seq, "text": snap_text}, f"{run.id}:{snap_seq}")
    if run.status not in ACTIVE_RUN_STATUSES and not await asyncio.to_thread(stream.is_done, run.id):
        yield _sse("done", {"run_id": run.id, "status": run.status, "message_id": None})
        return
    yield ": open\n\n"  # headers go out now: the client knows the stream is there before any token
    cursor = "0"
    while True:  # waits through the process's one blocking reader (streamhub)
        try:
            cursor, items, allowed = await watch.read(cursor, block_ms=int(KEEPALIVE * 1000))
        except redis_errors():
            await asyncio.sleep(1.0)  # Redis is away: the run's text waits in its worker
            yield ": reconnecting\n\n"
            continue
        if not allowed:
            yield _sse("done", {"run_id": run.id, "status": "forbidden", "message_id": None})
            return
        for item in items:
            text = assembler.push(item)  # in order, once: early ones wait, repeats drop
            if text:
                seq = assembler.next_seq - 1
                yield _sse("delta", {"run_id": run.id, "seq": seq, "text": text}, f"{run.id}:{seq}")
        if assembler.finished and assembler.done is not None:
            done = assembler.done
            yield _sse("done", {"run_id": run.id, "status": done.status, "message_id": done.message_id})
            return
        if not items:
            yield ": keep-alive\n\n"
