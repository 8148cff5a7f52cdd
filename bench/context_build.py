"""How long the assistant's context takes to build for a big project (F-50):
5,000 tasks and 20,000 messages (`bench.seed`), plus status changes,
@mentions of the reader and files so every part of the policy has work.

Seeds a temporary SQLite file and, when reachable, a temporary PostgreSQL
database (BENCH_DB, default `rehome_bench_ctx`, dropped afterwards), then times
`build_context` for a team member with a 24,000-token budget and counts its SQL queries.

Usage: python -m bench.context_build [--runs 30] [--tasks 5000] [--messages 20000]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event, insert, text
from sqlmodel import Session, select

from bench.common import PG_ADMIN, fmt, percentiles
from bench.seed import seed
from rehome.core.agent.context import build_context
from rehome.core.auth.sessions import actor_for
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import get_engine, session_scope
from rehome.core.models import Message, MessageMention, StoredFile, Task, TaskEvent, User
from tests.support import BASE_ENV, apply_env, migrate

BENCH_DB = os.environ.get("BENCH_DB", "rehome_bench_ctx")  # parallel runs name their own
BUDGET = 24_000
READER = "bench-team@bench.demo"


def _insert(session: Session, rows: list[TaskEvent] | list[MessageMention]) -> None:
    """Built rows (defaults included) in one executemany, without the unit of work."""
    session.execute(insert(type(rows[0])), [row.model_dump(exclude={"id"}) for row in rows])


def _extras(project_id: int, events: int, mentions: int, files: int) -> None:
    """What `bench.seed` leaves out: status changes, mentions of the reader, files."""
    rng = random.Random(11)
    with session_scope() as s:
        reader = s.exec(select(User).where(User.email == READER)).one()
        workspace_id = reader.workspace_id
        task_ids = list(s.exec(select(Task.id).where(Task.project_id == project_id)))
        message_ids = list(s.exec(select(Message.id).where(Message.project_id == project_id)))
        statuses = ("backlog", "todo", "in_progress", "blocked", "done")
        _insert(
            s,
            [
                TaskEvent(
                    task_id=int(rng.choice(task_ids) or 0),
                    project_id=project_id,
                    actor_id=reader.id,
                    from_status=rng.choice(statuses),
                    to_status=rng.choice(statuses),
                )
                for _ in range(events)
            ],
        )
        _insert(
            s,
            [
                MessageMention(message_id=int(mid or 0), user_id=int(reader.id or 0))
                for mid in rng.sample(message_ids, mentions)
            ],
        )
        s.add_all(
            StoredFile(
                workspace_id=workspace_id,
                project_id=project_id,
                kind="pdf",
                uploaded_by=reader.id,
                name=f"drawing-{i:04d}.pdf",
                content_type="application/pdf",
                size_bytes=rng.randint(10_000, 9_000_000),
                sha256="0" * 64,
                storage_key=f"bench/{project_id}/{i}",
                internal=i % 11 == 0,
                created_at=utcnow(),
            )
            for i in range(files)
        )


def _time(url: str, args: argparse.Namespace) -> dict[str, Any]:
    apply_env(**{**BASE_ENV, "DATABASE_URL": url})
    migrate(url)
    project_id = seed(args.tasks, args.messages)
    _extras(project_id, events=args.tasks, mentions=args.messages // 20, files=300)
    # Planner statistics, as autovacuum would have them for a project this size
    # (right after a bulk load, PostgreSQL guesses and picks slow join orders).
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    with session_scope() as s:
        actor = actor_for(s.exec(select(User).where(User.email == READER)).one())

    def build() -> Any:
        with session_scope() as s:
            return build_context(
                s, actor, project_id=project_id, question="What changed?", budget_tokens=BUDGET
            )

    for _ in range(3):  # warm caches and the connection pool
        build()
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    context = build()
    event.remove(engine, "before_cursor_execute", record)
    samples, cpu = [], []
    for _ in range(args.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        build()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    engine.dispose()
    return {
        "stats": percentiles(samples),
        "cpu": percentiles(cpu),
        "queries": len(statements),
        "context": context,
        "load": os.getloadavg()[0],
    }


def _report(name: str, result: dict[str, Any]) -> None:
    used = result["context"].used
    kept = {key: len(used[key]) for key in ("messages", "tasks", "events", "files")}
    print(f"{name:<10} {fmt(result['stats'])} queries={result['queries']} load={result['load']:.1f}")
    cpu = result["cpu"]  # this process only: on PostgreSQL the server's share is not in it
    print(f"{'':<10} process cpu p50={cpu['p50']:.1f}ms p99={cpu['p99']:.1f}ms")
    print(f"{'':<10} tokens={used['tokens']} kept={kept} dropped={used['dropped']}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=20000)
    args = parser.parse_args()
    print(f"build_context: {args.tasks} tasks, {args.messages} messages, budget {BUDGET}, {args.runs} runs")
    with tempfile.TemporaryDirectory(prefix="rehome-ctx-") as tmp:
        os.environ["DATA_DIR"] = tmp
        _report("sqlite", _time(f"sqlite:///{Path(tmp) / 'bench.db'}", args))
        _postgres(args)


def _postgres(args: argparse.Namespace) -> None:
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        print(f"postgres   skipped: not reachable at {PG_ADMIN} ({type(error).__name__})")
        return
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
        try:
            _report("postgres", _time(PG_ADMIN.rsplit("/", 1)[0] + f"/{BENCH_DB}", args))
        finally:
            get_engine().dispose()
            admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
