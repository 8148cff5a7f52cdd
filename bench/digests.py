"""Daily digests for 200 projects through the real worker (F-33 bar: constant
queries per project; the whole batch within 2 minutes with the offline provider).

Seeds a workspace on PostgreSQL (`rehome_bench_digests`, dropped afterwards)
with `--projects` projects of different sizes (tasks, messages, status changes
of the last day, a team member and a client each), then:

1. **Queries per project**: runs one project's daily digest in this process
   for a small, a middle and the largest project and counts the SQL
   statements (reads and writes apart).
2. **The batch**: starts a Celery worker (`celery -A worker.app:celery_app
   worker`) on Redis, runs the hourly tick at the workspace's digest hour
   (which queues one job per active project through the broker), and times
   until every digest (staff and client versions) is stored and its mails
   queued.

Usage: python -m bench.digests [--projects 200] [--concurrency 4]
(BENCH_REDIS_URL picks the Redis database; it is flushed.)
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import redis
from sqlalchemy import event, func, select, text

from bench.common import BENCH_REDIS, PG_ADMIN
from rehome.core.demo.content import CHAT_LINES, MATERIALS, ROOMS, TASK_TITLES
from rehome.core.infra import jobs
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import get_engine, session_scope
from rehome.core.models import (
    Message,
    OutboundMail,
    Project,
    ProjectMembership,
    ProjectSummary,
    Task,
    TaskEvent,
    User,
    Workspace,
)
from tests.support import BASE_ENV, ROOT, apply_env, migrate

BENCH_DB = "rehome_bench_digests"
STATUSES = ("backlog", "todo", "in_progress", "blocked", "done")


def _title(rng: random.Random) -> str:
    return rng.choice(TASK_TITLES).format(m=rng.choice(MATERIALS), r=rng.choice(ROOMS)).capitalize()


def _seed(projects: int, rng: random.Random) -> list[tuple[int, int]]:
    """The workspace and its projects; returns (project id, task count) pairs."""
    now = utcnow()
    with session_scope() as s:
        workspace = Workspace(name="Digest Bench", slug="digest-bench", timezone="UTC")
        s.add(workspace)
        s.flush()
        wid = int(workspace.id or 0)
        admin = User(workspace_id=wid, email="admin@digests.bench", name="Ada Admin", is_admin=True)
        team = [User(workspace_id=wid, email=f"team{i}@digests.bench", name=f"Team {i}") for i in range(10)]
        s.add_all([admin, *team])
        s.flush()
        sizes = [(10 + 490 * i // max(1, projects - 1)) for i in range(projects)]
        out = []
        for n, size in enumerate(sizes):
            project = Project(workspace_id=wid, name=f"House {n:03d}", budget_cents=5_000_000)
            client = User(workspace_id=wid, email=f"client{n}@digests.bench", name=f"Client {n}")
            s.add_all([project, client])
            s.flush()
            pid, member = int(project.id or 0), team[n % len(team)]
            s.add_all(
                [
                    ProjectMembership(project_id=pid, user_id=int(member.id or 0), role="team"),
                    ProjectMembership(project_id=pid, user_id=int(client.id or 0), role="client"),
                ]
            )
            owners = [int(member.id or 0), int(client.id or 0), None]
            tasks = [
                Task(
                    project_id=pid,
                    title=rng.choice(TASK_TITLES)
                    .format(m=rng.choice(MATERIALS), r=rng.choice(ROOMS))
                    .capitalize(),
                    status=STATUSES[i % 5],
                    priority=rng.choice(["low", "normal", "high", "urgent"]),
                    assignee_id=rng.choice(owners),
                    due_date=(now + timedelta(days=rng.randint(-20, 30))).date(),
                    internal=i % 13 == 0,
                    cost_cents=rng.randint(0, 90_000),
                    created_at=now - timedelta(days=rng.randint(0, 60)),
                    updated_at=now - timedelta(days=rng.randint(0, 20)),
                )
                for i in range(size)
            ]
            s.add_all(tasks)
            s.flush()
            s.add_all(
                TaskEvent(
                    task_id=int(t.id or 0),
                    project_id=pid,
                    actor_id=member.id,
                    from_status="todo",
                    to_status=t.status,
                    created_at=now - timedelta(hours=rng.randint(1, 20)),
                )
                for t in rng.sample(tasks, max(1, size // 10))
            )
            s.add_all(
                Message(
                    project_id=pid,
                    author_id=rng.choice(owners[:2]),
                    body=rng.choice(CHAT_LINES).format(m=rng.choice(MATERIALS), r=rng.choice(ROOMS)),
                    internal=i % 17 == 0,
                    created_at=now - timedelta(minutes=rng.randint(1, 60 * 24 * 14)),
                )
                for i in range(size * 2)
            )
            out.append((pid, size))
    return out


def _queries(project_id: int, day: str) -> tuple[int, int]:
    """SQL statements of one project's daily digest, run here: (reads, writes)."""
    from rehome.core.digests.jobs import project_digest

    statements: list[str] = []
    me = threading.get_ident()  # not the mail jobs the digest queues on this process's pool

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.get_ident() == me:
            statements.append(statement.lstrip().split(None, 1)[0].upper())

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        project_digest(project_id, day)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    jobs.wait_local(timeout=60)
    reads = sum(s in ("SELECT", "WITH") for s in statements)
    return reads, len(statements) - reads


