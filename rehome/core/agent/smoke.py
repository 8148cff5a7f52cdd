"""`python -m rehome smoke-stream`: a known message through the real streaming
path (Redis stream, sequence numbers, assembler), then the checks the design
asks for: sequence key cleaned up, done flag set, a second completion a no-op."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlmodel import col, select

from rehome.core.agent import stream
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.infra.kv import get_redis
from rehome.core.models import AgentRun, AgentThread, User, Workspace
from rehome.core.vocab import RunStatus

MESSAGE = "Hello, streaming! Tiles arrive Thursday 🏠."


def _run_row() -> tuple[int, int]:
    """A thread and a running run in the first workspace (made if the database is empty)."""
    with session_scope() as session:
        workspace = session.exec(select(Workspace).order_by(col(Workspace.id))).first()
        if workspace is None:
            workspace = Workspace(name="Smoke test", slug="smoke-test")
            session.add(workspace)
            session.flush()
        user = session.exec(select(User).where(User.workspace_id == workspace.id)).first()
        thread = AgentThread(
            workspace_id=int(workspace.id or 0),
            created_by=user.id if user else None,
            audience="admin",
            title="smoke-stream",
        )
        session.add(thread)
        session.flush()
        run = AgentRun(
            thread_id=int(thread.id or 0),
            workspace_id=int(workspace.id or 0),
            user_id=user.id if user else None,
            status=RunStatus.RUNNING,
            provider="smoke",
            model="smoke",
            started_at=utcnow(),
        )
        session.add(run)
        session.flush()
        return int(thread.id or 0), int(run.id or 0)


async def _read_back(run_id: int) -> stream.Assembler:
    assembler, cursor = stream.Assembler(), "0"
    while not assembler.finished:
        cursor, items = await stream.read(run_id, cursor, block_ms=500)
        if not items:
            break
        for item in items:
            assembler.push(item)
    return assembler


def smoke_stream(say: Callable[[str], None] = print) -> bool:
    thread_id, run_id = _run_row()
    say(f"Starting smoke stream: thread {thread_id}, run {run_id}, message {MESSAGE!r}")
    publisher = stream.Publisher(run_id)
    for token in MESSAGE.split(" "):
        publisher.delta(token + " ")
    say(f"Streamed {len(MESSAGE.split(' '))} deltas")
    first = publisher.done(RunStatus.SUCCEEDED, None)
    second = stream.finish(run_id, RunStatus.SUCCEEDED, None)
    assembler = asyncio.run(_read_back(run_id))
    redis = get_redis()
    checks = {
        "text arrives whole and in order": assembler.text.strip() == MESSAGE,
        "completion recorded": first and assembler.finished,
        "second completion is a no-op": not second,
        "sequence key cleaned": not redis.exists(f"run:{run_id}:seq"),
        "done flag exists": bool(redis.exists(f"run:{run_id}:done")),
        "stream keys expire": 0 < redis.ttl(f"run:{run_id}:stream") <= stream.FINISHED_TTL,
    }
    with session_scope() as session:
        run = session.get(AgentRun, run_id)
        if run is not None:
            run.status, run.finished_at = (
                (RunStatus.SUCCEEDED if all(checks.values()) else RunStatus.FAILED),
                utcnow(),
            )
            session.add(run)
    for label, ok in checks.items():
        say(f"  {'OK  ' if ok else 'FAIL'} {label}")
    return all(checks.values())
