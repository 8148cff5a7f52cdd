"""Bad input everywhere gets a clear 4xx error body and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.models import ApiToken, Message, Project, ProjectMembership, Task, User
from tests.world import World, build_world

COUNTED = (Task, Message, Project, User, ProjectMembership)


@pytest.fixture
def world(any_db: str) -> World:
    return build_world()


def _counts() -> dict[str, int]:
    with session_scope() as s:
        return {m.__name__: s.exec(select(func.count()).select_from(m)).one() for m in COUNTED}


def _assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["message"]
    assert error["request_id"]
    if code:
        assert error["code"] == code
    return error


def _write_cases(w: World) -> list[tuple[str, str]]:
    p1, task, msg = w.projects["p1"], w.tasks["p1"], w.messages["p1"]
    return [
        ("POST", f"/api/projects/{p1}/tasks"),
        ("PATCH", f"/api/tasks/{task}"),
        ("POST", f"/api/projects/{p1}/messages"),
        ("PATCH", f"/api/messages/{msg}"),
        ("POST", "/api/projects"),
        ("PATCH", f"/api/projects/{p1}"),
        ("POST", "/api/users"),
        ("PATCH", f"/api/users/{w.users['team']}"),
        ("PUT", f"/api/projects/{p1}/members/{w.users['outsider']}"),
        ("POST", "/api/login"),
    ]


def test_malformed_json_is_400(client, world: World) -> None:
    before = _counts()
    for method, path in _write_cases(world):
        response = client.request(
            method,
            path,
            content=b'{"title": "x",',
            headers={**world.auth("admin"), "Content-Type": "application/json"},
        )
        _assert_error(response, 400, "malformed_json")
    assert _counts() == before


@pytest.mark.parametrize(
    "body",
    [
        {"title": 42},
        {"title": ["a"]},
        {"title": "ok", "status": "someday"},
        {"title": "ok", "assignee_id": "me"},
        {"title": "ok", "due_date": "31/12/2026"},
        {"title": "ok", "surprise": True},
        {"title": "x" * 10_000},
        {"title": "   "},
        {},
        [],
        "just a string",
    ],
)
def test_task_creation_rejects_bad_bodies(client, world: World, body) -> None:
    before = _counts()
    response = client.post(
        f"/api/projects/{world.projects['p1']}/tasks", json=body, headers=world.auth("team")
    )
    error = _assert_error(response, 422, "invalid")
    assert error["fields"]
    assert _counts() == before


@pytest.mark.parametrize(
    ("method", "path_key", "body"),
    [
        ("POST", "projects", {"name": "n" * 10_000}),
        ("POST", "projects", {"name": "ok", "budget_cents": -5}),
        ("PATCH", "project", {"name": None}),
        ("POST", "users", {"email": "not-an-email", "name": "X"}),
        ("POST", "users", {"email": "a@b.co", "name": "n" * 10_000}),
        ("POST", "users", {"email": "a@b.co", "name": "X", "role": "client"}),
        ("PUT", "member", {"role": "owner"}),
        ("PATCH", "user", {"is_admin": "yes please"}),
        ("POST", "messages", {"body": "m" * 10_001}),
        ("POST", "messages", {"body": ""}),
        ("PATCH", "task", {"position": -1}),
        ("PATCH", "task", {"title": None}),
    ],
)
def test_admin_and_chat_writes_reject_bad_fields(
    client, world: World, method: str, path_key: str, body
) -> None:
    p1 = world.projects["p1"]
    paths = {
        "projects": "/api/projects",
        "project": f"/api/projects/{p1}",
        "users": "/api/users",
        "member": f"/api/projects/{p1}/members/{world.users['outsider']}",
        "user": f"/api/users/{world.users['team']}",
        "messages": f"/api/projects/{p1}/messages",
        "task": f"/api/tasks/{world.tasks['p1']}",
    }
    before = _counts()
    response = client.request(method, paths[path_key], json=body, headers=world.auth("admin"))
    _assert_error(response, 422, "invalid")
    assert _counts() == before


def test_oversize_bodies_are_refused_before_reading(client, world: World) -> None:
    before = _counts()
    huge = b'{"title": "' + b"x" * 1_100_000 + b'"}'
    response = client.post(
        f"/api/projects/{world.projects['p1']}/tasks",
        content=huge,
        headers={**world.auth("team"), "Content-Type": "application/json"},
    )
    _assert_error(response, 413, "payload_too_large")

    def chunks():
        for _ in range(40):
            yield b"x" * 50_000

    response = client.post(
        f"/api/projects/{world.projects['p1']}/messages",
        content=chunks(),
        headers={**world.auth("team"), "Content-Type": "application/json"},
    )
    _assert_error(response, 413, "payload_too_large")
    assert _counts() == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/projects/999999",
        "/api/tasks/999999",
        "/api/projects/999999/tasks",
        "/api/projects/0",
        "/api/tasks/-3",
        "/api/projects/abc",
        "/api/tasks/99999999999999999999",
        "/api/no/such/thing",
    ],
)
def test_unknown_and_malformed_ids(client, world: World, path: str) -> None:
    response = client.get(path, headers=world.auth("admin"))
    assert response.status_code in (404, 422)
    assert response.json()["error"]["message"]


def test_bad_query_parameters(client, world: World) -> None:
    p1 = world.projects["p1"]
    for query in ("limit=0", "limit=100000", "limit=ten", "cursor=%%%", "cursor=aWQ6eA", "status=later"):
        response = client.get(f"/api/projects/{p1}/tasks?{query}", headers=world.auth("team"))
        _assert_error(response, 422, "invalid")


def test_expired_and_revoked_tokens_are_refused(client, world: World) -> None:
    with session_scope() as s:
        token = s.exec(select(ApiToken).where(ApiToken.user_id == world.users["team"])).one()
        token.expires_at = utcnow() - timedelta(seconds=1)
        s.add(token)
    response = client.get("/api/me", headers=world.auth("team"))
    _assert_error(response, 401, "not_authenticated")
    assert client.post("/api/logout", headers=world.auth("client")).status_code == 204
    _assert_error(client.get("/api/me", headers=world.auth("client")), 401)


def test_idempotency_key_rules(client, world: World) -> None:
    headers = {**world.auth("team"), "Idempotency-Key": "k" * 200}
    response = client.post(
        f"/api/projects/{world.projects['p1']}/tasks", json={"title": "a"}, headers=headers
    )
    _assert_error(response, 422, "invalid")
    headers["Idempotency-Key"] = "same-key"
    first = client.post(f"/api/projects/{world.projects['p1']}/tasks", json={"title": "a"}, headers=headers)
    assert first.status_code == 201
    reuse = client.post(f"/api/projects/{world.projects['p1']}/tasks", json={"title": "b"}, headers=headers)
    _assert_error(reuse, 422, "invalid")
