"""Live delivery: events carry ids; each viewer re-reads through the access
layer, so a client never receives internal items or their typing (F-07, F-10)."""

from __future__ import annotations

import asyncio

import pytest

from rehome.core import tasks
from rehome.core.access import project_scope
from rehome.core.infra import bus
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import NotFound
from rehome.core.realtime import delivery as live
from rehome.core.realtime import presence
from rehome.core.tasks.board import BoardFilters
from rehome.core.vocab import EventKind
from tests.world import build_world


@pytest.fixture
def world(db: str):
    return build_world()


def _events_after(cursor: str, channel: str) -> list[bus.BusEvent]:
    return asyncio.run(bus.read({channel: cursor}, block_ms=10))


def _viewer(world, role: str) -> live.Viewer:
    with session_scope() as s:
        from rehome.core.auth.sessions import create_session
        from rehome.core.models import User

        token = create_session(s, s.get(User, world.users[role]))
    with session_scope() as s:
        viewer = live.check_viewer(s, token, world.projects["p1"])
    assert viewer is not None
    return viewer


def _changes(viewer: live.Viewer, batch: list[bus.BusEvent]) -> live.LiveChanges:
    with session_scope() as s:
        return live.changes_for(s, viewer, batch, BoardFilters())


def test_writes_publish_after_commit_with_ids_only(world) -> None:
    channel = bus.project_channel(world.projects["p1"])
    cursor = bus.last_id(channel)
    with session_scope() as s:
        tasks.update_task(s, world.actors["team"], world.tasks["p1_internal"], tasks.TaskPatch(status="done"))
        assert _events_after(cursor, channel) == []  # nothing before commit
    (event,) = _events_after(cursor, channel)
    assert event.kind == EventKind.TASK_MOVED
    assert set(event.data) == {"task_id", "actor_id"}


def test_a_client_never_receives_an_internal_task(world) -> None:
    channel = bus.project_channel(world.projects["p1"])
    cursor = bus.last_id(channel)
    with session_scope() as s:
        tasks.update_task(
            s, world.actors["team"], world.tasks["p1_internal"], tasks.TaskPatch(title="Secret 2")
        )
        tasks.update_task(s, world.actors["team"], world.tasks["p1"], tasks.TaskPatch(internal=True))
    batch = _events_after(cursor, channel)
    seen_by_client = _changes(_viewer(world, "client"), batch)
    seen_by_team = _changes(_viewer(world, "team"), batch)
    assert seen_by_client.tasks == []
    assert seen_by_client.tasks_gone == {
        world.tasks["p1_internal"],
        world.tasks["p1"],
    }  # removed from the board
    assert {t.id for t in seen_by_team.tasks} == {world.tasks["p1_internal"], world.tasks["p1"]}
    assert seen_by_client.totals is not None
    assert sum(seen_by_client.totals.values()) == 1


def test_internal_typing_is_not_shown_to_clients(world) -> None:
    channel = bus.project_channel(world.projects["p1"])
    cursor = bus.last_id(channel)
    presence.typing(world.projects["p1"], world.users["team"], "Team", internal=True)
    presence.typing(world.projects["p1"], world.users["consultant"], "Consultant")
    batch = _events_after(cursor, channel)
    assert _changes(_viewer(world, "client"), batch).typing == [(world.users["consultant"], "Consultant")]
    assert len(_changes(_viewer(world, "admin"), batch).typing) == 2


def test_revocation_and_project_changes_force_a_recheck(world) -> None:
    viewer = _viewer(world, "consultant")
    assert not live.needs_recheck(viewer, [])
    revoked = bus.BusEvent("user:1", "1-0", EventKind.ACCESS_CHANGED, {})
    assert live.needs_recheck(viewer, [revoked])
    from rehome.core.projects.members import remove_member

    with session_scope() as s:
        remove_member(s, world.actors["admin"], world.projects["p1"], world.users["consultant"])
    with session_scope() as s:
        assert live.check_viewer(s, "not-a-live-session", world.projects["p1"]) is None
    with session_scope() as s, pytest.raises(NotFound):  # the removed member's next check fails
        project_scope(s, viewer.actor, world.projects["p1"])


def test_presence_counts_people_not_tabs(world) -> None:
    pid = world.projects["p1"]
    presence.heartbeat(pid, world.users["team"], "tab-1")
    presence.heartbeat(pid, world.users["team"], "tab-2")
    presence.heartbeat(pid, world.users["client"], "tab-3")
    assert presence.online(pid) == {world.users["team"], world.users["client"]}
    presence.leave(pid, world.users["team"], "tab-1")
    assert world.users["team"] in presence.online(pid)
    presence.leave(pid, world.users["team"], "tab-2")
    assert presence.online(pid) == {world.users["client"]}