def _count(model: Any) -> int:
    with session_scope() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def _worker(env: dict[str, str], concurrency: int, log: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "celery"),
        "-A",
        "worker.app:celery_app",
        "worker",
        f"--concurrency={concurrency}",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    redis_url = os.environ.get("BENCH_REDIS_URL", BENCH_REDIS)
    db_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
    redis.Redis.from_url(redis_url).flushdb()
    data_dir = Path(tempfile.mkdtemp(prefix="rehome-digests-"))
    now = utcnow()  # the tick runs now: make now the digest hour, and not the weekly day
    weekday = str((now.weekday() + 1) % 7)
    env = {
        **BASE_ENV,
        "DATA_DIR": str(data_dir),
        "REDIS_URL": redis_url,
        "DIGEST_HOUR": str(now.hour),
        "DIGEST_WEEKDAY": weekday,
    }
    apply_env(**env)
    migrate(db_url)
    try:
        _run(args, db_url, env, data_dir)
    finally:
        get_engine().dispose()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def _run(args: argparse.Namespace, db_url: str, env: dict[str, str], data_dir: Path) -> None:
    started = time.perf_counter()
    projects = _seed(args.projects, random.Random(3))
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    tasks = sum(n for _, n in projects)
    took = time.perf_counter() - started
    print(f"seeded {len(projects)} projects, {tasks} tasks, {2 * tasks} messages in {took:.1f}s")
    print("queries for one project's daily digest (staff and client versions), run in this process:")
    for pid, size in (projects[0], projects[len(projects) // 2], projects[-1]):
        reads, writes = _queries(pid, "2000-01-01")
        print(f"  {size:>4} tasks, {2 * size:>4} messages: {reads} reads, {writes} writes")
    jobs.wait_local(timeout=60)  # the mails those queued, on this process's pool
    with session_scope() as s:
        s.execute(ProjectSummary.__table__.delete())
        s.execute(OutboundMail.__table__.delete())
    _batch(args, db_url, env, data_dir, len(projects))


def _batch(args: argparse.Namespace, db_url: str, env: dict[str, str], data_dir: Path, projects: int) -> None:
    from rehome.core.digests.schedule import tick
    from worker.dispatch import install_dispatcher

    worker_env = {**os.environ, **env, "DATABASE_URL": db_url, "CELERY_BROKER_URL": env["REDIS_URL"]}
    apply_env(CELERY_BROKER_URL=env["REDIS_URL"])
    install_dispatcher()
    proc = _worker(worker_env, args.concurrency, data_dir / "worker.log")
    try:
        time.sleep(4)  # the worker connects to the broker
        started = time.perf_counter()
        queued = tick()
        expected = 2 * queued["daily"]
        while _count(ProjectSummary) < expected and time.perf_counter() - started < 600:
            time.sleep(0.2)
        written = time.perf_counter() - started
        summaries, mails = _count(ProjectSummary), _count(OutboundMail)
        while _sent() < mails and time.perf_counter() - started < 600:
            time.sleep(0.2)
        delivered = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    per = 1000 * written / max(1, queued["daily"])
    print(f"batch: tick queued {queued}; {summaries} digests stored in {written:.1f}s")
    print(f"       {per:.0f} ms per project with {args.concurrency} worker processes")
    print(f"       {mails} mails sent by {delivered:.1f}s")
    print(f"bar: within 120 s -> {'met' if written <= 120 else 'NOT met'}")


def _sent() -> int:
    with session_scope() as s:
        query = select(func.count()).select_from(OutboundMail).where(OutboundMail.status == "sent")
        return int(s.execute(query).scalar_one())


if __name__ == "__main__":
    main()
