"""Tenant isolation matrix: every API endpoint x every role x own, other-project
and other-workspace ids, on SQLite and PostgreSQL. Foreign ids are 404 (no
existence leak); admin-only endpoints are 403 for everyone else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.world import ROLES, World, add_files, build_world

TARGETS = ("p1", "p2", "q1")
CAN_READ = {
    "admin": {"p1", "p2"},
    "team": {"p1", "p2"},
    "consultant": {"p1"},
    "client": {"p1"},
    "outsider": set(),
    "admin_b": {"q1"},
}
IS_ADMIN = {"admin", "admin_b"}
USER_IN = {"p1": "team", "p2": "team", "q1": "client_b"}  # a user of the target's workspace


@dataclass(frozen=True)
class Multipart:
    """A multipart body (file uploads) instead of JSON."""

    files: dict[str, tuple[str, bytes]]


@dataclass(frozen=True)
class Endpoint:
    name: str
    request: Callable[[World, str], tuple[str, str, Any]]
    expect: Callable[[str, str], int]


def _readable(role: str, target: str, ok: int, forbidden: bool = False) -> int:
    if target not in CAN_READ[role]:
        return 404
    return 403 if forbidden else ok


def _admin_only(role: str, target: str, ok: int) -> int:
    if role not in IS_ADMIN:
        return 403
    return ok if target in CAN_READ[role] else 404


def _pid(w: World, t: str) -> int:
    return w.projects[t]


def _staff(role: str) -> bool:
    return role in ("admin", "team", "admin_b")


ENDPOINTS = [
    Endpoint(
        "get project",
        lambda w, t: ("GET", f"/api/projects/{_pid(w, t)}", None),
        lambda r, t: _readable(r, t, 200),
    ),
    Endpoint(
        "list tasks",
        lambda w, t: ("GET", f"/api/projects/{_pid(w, t)}/tasks", None),
        lambda r, t: _readable(r, t, 200),
    ),
    Endpoint(
        "create task",
        lambda w, t: ("POST", f"/api/projects/{_pid(w, t)}/tasks", {"title": "New"}),
        lambda r, t: _readable(r, t, 201, forbidden=r == "client"),
    ),
    Endpoint(
        "get task", lambda w, t: ("GET", f"/api/tasks/{w.tasks[t]}", None), lambda r, t: _readable(r, t, 200)
    ),
    Endpoint(
        "task events",
        lambda w, t: ("GET", f"/api/tasks/{w.tasks[t]}/events", None),
        lambda r, t: _readable(r, t, 200),
    ),
    Endpoint(
        "edit task",
        lambda w, t: ("PATCH", f"/api/tasks/{w.tasks[t]}", {"title": "Edited"}),
        lambda r, t: _readable(r, t, 200, forbidden=r == "client"),
    ),
    Endpoint(
        "move task",
        lambda w, t: ("PATCH", f"/api/tasks/{w.tasks[t]}", {"status": "done", "position": 0}),
        lambda r, t: _readable(r, t, 200, forbidden=r == "client"),
    ),
    Endpoint(
        "delete task",
        lambda w, t: ("DELETE", f"/api/tasks/{w.tasks[t]}", None),
        lambda r, t: _readable(r, t, 204, forbidden=r in ("client", "consultant")),
    ),
    Endpoint(
        "list messages",
        lambda w, t: ("GET", f"/api/projects/{_pid(w, t)}/messages", None),
        lambda r, t: _readable(r, t, 200),
    ),
    Endpoint(
        "post message",
        lambda w, t: ("POST", f"/api/projects/{_pid(w, t)}/messages", {"body": "Hi"}),
        lambda r, t: _readable(r, t, 201),
    ),
    Endpoint(
        "edit message",
        lambda w, t: ("PATCH", f"/api/messages/{w.messages[t]}", {"body": "Edited"}),
        lambda r, t: _readable(r, t, 200, forbidden=r != "team"),
    ),
    Endpoint(
        "delete message",
        lambda w, t: ("DELETE", f"/api/messages/{w.messages[t]}", None),
        lambda r, t: _readable(r, t, 204, forbidden=r in ("client", "consultant")),
    ),
    Endpoint(
        "list files",
        lambda w, t: ("GET", f"/api/projects/{_pid(w, t)}/files", None),
        lambda r, t: _readable(r, t, 200),
    ),
    Endpoint(
        "upload file",
        lambda w, t: ("POST", f"/api/projects/{_pid(w, t)}/files", Multipart({"file": ("n.txt", b"note\n")})),
        lambda r, t: _readable(r, t, 201),
    ),
    Endpoint(
        "get file", lambda w, t: ("GET", f"/api/files/{w.files[t]}", None), lambda r, t: _readable(r, t, 200)
    ),
    Endpoint(
        "file url",
        lambda w, t: ("GET", f"/api/files/{w.files[t]}/url", None),
        lambda r, t: _readable(r, t, 200),
    ),
    Endpoint(
        "rename file",
        lambda w, t: ("PATCH", f"/api/files/{w.files[t]}", {"name": "Renamed.pdf"}),
        lambda r, t: _readable(r, t, 200, forbidden=not _staff(r)),
    ),
    Endpoint(
        "mark file internal",
        lambda w, t: ("PATCH", f"/api/files/{w.files[t]}", {"internal": True}),
        lambda r, t: _readable(r, t, 200, forbidden=not _staff(r)),
    ),
    Endpoint(
        "delete file",
        lambda w, t: ("DELETE", f"/api/files/{w.files[t]}", None),
        lambda r, t: _readable(r, t, 204, forbidden=not _staff(r)),
    ),
    Endpoint(
        "task files",
        lambda w, t: ("GET", f"/api/tasks/{w.tasks[t]}/files", None),
        lambda r, t: _readable(r, t, 200),
    ),
    Endpoint(
        "attach file to task",
        lambda w, t: ("POST", f"/api/tasks/{w.tasks[t]}/files/{w.files[t]}", None),
        lambda r, t: _readable(r, t, 200, forbidden=r == "client"),
    ),
    Endpoint(
        "detach file from task",
        lambda w, t: ("DELETE", f"/api/tasks/{w.tasks[t]}/files/{w.files[t]}", None),
        lambda r, t: _readable(r, t, 204, forbidden=r == "client"),
    ),
    Endpoint(
        "edit project",
        lambda w, t: ("PATCH", f"/api/projects/{_pid(w, t)}", {"name": "Renamed"}),
        lambda r, t: _admin_only(r, t, 200),
    ),
    Endpoint(
        "archive project",
        lambda w, t: ("DELETE", f"/api/projects/{_pid(w, t)}", None),
        lambda r, t: _admin_only(r, t, 200),
    ),
    Endpoint(
        "list members",
        lambda w, t: ("GET", f"/api/projects/{_pid(w, t)}/members", None),
        lambda r, t: _admin_only(r, t, 200),
    ),
    Endpoint(
        "set member",
        lambda w, t: (
            "PUT",
            f"/api/projects/{_pid(w, t)}/members/{w.users[USER_IN[t]]}",
            {"role": "consultant"},
        ),
        lambda r, t: _admin_only(r, t, 200),
    ),
    Endpoint(
        "remove member",
        lambda w, t: ("DELETE", f"/api/projects/{_pid(w, t)}/members/{w.users[USER_IN[t]]}", None),
        lambda r, t: _admin_only(r, t, 204),
    ),
    Endpoint(
        "edit user",
        lambda w, t: ("PATCH", f"/api/users/{w.users[USER_IN[t]]}", {"name": "Renamed"}),
        lambda r, t: 403 if r not in IS_ADMIN else (200 if (t == "q1") == (r == "admin_b") else 404),
    ),
    Endpoint(
        "invite into project",
        lambda w, t: (
            "POST",
            "/api/users",
            {"email": f"new-{t}@example.com", "name": "New", "project_id": _pid(w, t), "role": "client"},
        ),
        lambda r, t: _admin_only(r, t, 201),
    ),
]


@pytest.fixture
def world(any_db: str) -> World:
    return add_files(build_world())


def _send(client, method: str, path: str, body: Any, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    if isinstance(body, Multipart):
        return client.request(method, path, files=body.files, headers=headers)
    return client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_matrix(client, world: World, endpoint: Endpoint, role: str, target: str) -> None:
    method, path, body = endpoint.request(world, target)
    response = _send(client, method, path, body, world.auth(role))
    expected = endpoint.expect(role, target)
    assert response.status_code == expected, (role, target, response.text)
    if expected >= 400:
        error = response.json()["error"]
        assert error["code"]
        assert error["message"]
        assert "CANARY" not in response.text


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_needs_a_valid_token(client, world: World, role: str) -> None:
    for endpoint in ENDPOINTS:
        method, path, body = endpoint.request(world, "p1")
        for headers in ({}, {"Authorization": "Bearer rh_not-a-real-token"}, {"Authorization": "Basic abc"}):
            response = _send(client, method, path, body, headers)
            assert response.status_code == 401, (endpoint.name, headers)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", {"p1", "p2"}),
        ("team", {"p1", "p2"}),
        ("consultant", {"p1"}),
        ("client", {"p1"}),
        ("outsider", set()),
        ("admin_b", {"q1"}),
    ],
)
def test_project_list_is_exactly_the_visible_projects(client, world: World, role: str, expected: set) -> None:
    items = client.get("/api/projects", headers=world.auth(role)).json()["items"]
    assert {i["id"] for i in items} == {world.projects[k] for k in expected}


@pytest.mark.parametrize(
    ("role", "tasks", "messages"),
    [
        ("team", {"p1", "p1_internal", "p1_client"}, {"p1", "p1_internal", "p1_client"}),
        ("consultant", {"p1", "p1_internal", "p1_client"}, {"p1", "p1_internal", "p1_client"}),
        ("client", {"p1", "p1_client"}, {"p1", "p1_client"}),
    ],
)
def test_item_lists_are_exact_and_clients_get_no_internal_items(
    client, world: World, role: str, tasks: set, messages: set
) -> None:
    pid = world.projects["p1"]
    got_tasks = client.get(f"/api/projects/{pid}/tasks", headers=world.auth(role)).json()["items"]
    got_msgs = client.get(f"/api/projects/{pid}/messages", headers=world.auth(role)).json()["items"]
    assert {t["id"] for t in got_tasks} == {world.tasks[k] for k in tasks}
    assert {m["id"] for m in got_msgs} == {world.messages[k] for k in messages}
    if role == "client":
        for path in (
            f"/api/tasks/{world.tasks['p1_internal']}",
            f"/api/tasks/{world.tasks['p1_internal']}/events",
        ):
            assert client.get(path, headers=world.auth(role)).status_code == 404
        patch = client.patch(
            f"/api/messages/{world.messages['p1_internal']}", json={"body": "x"}, headers=world.auth(role)
        )
        assert patch.status_code == 404


def test_user_and_activity_lists_stay_in_the_workspace(client, world: World) -> None:
    a_users = {u["email"] for u in client.get("/api/users", headers=world.auth("admin")).json()["items"]}
    b_users = {u["email"] for u in client.get("/api/users", headers=world.auth("admin_b")).json()["items"]}
    assert a_users == {f"{k}@example.com" for k in ("admin", "team", "consultant", "client", "outsider")}
    assert b_users == {"admin_b@example.com", "client_b@example.com"}
    client.patch(
        f"/api/projects/{world.projects['p1']}", json={"name": "Secret rename"}, headers=world.auth("admin")
    )
    b_log = client.get("/api/activity", headers=world.auth("admin_b")).json()["items"]
    a_log = client.get("/api/activity", headers=world.auth("admin")).json()["items"]
    assert b_log == []
    assert [e["action"] for e in a_log] == ["project.updated"]
    for role in ("team", "client", "outsider"):
        assert client.get("/api/users", headers=world.auth(role)).status_code == 403
        assert client.get("/api/activity", headers=world.auth(role)).status_code == 403


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", {"p1", "p1_internal", "p1_client"}),
        ("team", {"p1", "p1_internal", "p1_client"}),
        ("consultant", {"p1", "p1_internal", "p1_client"}),
        ("client", {"p1", "p1_client"}),
    ],
)
def test_file_lists_are_exact_and_clients_get_no_internal_files(
    client, world: World, role: str, expected: set
) -> None:
    pid = world.projects["p1"]
    items = client.get(f"/api/projects/{pid}/files", headers=world.auth(role)).json()["items"]
    assert {f["id"] for f in items} == {world.files[k] for k in expected}
    internal = world.files["p1_internal"]
    for path in (f"/api/files/{internal}", f"/api/files/{internal}/url"):
        status = client.get(path, headers=world.auth(role)).status_code
        assert status == (404 if role == "client" else 200)
    on_task = client.get(f"/api/tasks/{world.tasks['p1']}/files", headers=world.auth(role)).json()
    assert [f["id"] for f in on_task] == [world.files["p1"]]
