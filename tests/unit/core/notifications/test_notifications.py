"""Notifications: mentions and assignments, never twice, muting respected (F-10)."""

from __future__ import annotations

import pytest

from rehome.core import notifications, tasks
from rehome.core.chat import messages
from rehome.core.infra.db import session_scope
from tests.world import build_world


@pytest.fixture
def world(any_db: str):
    return build_world()


def _unread(world, role: str) -> list[notifications.NotificationOut]:
    with session_scope() as s:
        return notifications.list_notifications(s, world.actors[role], unread_only=True).items


def _post(world, role: str, body: str) -> messages.MessageOut:
    with session_scope() as s:
        return messages.post_message(
            s, world.actors[role], world.projects["p1"], messages.MessageCreate(body=body)
        )


def test_a_mention_notifies_once_even_after_edits(world) -> None:
    msg = _post(world, "team", "@Client can you check the tiles?")
    with session_scope() as s:
        messages.edit_message(
            s, world.actors["team"], msg.id, messages.MessageEdit(body="@Client please check")
        )
    items = _unread(world, "client")
    assert [(n.kind, n.link) for n in items] == [
        ("mention", f"/projects/{world.projects['p1']}?tab=chat&message={msg.id}")
    ]
    with session_scope() as s:
        assert notifications.unread_count(s, world.actors["client"]) == 1


def test_assignment_notifies_the_assignee_but_not_oneself(world) -> None:
    with session_scope() as s:
        task = tasks.create_task(
            s,
            world.actors["team"],
            world.projects["p1"],
            tasks.TaskCreate(title="Grout", assignee_id=world.users["consultant"]),
        )
        tasks.create_task(
            s,
            world.actors["team"],
            world.projects["p1"],
            tasks.TaskCreate(title="Mine", assignee_id=world.users["team"]),
        )
        tasks.update_task(s, world.actors["team"], task.id, tasks.TaskPatch(title="Grout again"))
    assert [n.body for n in _unread(world, "consultant")] == ["Grout"]
    assert _unread(world, "team") == []


def test_muted_and_digest_only_projects_get_no_mentions(world) -> None:
    with session_scope() as s:
        notifications.set_level(
            s, world.actors["client"], world.projects["p1"], notifications.LevelSet(level="mute")
        )
        notifications.set_level(
            s, world.actors["consultant"], world.projects["p1"], notifications.LevelSet(level="digest")
        )
    _post(world, "team", "@Client and @Consultant, heads up")
    assert _unread(world, "client") == []
    assert _unread(world, "consultant") == []


def test_mark_read_touches_only_ones_own(world) -> None:
    _post(world, "team", "@Client and @Consultant, heads up")
    client_items = _unread(world, "client")
    with session_scope() as s:
        notifications.mark_read(s, world.actors["consultant"], [client_items[0].id])  # not theirs: no effect
    assert len(_unread(world, "client")) == 1
    with session_scope() as s:
        notifications.mark_read(s, world.actors["client"])
    assert _unread(world, "client") == []
    assert len(_unread(world, "consultant")) == 1


def test_levels_are_validated_and_scoped(world) -> None:
    from pydantic import ValidationError

    from rehome.core.infra.errors import NotFound

    with pytest.raises(ValidationError):
        notifications.LevelSet(level="loud")
    with session_scope() as s, pytest.raises(NotFound):
        notifications.set_level(
            s, world.actors["client"], world.projects["p2"], notifications.LevelSet(level="mute")
        )
