"""The list pages' prebuilt statements (ids bound per call) see exactly what the
access layer's selects see, for every role (issue 13)."""

from __future__ import annotations

import pytest

from rehome.core import access
from rehome.core.access.rules import FILES, MESSAGES, PROJECTS, TASKS
from rehome.core.infra.db import plain_rows, session_scope
from tests.world import build_world, stored_file

ROLES = ["admin", "team", "consultant", "client", "outsider", "admin_b"]


@pytest.fixture
def world(db: str):
    return build_world()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("include_archived", [False, True])
def test_project_rows_match_visible_projects(world, role: str, include_archived: bool) -> None:
    actor = world.actors[role]
    query = access.project_rows((PROJECTS.c.id,), is_admin=actor.is_admin, include_archived=include_archived)
    with session_scope() as s:
        bound = plain_rows(s, query, {"workspace_id": actor.workspace_id, "user_id": actor.user_id})
        expected = {p.id for p in s.exec(access.visible_projects(actor, include_archived=include_archived))}
    assert {row.id for row in bound} == expected


@pytest.mark.parametrize("role", ["admin", "team", "consultant", "client"])
def test_task_and_message_rows_match_the_scope(world, role: str) -> None:
    with session_scope() as s:
        scope = access.project_scope(s, world.actors[role], world.projects["p1"])
        params = {"project_id": scope.project_id}
        tasks = plain_rows(s, access.task_rows((TASKS.c.id,), sees_internal=scope.sees_internal), params)
        chat = plain_rows(s, access.message_rows((MESSAGES.c.id,), sees_internal=scope.sees_internal), params)
        assert {row.id for row in tasks} == {t.id for t in s.exec(access.visible_tasks(scope))}
        assert {row.id for row in chat} == {m.id for m in s.exec(access.visible_messages(scope))}
    internal = (world.tasks["p1_internal"], world.messages["p1_internal"])
    seen = ({row.id for row in tasks}, {row.id for row in chat})
    assert (internal[0] in seen[0], internal[1] in seen[1]) == ((role != "client"),) * 2


@pytest.mark.parametrize("role", ["admin", "team", "client"])
def test_message_attachments_follow_visible_files(world, role: str) -> None:
    message_id = world.messages["p1"]
    with session_scope() as s:
        rows = {
            "public": stored_file(world, "p1", "team", "Plan.pdf"),
            "internal": stored_file(world, "p1", "team", "Margins.pdf", internal=True),
            "quarantined": stored_file(world, "p1", "team", "Bad.pdf", scan_status="quarantined"),
            "deleted": stored_file(world, "p1", "team", "Gone.pdf", deleted=True),
        }
        for row in rows.values():
            row.message_id = message_id
        s.add_all(rows.values())
        s.flush()
        ids = {key: int(row.id or 0) for key, row in rows.items()}
    with session_scope() as s:
        scope = access.project_scope(s, world.actors[role], world.projects["p1"])
        query = access.message_attachments(
            sees_internal=scope.sees_internal, sees_quarantine=scope.sees_quarantine
        )
        attached = {
            f.id for f in s.exec(query, params={"project_id": scope.project_id, "message_ids": [message_id]})
        }
        visible = {f.id for f in s.exec(access.visible_files(scope).where(FILES.c.message_id == message_id))}
    assert attached == visible
    expected = (
        {"public"}
        | ({"internal"} if role != "client" else set())
        | ({"quarantined"} if role == "admin" else set())
    )
    assert attached == {ids[key] for key in expected}
