"""`python -m rehome demo`: two realistic workspaces to try ReHome with.

Deterministic (seeded), bulk-inserted, and idempotent: a second run finds the
workspaces and only prints the logins again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from rehome.core.auth.passwords import hash_password
from rehome.core.auth.sessions import actor_for
from rehome.core.demo.content import (
    CHAT_LINES,
    DEMO_PASSWORD,
    FIRMS,
    INTERNAL_LINES,
    MATERIALS,
    ROOMS,
    TASK_TITLES,
)
from rehome.core.demo.photos import add_demo_files
from rehome.core.infra.clock import utcnow
from rehome.core.models import (
    Message,
    MessageMention,
    Project,
    ProjectMembership,
    Task,
    TaskEvent,
    User,
    Workspace,
)
from rehome.core.vocab import TASK_STATUSES
from rehome.core.workspace.setup import slugify

STATUSES = list(TASK_STATUSES)
TASKS_PER_WORKSPACE = 300
MESSAGES_PER_WORKSPACE = 1000


@dataclass(frozen=True)
class Login:
    workspace: str
    role: str
    name: str
    email: str


def load_demo(session: Session, seed: int = 42) -> list[Login]:
    rng = random.Random(seed)
    password_hash = hash_password(DEMO_PASSWORD)
    logins: list[Login] = []
    for firm in FIRMS:
        logins += _load_firm(session, firm, rng, password_hash)
    return logins


def _load_firm(session: Session, firm: dict, rng: random.Random, password_hash: str) -> list[Login]:
    slug = slugify(firm["name"])
    existing = session.exec(select(Workspace).where(Workspace.slug == slug)).first()
    if existing is None:
        workspace = Workspace(name=firm["name"], slug=slug)
        session.add(workspace)
        session.flush()
        _populate(session, int(workspace.id or 0), firm, rng, password_hash)
    return [
        Login(firm["name"], role or "admin", name, f"{key}@{firm['domain']}")
        for key, name, role in firm["people"]
    ]


def _populate(
    session: Session, workspace_id: int, firm: dict, rng: random.Random, password_hash: str
) -> None:
    people: dict[str, User] = {}
    for key, name, role in firm["people"]:
        user = User(
            workspace_id=workspace_id,
            email=f"{key}@{firm['domain']}",
            name=name,
            phone=f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            password_hash=password_hash,
            is_admin=role is None,
        )
        session.add(user)
        people[key] = user
    session.flush()
    admin = people["admin"]
    for index, (title, address, clients) in enumerate(firm["projects"]):
        project = Project(
            workspace_id=workspace_id,
            name=title,
            address=address,
            created_by=admin.id,
            description=f"Renovation at {address}.",
            budget_cents=rng.randint(20, 120) * 100_000,
        )
        session.add(project)
        session.flush()
        members = ["team", "team2"] + (["consultant"] if index < 2 else []) + clients
        for key in members:
            role = next(r for k, _, r in firm["people"] if k == key)
            session.add(
                ProjectMembership(
                    project_id=int(project.id or 0), user_id=int(people[key].id or 0), role=role
                )
            )
        staff = [people[k] for k in members if k.startswith(("team", "consultant"))] + [admin]
        client_users = [people[k] for k in clients]
        count = TASKS_PER_WORKSPACE // len(firm["projects"])
        _tasks(session, project, staff, client_users, rng, count)
        _messages(
            session,
            project,
            staff,
            client_users,
            rng,
            MESSAGES_PER_WORKSPACE // len(firm["projects"])
            + (MESSAGES_PER_WORKSPACE % len(firm["projects"]) if index == 0 else 0),
        )
        if index == 0:
            add_demo_files(session, actor_for(people["team"]), int(project.id or 0), seed=workspace_id)


def _fill(template: str, rng: random.Random) -> str:
    return template.format(m=rng.choice(MATERIALS), r=rng.choice(ROOMS))


def _tasks(
    session: Session, project: Project, staff: list[User], clients: list[User], rng: random.Random, count: int
) -> None:
    now = utcnow()
    tasks: list[Task] = []
    for i in range(count):
        status = STATUSES[i % len(STATUSES)]
        internal = i % 17 == 0
        assignee = rng.choice(staff if internal else staff + clients)
        created = now - timedelta(days=rng.randint(5, 60), minutes=rng.randint(0, 1440))
        due = (now + timedelta(days=rng.randint(-20, 40))).date() if i % 4 else None
        tasks.append(
            Task(
                project_id=int(project.id or 0),
                title=_fill(rng.choice(TASK_TITLES), rng).capitalize(),
                description=f"Notes for this step of the {project.name.split(' ·')[0].lower()}.",
                status=status,
                priority=rng.choice(["low", "normal", "normal", "high", "urgent"]),
                assignee_id=assignee.id,
                due_date=due,
                position=float((i // 5 + 1) * 1024),
                internal=internal,
                internal_notes="Margin is tight on this one." if internal else "",
                cost_cents=rng.randint(50, 5000) * 100 if i % 3 == 0 else None,
                created_by=rng.choice(staff).id,
                created_at=created,
                updated_at=created,
                completed_at=created + timedelta(days=3) if status == "done" else None,
            )
        )
    session.add_all(tasks)
    session.flush()
    for task in tasks:
        session.add(
            TaskEvent(
                task_id=int(task.id or 0),
                project_id=task.project_id,
                actor_id=task.created_by,
                kind="created",
                to_status="todo",
                created_at=task.created_at,
            )
        )
        if task.status != "todo":
            session.add(
                TaskEvent(
                    task_id=int(task.id or 0),
                    project_id=task.project_id,
                    actor_id=task.created_by,
                    kind="status",
                    from_status="todo",
                    to_status=task.status,
                    created_at=task.created_at + timedelta(days=1),
                )
            )


def _messages(
    session: Session, project: Project, staff: list[User], clients: list[User], rng: random.Random, count: int
) -> None:
    now = utcnow()
    everyone = staff + clients
    rows: list[tuple[Message, int | None]] = []
    for i in range(count):
        internal = i % 23 == 0
        author = rng.choice(staff if internal else everyone)
        body = _fill(rng.choice(INTERNAL_LINES if internal else CHAT_LINES), rng)
        mention = None
        if i % 9 == 0:
            target = rng.choice([u for u in (staff if internal else everyone) if u.id != author.id])
            body = f"@{target.name} {body}"
            mention = target.id
        sent = now - timedelta(minutes=(count - i) * 40 + rng.randint(0, 30))
        rows.append(
            (
                Message(
                    project_id=int(project.id or 0),
                    author_id=author.id,
                    body=body,
                    internal=internal,
                    created_at=sent,
                ),
                mention,
            )
        )
    session.add_all([m for m, _ in rows])
    session.flush()
    session.add_all([MessageMention(message_id=int(m.id or 0), user_id=u) for m, u in rows if u])
