"""`FileUploaded` and friends reach exactly the viewers allowed to see the file
(F-10): internal files never reach clients, quarantined ones only admins."""

from __future__ import annotations

import asyncio
import io

import pytest

from rehome.core import files
from rehome.core.infra import bus
from rehome.core.infra.db import session_scope
from rehome.core.realtime import delivery as live
from rehome.core.tasks.board import BoardFilters
from rehome.core.vocab import EventKind
from tests import file_samples as samples
from tests.world import build_world


@pytest.fixture
def world(db: str, sent_jobs: list):  # type: ignore[no-untyped-def]
    return build_world()


def _viewer(world, role: str) -> live.Viewer:  # type: ignore[no-untyped-def]
    from rehome.core.auth.sessions import create_session
    from rehome.core.models import User

    with session_scope() as s:
        token = create_session(s, s.get(User, world.users[role]))
    with session_scope() as s:
        viewer = live.check_viewer(s, token, world.projects["p1"])
    assert viewer is not None
    return viewer


def _seen(world, role: str, batch: list[bus.BusEvent]) -> live.LiveChanges:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        return live.changes_for(s, _viewer(world, role), batch, BoardFilters())


def _upload(world, role: str, name: str, data: bytes, **options: object) -> files.FileOut:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        return files.upload(
            s,
            world.actors[role],
            world.projects["p1"],
            io.BytesIO(data),
            name,
            files.UploadOptions(**options),
        )


def test_file_uploaded_goes_to_viewers_who_may_see_it(world) -> None:
    channel = bus.project_channel(world.projects["p1"])
    cursor = bus.last_id(channel)
    public = _upload(world, "client", "site.jpg", samples.photo())
    internal = _upload(world, "team", "margins.csv", b"item,margin\ntiles,30%\n", internal=True)
    batch = asyncio.run(bus.read({channel: cursor}, block_ms=10))
    kinds = [e.kind for e in batch]
    assert kinds.count(EventKind.FILE_UPLOADED) == 2
    assert EventKind.FILE_UPDATED in kinds  # the photo's previews arrived
    assert all(set(e.data) <= {"file_id", "actor_id"} for e in batch)  # ids only, never names
    client = _seen(world, "client", batch)
    team = _seen(world, "team", batch)
    assert [f.id for f in client.files] == [public.id]
    assert internal.id in client.files_gone  # told to drop it, never told what it was
    assert {f.id for f in team.files} == {public.id, internal.id}
    photo = next(f for f in team.files if f.id == public.id)
    assert photo.thumb_url is not None  # the relay carries signed thumbnail links


def test_deleted_files_are_gone_for_everyone(world) -> None:
    stored = _upload(world, "team", "old.pdf", samples.pdf())
    channel = bus.project_channel(world.projects["p1"])
    cursor = bus.last_id(channel)
    with session_scope() as s:
        files.delete_file(s, world.actors["team"], stored.id)
    batch = asyncio.run(bus.read({channel: cursor}, block_ms=10))
    assert [e.kind for e in batch] == [EventKind.FILE_DELETED]
    assert _seen(world, "admin", batch).files_gone == {stored.id}
