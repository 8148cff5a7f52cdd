"""The access layer: who sees which project, item and field (F-07)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rehome.core import access, projects, tasks
from rehome.core.access import Action
from rehome.core.chat import messages
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Conflict, Forbidden, NotFound
from rehome.core.models import Project
from rehome.core.vocab import Role
from tests.world import build_world


@pytest.fixture
def world(db: str):
    return build_world()


def _visible_project_ids(actor: access.Actor) -> set[int]:
    with session_scope() as s:
        return {p.id for p in s.exec(access.visible_projects(actor))}


def test_visible_projects_per_role(world) -> None:
    p = world.projects
    assert _visible_project_ids(world.actors["admin"]) == {p["p1"], p["p2"]}
    assert _visible_project_ids(world.actors["team"]) == {p["p1"], p["p2"]}
    assert _visible_project_ids(world.actors["consultant"]) == {p["p1"]}
    assert _visible_project_ids(world.actors["client"]) == {p["p1"]}
    assert _visible_project_ids(world.actors["outsider"]) == set()
    assert _visible_project_ids(world.actors["admin_b"]) == {p["q1"]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", Role.ADMIN), ("team", Role.TEAM), ("consultant", Role.CONSULTANT), ("client", Role.CLIENT)],
)
def test_project_scope_gives_the_role(world, role: str, expected: Role) -> None:
    with session_scope() as s:
        assert access.project_scope(s, world.actors[role], world.projects["p1"]).role is expected


@pytest.mark.parametrize("role", ["outsider", "admin_b", "consultant", "client"])
def test_foreign_project_is_not_found(world, role: str) -> None:
    with session_scope() as s, pytest.raises(NotFound):
        access.project_scope(s, world.actors[role], world.projects["p2"])


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        ("team", Action.DELETE_TASK, True),
        ("team", Action.MANAGE, False),
        ("consultant", Action.CREATE_TASK, True),
        ("consultant", Action.DELETE_TASK, False),
        ("consultant", Action.MARK_INTERNAL, False),
        ("client", Action.CREATE_TASK, False),
        ("client", Action.POST_MESSAGE, True),
        ("client", Action.UPLOAD_FILE, True),
        ("client", Action.USE_AGENT, True),
        ("admin", Action.MANAGE, True),
    ],
)
def test_role_matrix(world, role: str, action: Action, allowed: bool) -> None:
    with session_scope() as s:
        scope = access.project_scope(s, world.actors[role], world.projects["p1"])
        assert scope.can(action) is allowed


def test_clients_never_see_internal_items(world) -> None:
    with session_scope() as s:
        client_tasks = tasks.list_tasks(s, world.actors["client"], world.projects["p1"]).items
        team_tasks = tasks.list_tasks(s, world.actors["team"], world.projects["p1"]).items
        client_msgs = messages.list_messages(s, world.actors["client"], world.projects["p1"]).items
    assert {t.id for t in client_tasks} == {world.tasks["p1"], world.tasks["p1_client"]}
    assert world.tasks["p1_internal"] in {t.id for t in team_tasks}
    assert all("CANARY" not in m.body for m in client_msgs)
    with session_scope() as s, pytest.raises(NotFound):
        access.task_scope(s, world.actors["client"], world.tasks["p1_internal"])


def test_costs_and_internal_notes_are_redacted(world) -> None:
    with session_scope() as s:
        as_client = tasks.get_task(s, world.actors["client"], world.tasks["p1"])
        as_consultant = tasks.get_task(s, world.actors["consultant"], world.tasks["p1"])
        as_team = tasks.get_task(s, world.actors["team"], world.tasks["p1"])
        detail = projects.project_detail(s, world.actors["client"], world.projects["p1"])
    assert as_client.cost_cents is None
    assert as_client.internal_notes is None
    assert as_consultant.cost_cents is None
    assert as_consultant.internal_notes == "notes"
    assert as_team.cost_cents == 1200
    assert detail.budget_cents is None
    others = [p for p in detail.people if p.id != world.users["client"]]
    assert others
    assert all(p.email is None and p.phone is None for p in others)
    me = next(p for p in detail.people if p.id == world.users["client"])
    assert me.email == "client@example.com"


def test_client_may_only_move_their_own_tasks(world) -> None:
    client = world.actors["client"]
    with session_scope() as s:
        moved = tasks.update_task(s, client, world.tasks["p1_client"], tasks.TaskPatch(status="done"))
    assert moved.status == "done"
    with session_scope() as s, pytest.raises(Forbidden):
        tasks.update_task(s, client, world.tasks["p1"], tasks.TaskPatch(status="done"))


def test_archived_projects_are_hidden_from_participants_and_read_only(world) -> None:
    with session_scope() as s:
        projects.archive_project(s, world.actors["admin"], world.projects["p1"])
    assert world.projects["p1"] not in _visible_project_ids(world.actors["team"])
    with session_scope() as s, pytest.raises(Conflict):
        tasks.create_task(s, world.actors["admin"], world.projects["p1"], tasks.TaskCreate(title="x"))
    with session_scope() as s:
        archived = s.exec(select(Project).where(Project.id == world.projects["p1"])).one()
        assert archived.archived_at is not None


def test_project_roles_in_bulk(world) -> None:
    ids = list(world.projects.values())
    with session_scope() as s:
        assert access.project_roles(s, world.actors["consultant"], ids) == {
            world.projects["p1"]: Role.CONSULTANT
        }
        assert access.project_roles(s, world.actors["admin_b"], ids) == {world.projects["q1"]: Role.ADMIN}
