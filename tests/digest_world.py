"""The two-workspace world (`tests.world`) with a day of work in P1 for digests.

P1 gets overdue, blocked, stalled, done, new and due-soon tasks, a task the
client owes, an unanswered client question and a decision in chat; internal
ones carry canaries (CANARY-INT...) and task costs carry a canary amount
(9,876.54). P2 is made quiet (nothing for ten days); Q1, in the other
workspace, stays active.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import update

from rehome.core.infra.clock import today, utcnow
from rehome.core.infra.db import session_scope
from rehome.core.models import Message, Task, TaskEvent, Workspace
from tests.world import World, build_world

COST_CANARY = 987_654  # cents: shown as 9,876.54


@dataclass
class DigestWorld:
    world: World
    tasks: dict[str, int] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)

    @property
    def p1(self) -> int:
        return self.world.projects["p1"]


def _task(p1: int, **fields: object) -> Task:
    return Task(project_id=p1, **fields)  # type: ignore[arg-type]


def build_digest_world(timezone: str = "UTC") -> DigestWorld:
    world = build_world()
    now, day = utcnow(), today()
    p1, users = world.projects["p1"], world.users
    out = DigestWorld(world)
    with session_scope() as s:
        tasks = {
            "late": _task(
                p1, title="Order tiles", due_date=day - timedelta(days=5), assignee_id=users["team"]
            ),
            "late_urgent": _task(
                p1,
                title="Fix the leak",
                priority="urgent",
                due_date=day - timedelta(days=2),
                assignee_id=users["consultant"],
                cost_cents=COST_CANARY,
            ),
            "late_internal": _task(
                p1, title="Chase supplier CANARY-INT-LATE", internal=True, due_date=day - timedelta(days=9)
            ),
            "blocked": _task(p1, title="Electrical inspection", status="blocked", assignee_id=users["team"]),
            "blocked_internal": _task(
                p1, title="Margin review CANARY-INT-BLOCK", status="blocked", internal=True
            ),
            "stalled": _task(
                p1, title="Paint hallway", status="in_progress", updated_at=now - timedelta(days=12)
            ),
            "done": _task(
                p1, title="Remove old cabinets", status="done", completed_at=now - timedelta(hours=3)
            ),
            "soon": _task(
                p1, title="Install sink", due_date=day + timedelta(days=3), assignee_id=users["team"]
            ),
            "owed": _task(
                p1, title="Choose tiles", due_date=day + timedelta(days=4), assignee_id=users["client"]
            ),
        }
        s.add_all(tasks.values())
        s.flush()
        out.tasks = {k: int(t.id or 0) for k, t in tasks.items()}
        s.add_all(
            [
                TaskEvent(
                    task_id=out.tasks["blocked"],
                    project_id=p1,
                    actor_id=users["team"],
                    from_status="in_progress",
                    to_status="blocked",
                    created_at=now - timedelta(days=3),
                ),
                TaskEvent(
                    task_id=out.tasks["done"],
                    project_id=p1,
                    actor_id=users["team"],
                    from_status="in_progress",
                    to_status="done",
                    created_at=now - timedelta(hours=3),
                ),
                TaskEvent(
                    task_id=out.tasks["blocked_internal"],
                    project_id=p1,
                    actor_id=users["team"],
                    from_status="todo",
                    to_status="blocked",
                    created_at=now - timedelta(hours=5),
                ),
            ]
        )
        messages = {
            "decision": Message(
                project_id=p1, author_id=users["team"], body="We decided to go with oak floors."
            ),
            "internal": Message(
                project_id=p1,
                author_id=users["team"],
                body="Internal: approved margin CANARY-INT-MSG",
                internal=True,
            ),
            "question": Message(project_id=p1, author_id=users["client"], body="When will the plumber come?"),
        }
        for message in messages.values():  # in this order: the question is the newest
            s.add(message)
            s.flush()
        out.messages = {k: int(m.id or 0) for k, m in messages.items()}
        _quiet(s, world.projects["p2"], now - timedelta(days=10))
        ws_a = s.get(Workspace, world.actors["admin"].workspace_id)
        ws_a.timezone = timezone
        s.add(ws_a)
    return out


def _quiet(session: object, project_id: int, when: object) -> None:
    """Nothing happened in the project since `when`."""
    for model in (Task, Message):
        stamp = {"created_at": when, **({"updated_at": when} if model is Task else {})}
        session.exec(update(model).where(model.project_id == project_id).values(**stamp))  # type: ignore[attr-defined]
