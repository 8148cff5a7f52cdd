"""A role change reaches an answer while it streams and after it is stored
(issue 8, item 3): a team member demoted to client gets not one frame more of
an answer written for the team, over the token socket and over SSE, and the
stored answer no longer shows the lines citing an internal task."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from rehome.core.agent import stream, threads
from rehome.core.auth.sessions import create_session
from rehome.core.infra import jobs
from rehome.core.infra.db import session_scope
from rehome.core.models import AgentMessage, AgentRun, User
from rehome.core.projects import members
from rehome.core.vocab import RunStatus
from tests.world import World, build_world

CANARY = "INTERNAL-CANARY-7"


@pytest.fixture
def world(pg_db: str, real_redis: str) -> Iterator[World]:
    jobs.set_dispatcher(lambda name, kwargs: None)  # the test plays the worker
    yield build_world()
    jobs.set_dispatcher(None)


def _ask(world: World) -> tuple[int, int]:
    with session_scope() as s:
        thread = threads.create_thread(s, world.actors["team"], world.projects["p1"], threads.ThreadIn())
        run = threads.ask(s, world.actors["team"], thread.id, threads.QuestionIn(content="Status?")).run
        return thread.id, run.id


def _demote(world: World) -> None:
    with session_scope() as s:
        data = members.MemberSet(role="client")
        members.set_member(s, world.actors["admin"], world.projects["p1"], world.users["team"], data)


def test_the_token_socket_stops_when_the_viewer_is_demoted(api_app, world: World) -> None:
    _, run_id = _ask(world)
    publisher = stream.Publisher(run_id)
    publisher.delta("Tiles arrive Thursday. ")
    with session_scope() as s:
        cookie = create_session(s, s.get(User, world.users["team"]))
    with (
        TestClient(api_app, cookies={"rehome_session": cookie}) as client,
        client.websocket_connect(f"/api/agent/runs/{run_id}/tokens") as socket,
    ):
        first = socket.receive_text()
        assert first.endswith("Tiles arrive Thursday. ")
        _demote(world)
        publisher.delta(f"Margin on [T-{world.tasks['p1_internal']}] {CANARY}. ")
        publisher.done(RunStatus.SUCCEEDED, None)  # so the socket ends either way
        frames = []
        while not frames or not frames[-1].startswith("!"):
            frames.append(socket.receive_text())
    assert frames[-1] == "!forbidden"
    assert not any(CANARY in frame for frame in frames)


def test_the_sse_stream_stops_when_the_viewer_is_demoted(client, world: World) -> None:
    thread_id, run_id = _ask(world)
    publisher = stream.Publisher(run_id)
    publisher.delta("Tiles arrive Thursday. ")
    seen: list[dict] = []
    url = f"/api/agent/threads/{thread_id}/stream"
    with client.stream("GET", url, headers=world.auth("team")) as response:
        for line in response.iter_lines():
            if not line.startswith("data: "):
                continue
            seen.append(json.loads(line[6:]))
            if len(seen) == 1:
                _demote(world)
                publisher.delta(f"Margin {CANARY}. ")
                publisher.done(RunStatus.SUCCEEDED, None)
            if "status" in seen[-1]:
                break
    assert seen[-1]["status"] == "forbidden"
    assert not any(CANARY in str(event) for event in seen)


def test_a_stored_answer_hides_lines_citing_what_the_reader_no_longer_sees(world: World) -> None:
    thread_id, run_id = _ask(world)
    internal, public = world.tasks["p1_internal"], world.tasks["p1"]
    answer = f"Tiling is on track [T-{public}].\nMargin is thin, see [T-{internal}] {CANARY}.\nDone."
    refs = [f"T-{public}", f"T-{internal}"]
    with session_scope() as s:
        s.add(
            AgentMessage(
                thread_id=thread_id,
                role="assistant",
                content=answer,
                meta={"run_id": run_id, "refs": refs, "links": {r: f"/x/{r}" for r in refs}},
            )
        )
        run = s.get(AgentRun, run_id)
        assert run is not None
        run.status = RunStatus.SUCCEEDED
        s.add(run)
    with session_scope() as s:
        before = threads.thread_messages(s, world.actors["team"], thread_id)[-1]
    assert CANARY in before.content
    assert f"T-{internal}" in before.refs
    _demote(world)
    with session_scope() as s:
        demoted = world.actors["team"]
        after = threads.thread_messages(s, demoted, thread_id)[-1]
    assert CANARY not in after.content
    assert f"T-{public}" in after.content
    assert "Done." in after.content
    assert after.refs == [f"T-{public}"]
    assert list(after.links) == [f"T-{public}"]
