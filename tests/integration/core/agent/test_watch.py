"""The periodic access check runs beside a token stream (issue 13): frames
are not held while it runs, and a session that lapsed without anyone
announcing it (expiry) still ends the stream, at the next frame."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from rehome.core.agent import stream, threads, watch
from rehome.core.auth.sessions import create_session
from rehome.core.infra import jobs
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.models import User, UserSession
from rehome.core.vocab import RunStatus
from tests.world import World, build_world

pytestmark = pytest.mark.integration


@pytest.fixture
def world(pg_db: str, real_redis: str) -> Iterator[World]:
    jobs.set_dispatcher(lambda name, kwargs: None)  # the test plays the worker
    yield build_world()
    jobs.set_dispatcher(None)


def _expire_sessions_quietly(user_id: int) -> None:
    """As time would: no access-change event is announced."""
    with session_scope() as s:
        for record in s.exec(select(UserSession).where(UserSession.user_id == user_id)).all():
            record.expires_at = utcnow() - timedelta(minutes=1)
            s.add(record)


def test_a_lapsed_session_ends_the_stream_at_the_next_frame(
    api_app, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch, "RECHECK_EVERY", 0.0)  # a check beside every frame
    with session_scope() as s:
        thread = threads.create_thread(s, world.actors["team"], world.projects["p1"], threads.ThreadIn())
        run_id = threads.ask(s, world.actors["team"], thread.id, threads.QuestionIn(content="Go")).run.id
        cookie = create_session(s, s.get(User, world.users["team"]))
    publisher = stream.Publisher(run_id)
    publisher.delta("one ")
    with (
        TestClient(api_app, cookies={"rehome_session": cookie}) as client,
        client.websocket_connect(f"/api/agent/runs/{run_id}/tokens") as socket,
    ):
        assert socket.receive_text().endswith("one ")
        _expire_sessions_quietly(world.users["team"])
        frames: list[str] = []
        for index in range(50):
            publisher.delta(f"more {index} ")
            time.sleep(0.05)
            if index == 40:
                publisher.done(RunStatus.SUCCEEDED, None)
        while not frames or not frames[-1].startswith("!"):
            frames.append(socket.receive_text())
    assert frames[-1] == "!forbidden"
