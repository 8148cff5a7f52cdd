"""The three writes the browser's offline outbox sends (issue 12): a chat
message, a task and a photo, with the session cookie, `X-Requested-With` and
an `Idempotency-Key`. A retry after a lost response, or a second tab sending
the same item, is replayed: one row each, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlmodel import col, select

from rehome.core.auth.sessions import create_session
from rehome.core.infra.db import session_scope
from rehome.core.models import Message, Task, User
from tests import file_samples as samples
from tests.files_helpers import rows
from tests.world import World, build_world

BROWSER = {"X-Requested-With": "rehome", "Origin": "http://testserver"}


@pytest.fixture
def world(any_db: str, sent_jobs: list) -> World:
    return build_world()


def _sign_in(client: Any, world: World, who: str) -> None:
    with session_scope() as session:
        token = create_session(session, session.get(User, world.users[who]), "test")
    client.cookies.set("rehome_session", token)


def _messages(body: str) -> list[Message]:
    with session_scope() as session:
        return list(session.exec(select(Message).where(col(Message.body) == body)))


def _tasks(title: str) -> list[Task]:
    with session_scope() as session:
        return list(session.exec(select(Task).where(col(Task.title) == title)))


def _twice(send: Any) -> tuple[Any, Any]:
    first, again = send(), send()
    assert first.status_code == again.status_code == 201, first.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.json()["id"] == again.json()["id"]
    return first, again


def test_each_outbox_write_replayed_with_its_key_makes_one_row(client, world: World) -> None:
    _sign_in(client, world, "team")
    base = f"/api/projects/{world.projects['p1']}"
    _twice(
        lambda: client.post(
            f"{base}/messages", json={"body": "Tiles are in"}, headers={**BROWSER, "Idempotency-Key": "m-1"}
        )
    )
    _twice(
        lambda: client.post(
            f"{base}/tasks",
            json={"title": "Fix the leak", "status": "blocked"},
            headers={**BROWSER, "Idempotency-Key": "t-1"},
        )
    )
    _twice(
        lambda: client.post(
            f"{base}/files",
            files={"file": ("site.jpg", samples.photo())},
            headers={**BROWSER, "Idempotency-Key": "f-1"},
        )
    )
    assert len(_messages("Tiles are in")) == 1
    (task,) = _tasks("Fix the leak")
    assert task.status == "blocked"
    assert [f.name for f in rows()] == ["site.jpg"]


def test_two_tabs_sending_the_same_message_at_once_make_one_row(client, world: World) -> None:
    _sign_in(client, world, "team")
    path = f"/api/projects/{world.projects['p1']}/messages"

    def send(_: int) -> int:
        response = client.post(
            path, json={"body": "Both tabs"}, headers={**BROWSER, "Idempotency-Key": "same-item"}
        )
        return int(response.json()["id"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(send, range(4)))
    assert len(ids) == 1
    assert len(_messages("Both tabs")) == 1


def test_the_cookie_needs_the_header_and_our_origin(client, world: World) -> None:
    """No CSRF: without the custom header, or from another site, nothing is written."""
    _sign_in(client, world, "team")
    base = f"/api/projects/{world.projects['p1']}"
    assert client.post(f"{base}/messages", json={"body": "forged"}).status_code == 401
    evil = {"X-Requested-With": "rehome", "Origin": "https://evil.example"}
    assert client.post(f"{base}/tasks", json={"title": "forged"}, headers=evil).status_code == 401
    assert _messages("forged") == []
    assert _tasks("forged") == []
