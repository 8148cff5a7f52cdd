"""The run token WebSocket: bare frames in order, resume, end, and who may listen."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from rehome.core.agent import stream, threads
from rehome.core.auth.sessions import create_session
from rehome.core.infra import jobs
from rehome.core.infra.db import session_scope
from rehome.core.models import User
from tests.world import World, build_world


@pytest.fixture
def world(any_db: str) -> World:
    jobs.set_dispatcher(lambda name, kwargs: None)  # the test plays the worker
    yield build_world()
    jobs.set_dispatcher(None)


def _run(world: World, role: str = "team") -> int:
    with session_scope() as s:
        thread = threads.create_thread(s, world.actors[role], world.projects["p1"], threads.ThreadIn())
        return threads.ask(s, world.actors[role], thread.id, threads.QuestionIn(content="Go")).run.id


def _cookie(world: World, role: str) -> dict[str, str]:
    with session_scope() as s:
        return {"rehome_session": create_session(s, s.get(User, world.users[role]))}


def _frames(app, cookies: dict[str, str], run_id: int, after: int = 0) -> list[str]:
    with (
        TestClient(app, cookies=cookies) as client,
        client.websocket_connect(f"/api/agent/runs/{run_id}/tokens?after={after}") as socket,
    ):
        frames = []
        while not frames or not frames[-1].startswith("!"):
            frames.append(socket.receive_text())
        return frames


def test_frames_carry_only_new_text_in_order_then_the_end(api_app, world: World) -> None:
    run_id = _run(world)
    publisher = stream.Publisher(run_id)
    for piece in ("Tiles ", "arrive ", "Thursday."):
        publisher.delta(piece)
    publisher.done("succeeded", None)
    frames = _frames(api_app, _cookie(world, "team"), run_id)
    assert frames[-1] == "!succeeded"
    text = "".join(f.split(":", 1)[1] for f in frames[:-1])
    assert text == "Tiles arrive Thursday."
    assert frames[-2].split(":", 1)[0] == "3"  # the last sequence number it holds
    resumed = _frames(api_app, _cookie(world, "team"), run_id, after=2)
    assert "".join(f.split(":", 1)[1] for f in resumed[:-1]) == "Thursday."


@pytest.mark.parametrize("role", ["client", "admin_b", "outsider"])
def test_only_the_thread_owner_or_an_admin_may_listen(api_app, world: World, role: str) -> None:
    run_id = _run(world)
    with (
        TestClient(api_app, cookies=_cookie(world, role)) as client,
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect(f"/api/agent/runs/{run_id}/tokens") as socket,
    ):
        socket.receive_text()
    assert closed.value.code == 1008


def test_a_foreign_origin_or_no_session_is_refused(api_app, world: World) -> None:
    run_id = _run(world)
    for cookies, headers in (({}, {}), (_cookie(world, "team"), {"Origin": "https://evil.example"})):
        with (
            TestClient(api_app, cookies=cookies) as client,
            pytest.raises(WebSocketDisconnect),
            client.websocket_connect(f"/api/agent/runs/{run_id}/tokens", headers=headers) as socket,
        ):
            socket.receive_text()
