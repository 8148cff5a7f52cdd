"""Growth paths (issue 13): the cost of a task page, the assistant's context,
search and the unread count as the tables grow from 5,000 to 500,000 rows.

One database per backend (a SQLite file; a PostgreSQL database named by
BENCH_GROWTH_DB, default `rehome_bench_perf13a_growth`, dropped afterwards)
grows in place: tasks, messages and the reader's unread notifications are
added to reach each size, then each path is timed. Rows are spread the way a
busy workspace has them: 40% in one big project (the context is built for
it), the rest interleaved over 30 others; the task page is a small project's,
its rows 2% of the table and scattered through it. Search is a common word
("the", in most chat lines), as a team member. Three runs per size: the
median and min-max of each run's p50 and p99.

Usage: python -m bench.growth [--sizes 5000 50000 500000] [--calls 20] [--backend sqlite postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event, insert, text
from sqlmodel import Session

from bench.common import PG_ADMIN, percentiles
from rehome.core.access import Actor
from rehome.core.agent.context import build_context
from rehome.core.auth.sessions import actor_for
from rehome.core.demo.content import CHAT_LINES, MATERIALS, ROOMS, TASK_TITLES
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import get_engine, session_scope
from rehome.core.models import Message, Notification, Project, ProjectMembership, Task, User, Workspace
from rehome.core.notifications import unread_count
from rehome.core.search.service import search
from rehome.core.tasks.service import list_tasks
from tests.support import BASE_ENV, apply_env, migrate

BENCH_DB = os.environ.get("BENCH_GROWTH_DB", "rehome_bench_perf13a_growth")
SMALL_PROJECTS = 30
STATUSES = ("backlog", "todo", "in_progress", "blocked", "done")
BATCH = 5000


class World:
    """The workspace, its projects and the reader, made once per database."""

    def __init__(self) -> None:
        with session_scope() as s:
            workspace = Workspace(name="Growth", slug="growth")
            s.add(workspace)
            s.flush()
            wid = int(workspace.id or 0)
            reader = User(workspace_id=wid, email="team@growth.demo", name="Tom Team")
            s.add(reader)
            projects = [Project(workspace_id=wid, name=f"Project {i}") for i in range(SMALL_PROJECTS + 1)]
            s.add_all(projects)
            s.flush()
            self.projects = [int(p.id or 0) for p in projects]
            self.user_id = int(reader.id or 0)
            self.workspace_id = wid
            s.add_all(
                ProjectMembership(project_id=p, user_id=self.user_id, role="team") for p in self.projects
            )
            self.actor: Actor = actor_for(reader)
        self.rows = 0
        self.rng = random.Random(13)

    @property
    def big(self) -> int:
        return self.projects[0]

    @property
    def small(self) -> int:
        return self.projects[1]

    def project_of(self, i: int) -> int:
        return self.big if i % 5 < 2 else self.projects[1 + i % SMALL_PROJECTS]

    def grow(self, size: int) -> None:
        """Add tasks, messages and unread notifications until each table holds `size` rows."""
        now, rng = utcnow(), self.rng
        for start in range(self.rows, size, BATCH):
            batch = range(start, min(start + BATCH, size))
            with session_scope() as s:
                s.execute(insert(Task), [self._task(i, now, rng) for i in batch])
                s.execute(
                    insert(Message),
                    [
                        {
                            "project_id": self.project_of(i),
                            "author_id": self.user_id,
                            "body": rng.choice(CHAT_LINES).format(
                                m=rng.choice(MATERIALS), r=rng.choice(ROOMS)
                            ),
                            "internal": i % 29 == 0,
                            "created_at": now - timedelta(seconds=size - i),
                        }
                        for i in batch
                    ],
                )
                s.execute(insert(Notification), [self._notification(i, now) for i in batch])
        self.rows = size
        with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))

    def _task(self, i: int, now: Any, rng: random.Random) -> dict[str, Any]:
        title = rng.choice(TASK_TITLES).format(m=rng.choice(MATERIALS), r=rng.choice(ROOMS))
        return {
            "project_id": self.project_of(i),
            "title": title.capitalize(),
            "status": STATUSES[i % 5],
            "priority": "normal",
            "position": float(i),
            "internal": i % 13 == 0,
            "due_date": (now + timedelta(days=rng.randint(-30, 60))).date(),
            "created_at": now - timedelta(minutes=i),
            "updated_at": now - timedelta(seconds=rng.randint(0, 10**7)),
        }

    def _notification(self, i: int, now: Any) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "workspace_id": self.workspace_id,
            "project_id": self.big,
            "kind": "mention",
            "title": f"Mention {i}",
            "dedupe_key": f"growth-{i}",
            "created_at": now,
        }


def paths(world: World) -> dict[str, Callable[[Session], Any]]:
    actor = world.actor
    return {
        "task page": lambda s: list_tasks(s, actor, world.small, limit=50),
        "context": lambda s: build_context(
            s, actor, project_id=world.big, question="What changed?", budget_tokens=24_000
        ),
        "search": lambda s: search(s, actor, "the", limit=10),
        "unread": lambda s: unread_count(s, actor),
    }


def time_path(action: Callable[[Session], Any], calls: int) -> dict[str, float]:
    for _ in range(3):
        with session_scope() as s:
            action(s)
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        with session_scope() as s:
            action(s)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def count_queries(action: Callable[[Session], Any]) -> int:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        with session_scope() as s:
            action(s)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def cell(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def run_backend(name: str, url: str, args: argparse.Namespace) -> None:
    apply_env(**{**BASE_ENV, "DATABASE_URL": url})
    migrate(url)
    world = World()
    for size in args.sizes:
        started = time.perf_counter()
        world.grow(size)
        grown = time.perf_counter() - started
        load = os.getloadavg()[0]
        for label, action in paths(world).items():
            runs = [time_path(action, args.calls) for _ in range(args.runs)]
            queries = count_queries(action)
            p50 = cell([r["p50"] for r in runs])
            p99 = cell([r["p99"] for r in runs])
            print(
                f"| {name} | {size:,} | {label} | {p50} | {p99} | {queries} | {load:.1f} |"
                f"{'' if label != 'task page' else f' grown in {grown:.0f} s'}",
                flush=True,
            )
    get_engine().dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000, 500000])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    print("| backend | rows per table | path | p50 ms | p99 ms | queries | load avg |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="rehome-growth-") as tmp:
        os.environ["DATA_DIR"] = tmp
        if "sqlite" in args.backend:
            run_backend("sqlite", f"sqlite:///{Path(tmp) / 'growth.db'}", args)
        if "postgres" in args.backend:
            admin_url = PG_ADMIN
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
            try:
                run_backend("postgres", admin_url.rsplit("/", 1)[0] + f"/{BENCH_DB}", args)
            finally:
                with psycopg.connect(admin_url, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
