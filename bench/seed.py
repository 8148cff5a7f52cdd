"""Seed a big project for benchmarks: 5,000 tasks and 20,000 messages.

Usage: DATABASE_URL=... python -m bench.seed [--tasks 5000] [--messages 20000]
Prints the project id and the logins (password: renovate-2026). Idempotent:
the "Benchmark Builders" workspace is reused if it exists.
"""

from __future__ import annotations

import argparse
import random
from datetime import timedelta

from sqlalchemy import insert
from sqlmodel import Session, select

from rehome.core.auth.passwords import hash_password
from rehome.core.demo.content import CHAT_LINES, DEMO_PASSWORD, MATERIALS, ROOMS, TASK_TITLES
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.models import Message, Project, ProjectMembership, Task, User, Workspace

STATUSES = ("backlog", "todo", "in_progress", "blocked", "done")
PEOPLE = [
    ("bench-admin", "Bea Admin", None),
    ("bench-team", "Tom Team", "team"),
    ("bench-client", "Cleo Client", "client"),
]
BATCH = 2000


def _people(session: Session, workspace: Workspace) -> dict[str, User]:
    password = hash_password(DEMO_PASSWORD)
    users = {}
    for key, name, role in PEOPLE:
        email = f"{key}@bench.demo"
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            user = User(
                workspace_id=int(workspace.id or 0),
                email=email,
                name=name,
                password_hash=password,
                is_admin=role is None,
            )
            session.add(user)
        users[key] = user
    session.flush()
    return users


def seed(tasks: int, messages: int, seed_value: int = 7) -> int:
    rng = random.Random(seed_value)
    with session_scope() as session:
        workspace = session.exec(select(Workspace).where(Workspace.slug == "benchmark-builders")).first()
        if workspace is None:
            workspace = Workspace(name="Benchmark Builders", slug="benchmark-builders")
            session.add(workspace)
            session.flush()
        users = _people(session, workspace)
        project = Project(
            workspace_id=int(workspace.id or 0), name=f"Big build ({tasks} tasks)", address="1 Long Road"
        )
        session.add(project)
        session.flush()
        pid = int(project.id or 0)
        for key in ("bench-team", "bench-client"):
            role = "team" if key == "bench-team" else "client"
            session.add(ProjectMembership(project_id=pid, user_id=int(users[key].id or 0), role=role))
    staff = [int(users[k].id or 0) for k in ("bench-admin", "bench-team")]
    everyone = [*staff, int(users["bench-client"].id or 0)]
    _bulk_tasks(pid, tasks, staff, rng)
    _bulk_messages(pid, messages, everyone, rng)
    return pid


def _insert(session: Session, rows: list[Task] | list[Message]) -> None:
    """The rows as built (defaults included) in one executemany, without the
    unit of work: a 250,000-row seed took minutes through `add_all`."""
    session.execute(insert(type(rows[0])), [row.model_dump(exclude={"id"}) for row in rows])


def _bulk_tasks(pid: int, count: int, staff: list[int], rng: random.Random) -> None:
    now = utcnow()
    for start in range(0, count, BATCH):
        with session_scope() as session:
            _insert(
                session,
                [
                    Task(
                        project_id=pid,
                        title=rng.choice(TASK_TITLES)
                        .format(m=rng.choice(MATERIALS), r=rng.choice(ROOMS))
                        .capitalize(),
                        status=STATUSES[i % 5],
                        priority=rng.choice(["low", "normal", "high", "urgent"]),
                        assignee_id=rng.choice(staff),
                        position=float(i + 1) * 1024,
                        internal=i % 13 == 0,
                        due_date=(now + timedelta(days=rng.randint(-30, 60))).date(),
                        created_at=now - timedelta(minutes=count - i),
                    )
                    for i in range(start, min(start + BATCH, count))
                ],
            )


def _bulk_messages(pid: int, count: int, authors: list[int], rng: random.Random) -> None:
    now = utcnow()
    for start in range(0, count, BATCH):
        with session_scope() as session:
            _insert(
                session,
                [
                    Message(
                        project_id=pid,
                        author_id=rng.choice(authors),
                        internal=i % 29 == 0,
                        body=rng.choice(CHAT_LINES).format(m=rng.choice(MATERIALS), r=rng.choice(ROOMS)),
                        created_at=now - timedelta(seconds=(count - i) * 30),
                    )
                    for i in range(start, min(start + BATCH, count))
                ],
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=20000)
    args = parser.parse_args()
    pid = seed(args.tasks, args.messages)
    print(f"project_id={pid}")
    print(f"logins: {', '.join(f'{k}@bench.demo' for k, _, _ in PEOPLE)} (password {DEMO_PASSWORD})")


if __name__ == "__main__":
    main()
