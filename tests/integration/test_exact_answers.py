"""The assistant's "Overdue by assignee" and "Blocked tasks" answers state the
database's counts, not the number of tasks that fit in its context (the
workspace assistant said 23 overdue where the overview said 59)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rehome.core.agent import threads
from rehome.core.infra.clock import today
from rehome.core.infra.db import session_scope
from rehome.core.models import AgentMessage, Project, Task, User
from rehome.core.workspace.overview import overview
from tests.support import apply_env
from tests.world import World, build_world


@pytest.fixture
def world(any_db: str, sent_jobs) -> World:
    apply_env(AI_CONTEXT_TOKENS="2000")  # room for a few tasks only: the lists are partial
    world = build_world()
    p1, p2, users = world.projects["p1"], world.projects["p2"], world.users
    late = today() - timedelta(days=3)
    with session_scope() as s:
        for i in range(45):
            owner = (users["team"], users["consultant"], None)[i % 3]
            s.add(
                Task(
                    project_id=p1,
                    title=f"Late job {i}",
                    due_date=late,
                    assignee_id=owner,
                    internal=i % 9 == 0,
                )
            )
        for i in range(14):
            s.add(Task(project_id=p2, title=f"Garage job {i}", due_date=late, assignee_id=users["team"]))
        for i in range(17):
            s.add(Task(project_id=p1 if i % 2 else p2, title=f"Stuck {i}", status="blocked"))
    return world


def _ask(world: World, role: str, question: str, project: str | None = None) -> str:
    actor = world.actors[role]
    project_id = world.projects[project] if project else None
    audience = threads.Audience.ADMIN if project is None else threads.Audience.PARTICIPANT
    with session_scope() as s:
        thread = threads.create_thread(s, actor, project_id, threads.ThreadIn(audience=audience))
        threads.ask(s, actor, thread.id, threads.QuestionIn(content=question))
    with session_scope() as s:
        answer = s.execute(
            select(AgentMessage.content).where(
                AgentMessage.thread_id == thread.id, AgentMessage.role == "assistant"
            )
        ).scalar_one()
    return answer


def _overdue_by_name(
    workspace_id: int, project_id: int | None = None, internal: bool = True
) -> dict[str, int]:
    with session_scope() as s:
        query = (
            select(User.name, func.count())
            .select_from(Task)
            .join(Project, Project.id == Task.project_id)
            .outerjoin(User, User.id == Task.assignee_id)
            .where(Project.workspace_id == workspace_id, Task.status != "done", Task.due_date < today())
            .group_by(User.name)
        )
        if project_id:
            query = query.where(Task.project_id == project_id)
        if not internal:
            query = query.where(Task.internal.is_(False))
        return {name or "Unassigned": int(n) for name, n in s.execute(query)}


def test_overdue_by_assignee_states_the_database_counts(world: World) -> None:
    answer = _ask(world, "admin", "Overdue by assignee")
    with session_scope() as s:
        headline = overview(s, world.actors["admin"])
    total = int(re.search(r"\*\*(\d+) overdue tasks\*\* by assignee", answer).group(1))
    assert total == headline.overdue_tasks == 59
    stated = {name: int(n) for name, n in re.findall(r"^- (\w+): (\d+)", answer, re.M)}
    assert (
        stated
        == _overdue_by_name(world.actors["admin"].workspace_id)
        == {"Team": 29, "Consultant": 15, "Unassigned": 15}
    )
    numbers = set(re.findall(r"\d+", re.sub(r"\[[TMF]-\d+\]", "", answer.split("_Offline")[0])))
    assert numbers == {"59", "29", "15"}  # nothing else is claimed


def test_blocked_tasks_states_the_database_count(world: World) -> None:
    answer = _ask(world, "admin", "Blocked tasks")
    with session_scope() as s:
        headline = overview(s, world.actors["admin"])
    assert f"**{headline.blocked_tasks} blocked tasks**" in answer
    assert headline.blocked_tasks == 17
    listed = len(re.findall(r"^- \*\*", answer, re.M))
    assert f"…and {17 - listed} more." in answer  # the rest, counted exactly


def test_a_client_gets_the_counts_of_what_a_client_may_see(world: World) -> None:
    answer = _ask(world, "client", "Overdue by assignee", project="p1")
    want = _overdue_by_name(world.actors["client"].workspace_id, world.projects["p1"], internal=False)
    total = int(re.search(r"\*\*(\d+) overdue tasks\*\*", answer).group(1))
    assert total == sum(want.values()) == 40  # 45 late jobs, 5 of them internal
    assert {name: int(n) for name, n in re.findall(r"^- (\w+): (\d+)", answer, re.M)} == want
