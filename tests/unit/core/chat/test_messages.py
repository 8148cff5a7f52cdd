"""Chat: mentions, internal messages, editing and deleting (F-06)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rehome.core.chat import messages
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Forbidden, Invalid, NotFound
from tests.world import build_world


@pytest.fixture
def world(db: str):
    return build_world()


def _post(world, role: str, body: str, **extra) -> messages.MessageOut:
    with session_scope() as s:
        return messages.post_message(
            s, world.actors[role], world.projects["p1"], messages.MessageCreate(body=body, **extra)
        )


def _mentions(message_id: int) -> list[int]:
    with session_scope() as s:
        return messages.mentioned_ids(s, message_id)


def test_mentions_by_name_and_by_id(world) -> None:
    msg = _post(world, "team", "@Client and @consultant please check", mention_ids=[world.users["admin"]])
    assert sorted(_mentions(msg.id)) == sorted(
        [world.users["client"], world.users["consultant"], world.users["admin"]]
    )


def test_mentions_ignore_outsiders_self_and_clients_on_internal(world) -> None:
    msg = _post(
        world,
        "team",
        "@Team @Outsider @Admin_B @Client note",
        internal=True,
        mention_ids=[world.users["admin_b"], world.users["client"]],
    )
    assert _mentions(msg.id) == []


def test_clients_cannot_post_internal(world) -> None:
    with pytest.raises(Forbidden):
        _post(world, "client", "psst", internal=True)


def test_edit_own_only_and_delete_own_or_moderate(world) -> None:
    mine = _post(world, "client", "first")
    with session_scope() as s:
        edited = messages.edit_message(
            s, world.actors["client"], mine.id, messages.MessageEdit(body="second")
        )
    assert edited.body == "second"
    assert edited.edited_at is not None
    with session_scope() as s, pytest.raises(Forbidden):
        messages.edit_message(s, world.actors["team"], mine.id, messages.MessageEdit(body="hijack"))
    with session_scope() as s, pytest.raises(Forbidden):
        messages.delete_message(s, world.actors["consultant"], world.messages["p1"])
    with session_scope() as s:
        messages.delete_message(s, world.actors["team"], mine.id)  # team moderates
    with session_scope() as s, pytest.raises(NotFound):
        messages.edit_message(s, world.actors["client"], mine.id, messages.MessageEdit(body="ghost"))


def test_history_pages_backwards(world) -> None:
    for i in range(5):
        _post(world, "team", f"line {i}")
    with session_scope() as s:
        first = messages.list_messages(s, world.actors["team"], world.projects["p1"], limit=3)
        older = messages.list_messages(
            s, world.actors["team"], world.projects["p1"], before_id=first.items[-1].id, limit=3
        )
    assert [m.body for m in first.items] == ["line 4", "line 3", "line 2"]
    assert [m.body for m in older.items][:2] == ["line 1", "line 0"]


def test_blank_and_nul_bodies_are_rejected(world) -> None:
    with pytest.raises(Invalid):
        _post(world, "team", "   ")
    with pytest.raises(ValidationError, match="NUL"):  # refused by the input model, like every text
        _post(world, "team", "hi \x00 there")
