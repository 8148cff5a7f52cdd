"""End-to-end API flows: sign-in by token and by cookie, idempotent writes,
the OpenAPI document, health, headers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from rehome.core.infra.db import session_scope
from rehome.core.models import Task
from tests.world import PASSWORD, World, build_world


@pytest.fixture
def world(any_db: str) -> World:
    return build_world(with_passwords=True)


def test_token_login_me_logout(client, world: World) -> None:
    response = client.post(
        "/api/login", json={"email": "Team@Example.com", "password": PASSWORD, "device_name": "Pixel"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("rh_")
    assert body["expires_at"] > body["user"]["created_at"]  # ISO times compare as text
    assert body["user"]["email"] == "team@example.com"
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = client.get("/api/me", headers=headers).json()
    assert me["workspace_name"] == "Alpha Build"
    assert me["is_admin"] is False
    assert client.post("/api/logout", headers=headers).status_code == 204
    assert client.get("/api/me", headers=headers).status_code == 401


def test_token_login_failures_look_alike_and_are_limited(client, world: World) -> None:
    wrong = client.post("/api/login", json={"email": "team@example.com", "password": "nope"})
    unknown = client.post("/api/login", json={"email": "ghost@example.com", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]
    for _ in range(9):
        client.post("/api/login", json={"email": "team@example.com", "password": "nope"})
    limited = client.post("/api/login", json={"email": "team@example.com", "password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0


def test_cookie_session_login_and_logout_kills_it_everywhere(api_app, world: World) -> None:
    with TestClient(api_app) as browser, TestClient(api_app) as replay:
        response = browser.post(
            "/auth/login",
            json={"email": "client@example.com", "password": PASSWORD, "next": "//evil.example/phish"},
        )
        assert response.status_code == 200
        assert response.json()["redirect"] == "/projects"  # no open redirect
        set_cookie = response.headers["set-cookie"]
        assert "HttpOnly" in set_cookie
        assert "SameSite=lax" in set_cookie
        assert "Path=/" in set_cookie
        cookie = browser.cookies.get("rehome_session")
        assert browser.get("/auth/session").json() == {"signed_in": True}
        replay.cookies.set("rehome_session", cookie)
        assert replay.get("/auth/session").json() == {"signed_in": True}
        browser.post("/auth/logout")
        assert replay.get("/auth/session").json() == {"signed_in": False}


def test_writes_with_an_idempotency_key_create_one_row(client, world: World) -> None:
    headers = {**world.auth("team"), "Idempotency-Key": "retry-1"}
    path = f"/api/projects/{world.projects['p1']}/tasks"
    first = client.post(path, json={"title": "Order tiles"}, headers=headers)
    second = client.post(path, json={"title": "Order tiles"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(Task).where(Task.title == "Order tiles")).one() == 1
    other_user = client.post(
        path, json={"title": "Order tiles"}, headers={**world.auth("admin"), "Idempotency-Key": "retry-1"}
    )
    assert other_user.status_code == 201
    assert other_user.json()["id"] != first.json()["id"]


def test_concurrent_retries_with_one_key_create_one_row(api_app, world: World) -> None:
    path = f"/api/projects/{world.projects['p1']}/messages"
    headers = {**world.auth("team"), "Idempotency-Key": "burst"}

    def send(_: int) -> tuple[int, int]:
        with TestClient(api_app) as c:
            response = c.post(path, json={"body": "Only once"}, headers=headers)
            return response.status_code, response.json()["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(8)))
    assert {status for status, _ in results} == {201}
    assert len({message_id for _, message_id in results}) == 1


def test_pagination_cursors_cover_everything(client, world: World) -> None:
    pid = world.projects["p1"]
    for i in range(5):
        client.post(f"/api/projects/{pid}/messages", json={"body": f"m{i}"}, headers=world.auth("team"))
    seen, cursor = [], None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = client.get(f"/api/projects/{pid}/messages{query}", headers=world.auth("team")).json()
        seen += [m["id"] for m in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 8


def test_openapi_document_describes_the_api(client, world: World) -> None:
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/login",
        "/api/projects/{project_id}/tasks",
        "/api/tasks/{task_id}",
        "/api/users",
        "/api/projects/{project_id}/members/{user_id}",
        "/api/activity",
        "/health",
    ):
        assert path in spec["paths"], path
    assert "HTTPBearer" in spec["components"]["securitySchemes"]


def test_health_reports_each_dependency(client, world: World) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"]
    assert body["checks"]["redis"]["mode"] == "in-process"


def test_request_ids_and_security_headers(client, world: World) -> None:
    response = client.get("/api/me", headers={**world.auth("team"), "X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert response.headers["x-content-type-options"] == "nosniff"
    error = client.get("/api/projects/424242", headers=world.auth("team"))
    assert error.json()["error"]["request_id"] == error.headers["x-request-id"]
