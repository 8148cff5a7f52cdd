"""Input that PostgreSQL cannot store, or that says too much (issue 8, item 7):
NUL bytes and amounts past 2^31 get a clear answer instead of a 500, inviting
another firm's user looks like any invite, and sign-in never redirects off-site."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from rehome.core.infra.db import session_scope
from rehome.core.models import Invite, Message, Project, ProjectMembership, Task, User
from tests.world import PASSWORD, World, build_world

COUNTED = (Task, Message, Project, User, ProjectMembership, Invite)
NUL = "bad\x00text"


@pytest.fixture
def world(any_db: str) -> World:
    return build_world(with_passwords=True)


def _counts() -> dict[str, int]:
    with session_scope() as s:
        return {m.__name__: s.exec(select(func.count()).select_from(m)).one() for m in COUNTED}


def _text_fields(w: World) -> list[tuple[str, str, dict[str, Any], str, str | None]]:
    """(method, path, valid body, text field, who) for every text a client sends."""
    p1, task, msg = w.projects["p1"], w.tasks["p1"], w.messages["p1"]
    login = {"email": "team@example.com", "password": PASSWORD}
    cases: list[tuple[str, str, dict[str, Any], list[str], str | None]] = [
        ("POST", "/api/login", {**login, "device_name": "Pixel"}, ["email", "password", "device_name"], None),
        ("POST", "/auth/login", {**login, "next": "/projects"}, ["email", "password", "next"], None),
        ("POST", "/auth/reset/request", {"email": "team@example.com"}, ["email"], None),
        (
            "POST",
            "/auth/reset/complete",
            {"token": "x", "password": "long enough pw"},
            ["token", "password"],
            None,
        ),
        (
            "POST",
            "/auth/invite/accept",
            {"token": "x", "name": "N", "password": "long enough pw"},
            ["token", "name", "password"],
            None,
        ),
        (
            "POST",
            f"/api/projects/{p1}/tasks",
            {"title": "t", "description": "d", "internal_notes": "n"},
            ["title", "description", "internal_notes"],
            "admin",
        ),
        (
            "PATCH",
            f"/api/tasks/{task}",
            {"title": "t", "description": "d", "internal_notes": "n"},
            ["title", "description", "internal_notes"],
            "admin",
        ),
        ("POST", f"/api/projects/{p1}/messages", {"body": "b"}, ["body"], "team"),
        ("PATCH", f"/api/messages/{msg}", {"body": "b"}, ["body"], "team"),
        (
            "POST",
            "/api/projects",
            {"name": "n", "description": "d", "address": "a"},
            ["name", "description", "address"],
            "admin",
        ),
        (
            "PATCH",
            f"/api/projects/{p1}",
            {"name": "n", "description": "d", "address": "a"},
            ["name", "description", "address"],
            "admin",
        ),
        ("POST", "/api/users", {"email": "new@example.com", "name": "New"}, ["email", "name"], "admin"),
        ("PATCH", f"/api/users/{w.users['team']}", {"name": "n", "phone": "1"}, ["name", "phone"], "admin"),
        ("POST", f"/api/projects/{p1}/agent/threads", {"title": "t"}, ["title"], "team"),
    ]
    return [(m, p, body, f, who) for m, p, body, fields, who in cases for f in fields]


def test_nul_bytes_in_any_text_field_are_a_clear_422(client, world: World) -> None:
    before = _counts()
    failures = []
    for method, path, body, field, who in _text_fields(world):
        headers = world.auth(who) if who else {}
        response = client.request(method, path, json={**body, field: NUL}, headers=headers)
        error = response.json().get("error", {}) if response.status_code != 500 else {}
        if response.status_code != 422 or field not in (error.get("fields") or {}):
            failures.append((method, path, field, response.status_code, response.text[:200]))
    assert not failures, failures
    assert _counts() == before


def test_nul_bytes_in_query_text_are_a_clear_422(client, world: World) -> None:
    for path in ("/api/users?q=a%00b", "/api/activity?action=a%00b"):
        response = client.get(path, headers=world.auth("admin"))
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"]["code"] == "invalid"


def test_nul_bytes_in_a_question_are_refused(client, world: World) -> None:
    thread = client.post(
        f"/api/projects/{world.projects['p1']}/agent/threads", json={"title": "q"}, headers=world.auth("team")
    ).json()["id"]
    response = client.post(
        f"/api/agent/threads/{thread}/messages", json={"content": NUL}, headers=world.auth("team")
    )
    assert response.status_code == 422
    assert "content" in response.json()["error"]["fields"]


BIG = 2**31  # one past PostgreSQL's INTEGER


def test_amounts_past_two_to_the_31_cents_are_kept(client, world: World) -> None:
    """Budgets and costs are BIGINT: 21.5 million is a real budget in cents of most currencies."""
    admin = world.auth("admin")
    p1 = world.projects["p1"]
    for amount in (BIG, 10**13):
        response = client.patch(f"/api/projects/{p1}", json={"budget_cents": amount}, headers=admin)
        assert response.status_code == 200, response.text
        assert client.get(f"/api/projects/{p1}", headers=admin).json()["budget_cents"] == amount
        created = client.post("/api/projects", json={"name": "Big", "budget_cents": amount}, headers=admin)
        assert created.status_code == 201, created.text
        task = client.post(
            f"/api/projects/{p1}/tasks", json={"title": "t", "cost_cents": amount}, headers=admin
        )
        assert task.status_code == 201, task.text
        assert task.json()["cost_cents"] == amount
        patched = client.patch(f"/api/tasks/{world.tasks['p1']}", json={"cost_cents": amount}, headers=admin)
        assert patched.status_code == 200, patched.text


def test_numbers_past_what_a_column_holds_are_a_clear_422(client, world: World) -> None:
    admin, p1 = world.auth("admin"), world.projects["p1"]
    before = _counts()
    cases = [
        ("PATCH", f"/api/projects/{p1}", {"budget_cents": 10**13 + 1}, "budget_cents"),
        ("POST", "/api/projects", {"name": "n", "budget_cents": 2**63}, "budget_cents"),
        ("POST", f"/api/projects/{p1}/tasks", {"title": "t", "cost_cents": 10**19}, "cost_cents"),
        ("POST", f"/api/projects/{p1}/tasks", {"title": "t", "assignee_id": BIG}, "assignee_id"),
        ("PATCH", f"/api/tasks/{world.tasks['p1']}", {"assignee_id": 10**20}, "assignee_id"),
        ("POST", f"/api/projects/{p1}/messages", {"body": "hi", "mention_ids": [BIG]}, "mention_ids.0"),
        (
            "POST",
            "/api/users",
            {"email": "n@example.com", "name": "N", "project_id": BIG, "role": "team"},
            "project_id",
        ),
    ]
    failures = []
    for method, path, body, field in cases:
        response = client.request(method, path, json=body, headers=admin)
        fields = response.json().get("error", {}).get("fields") or {}
        if response.status_code != 422 or field not in fields:
            failures.append((method, path, body, response.status_code, response.text[:200]))
    assert not failures, failures
    assert _counts() == before


def test_inviting_another_workspaces_user_looks_like_any_invite(client, world: World, sent_jobs) -> None:
    admin = world.auth("admin")
    fresh = client.post("/api/users", json={"email": "fresh@example.com", "name": "Fresh"}, headers=admin)
    foreign = client.post("/api/users", json={"email": "admin_b@example.com", "name": "Bea"}, headers=admin)
    pending_b = client.post("/api/users", json={"email": "client_b@example.com", "name": "Cy"}, headers=admin)
    assert fresh.status_code == foreign.status_code == pending_b.status_code == 201
    shape = {k: type(v).__name__ for k, v in fresh.json().items()}
    for response in (foreign, pending_b):
        assert {k: type(v).__name__ for k, v in response.json().items()} == shape
        assert "account" not in response.text
    assert foreign.json()["email"] == "admin_b@example.com"
    assert foreign.json()["status"] == fresh.json()["status"]
    # nothing of workspace B moved or changed, and B's user got no invite link
    with session_scope() as s:
        bea = s.exec(select(User).where(User.email == "admin_b@example.com")).one()
        assert bea.workspace_id != world.actors["admin"].workspace_id
        assert bea.is_admin
        assert s.exec(select(Invite).where(Invite.email == "admin_b@example.com")).first() is None
    mails = {kwargs["to"]: kwargs["text"] for name, kwargs in sent_jobs if name == "mail.send"}
    assert "/invite/" in mails["fresh@example.com"]
    assert "/invite/" not in mails.get("admin_b@example.com", "")


def test_inviting_someone_already_in_your_workspace_says_so(client, world: World) -> None:
    response = client.post(
        "/api/users", json={"email": "team@example.com", "name": "T"}, headers=world.auth("admin")
    )
    assert response.status_code == 409
    assert "already in your workspace" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/ /evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\x7f/evil.example",
        "/\u2028/evil.example",
        "",
        "projects",
    ],
)
def test_sign_in_never_redirects_off_site(client, world: World, target: str) -> None:
    response = client.post(
        "/auth/login", json={"email": "team@example.com", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 200, response.text
    assert response.json()["redirect"] == "/projects"


def test_sign_in_follows_a_same_site_next(client, world: World) -> None:
    target = f"/projects/{world.projects['p1']}?tab=chat"
    response = client.post(
        "/auth/login", json={"email": "team@example.com", "password": PASSWORD, "next": target}
    )
    assert response.json()["redirect"] == target
