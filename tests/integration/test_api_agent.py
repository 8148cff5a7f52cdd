"""The assistant over the REST API: threads by role, questions, the SSE stream
with Last-Event-ID resume, cancel, limits, the cost ledger, stored digests."""

from __future__ import annotations

import json

import pytest

from rehome.core.agent import stream
from rehome.core.infra import jobs
from rehome.core.infra.db import session_scope
from rehome.core.infra.kv import get_redis
from rehome.core.models import ProjectSummary
from tests.support import apply_env
from tests.world import World, build_world


@pytest.fixture
def world(any_db: str) -> World:
    return build_world()


@pytest.fixture
def held_jobs():
    """Queue runs without running them: the test plays the worker."""
    queued: list[int] = []
    jobs.set_dispatcher(lambda name, kwargs: queued.append(kwargs["run_id"]))
    yield queued
    jobs.set_dispatcher(None)


def _thread(client, world: World, role: str = "team", **body) -> dict:
    response = client.post(
        f"/api/projects/{world.projects['p1']}/agent/threads", json=body, headers=world.auth(role)
    )
    assert response.status_code == 201, response.text
    return response.json()


def _events(
    client, world: World, thread_id: int, last_event_id: str | None = None
) -> list[tuple[str, str, dict]]:
    headers = {**world.auth("team"), **({"Last-Event-ID": last_event_id} if last_event_id else {})}
    out = []
    with client.stream("GET", f"/api/agent/threads/{thread_id}/stream", headers=headers) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        event_id, kind = "", ""
        for line in response.iter_lines():
            if line.startswith("id: "):
                event_id = line[4:]
            elif line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                out.append((kind, event_id, json.loads(line[6:])))
                event_id = ""
    return out


def test_threads_are_private_to_their_creator(client, world: World) -> None:
    thread = _thread(client, world, title="Tiles")
    pid = world.projects["p1"]
    assert client.get(f"/api/agent/threads/{thread['id']}", headers=world.auth("team")).status_code == 200
    assert client.get(f"/api/agent/threads/{thread['id']}", headers=world.auth("client")).status_code == 404
    assert client.get(f"/api/agent/threads/{thread['id']}", headers=world.auth("admin_b")).status_code == 404
    assert client.get(f"/api/agent/threads/{thread['id']}", headers=world.auth("admin")).status_code == 200
    ask = client.post(
        f"/api/agent/threads/{thread['id']}/messages", json={"content": "hi"}, headers=world.auth("admin")
    )
    assert ask.status_code == 404  # admins may read a thread, only its creator asks in it
    listed = client.get(f"/api/projects/{pid}/agent/threads", headers=world.auth("client")).json()
    assert listed == []
    assert (
        client.post(
            f"/api/projects/{world.projects['p2']}/agent/threads", json={}, headers=world.auth("client")
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/projects/{pid}/agent/threads", json={"audience": "admin"}, headers=world.auth("team")
        ).status_code
        == 403
    )


def test_ask_queues_a_run_and_the_stream_delivers_it_in_order(client, world: World, held_jobs) -> None:
    thread = _thread(client, world)
    response = client.post(
        f"/api/agent/threads/{thread['id']}/messages",
        json={"content": "What is blocked?"},
        headers=world.auth("team"),
    )
    assert response.status_code == 202, response.text
    run_id = response.json()["run"]["id"]
    assert held_jobs == [run_id]
    assert response.json()["run"]["estimate_cents"] >= 0
    publisher = stream.Publisher(run_id)
    for piece in ("Two ", "tasks ", "are ", "blocked."):
        publisher.delta(piece)
    publisher.done("succeeded", 5)
    events = _events(client, world, thread["id"])
    deltas = [e for e in events if e[0] == "delta"]
    assert "".join(d[2]["text"] for d in deltas) == "Two tasks are blocked."
    assert [d[1] for d in deltas] == [f"{run_id}:{i}" for i in range(1, 5)]
    assert events[-1][0] == "done"
    assert events[-1][2] == {"run_id": run_id, "status": "succeeded", "message_id": 5}
    resumed = _events(client, world, thread["id"], last_event_id=f"{run_id}:2")
    assert "".join(e[2]["text"] for e in resumed if e[0] == "delta") == "are blocked."


def test_a_resume_from_before_the_kept_stream_gets_a_snapshot(
    client, world: World, held_jobs, monkeypatch
) -> None:
    monkeypatch.setattr(stream, "SNAPSHOT_EVERY", 0.0)
    thread = _thread(client, world)
    run_id = client.post(
        f"/api/agent/threads/{thread['id']}/messages", json={"content": "Go"}, headers=world.auth("team")
    ).json()["run"]["id"]
    publisher = stream.Publisher(run_id)
    for i in range(30):
        publisher.delta(f"{i} ")
    get_redis().xtrim(f"run:{run_id}:stream", maxlen=3, approximate=False)  # long runs keep only the tail
    publisher.done("succeeded", None)
    events = _events(client, world, thread["id"], last_event_id=f"{run_id}:1")
    assert events[0][0] == "snapshot"
    text = events[0][2]["text"] + "".join(e[2]["text"] for e in events if e[0] == "delta")
    assert text == "".join(f"{i} " for i in range(30))


def test_cancel_a_queued_run(client, world: World, held_jobs) -> None:
    thread = _thread(client, world)
    run_id = client.post(
        f"/api/agent/threads/{thread['id']}/messages", json={"content": "Go"}, headers=world.auth("team")
    ).json()["run"]["id"]
    assert client.post(f"/api/agent/runs/{run_id}/cancel", headers=world.auth("client")).status_code == 404
    cancelled = client.post(f"/api/agent/runs/{run_id}/cancel", headers=world.auth("team"))
    assert cancelled.status_code == 202
    assert cancelled.json()["status"] == "cancelled"
    assert stream.is_done(run_id)


def test_the_sixth_question_in_a_minute_is_refused_with_a_retry_time(client, world: World, held_jobs) -> None:
    thread = _thread(client, world)
    statuses = [
        client.post(
            f"/api/agent/threads/{thread['id']}/messages",
            json={"content": f"q{i}"},
            headers=world.auth("team"),
        ).status_code
        for i in range(6)
    ]
    assert statuses == [202] * 5 + [429]
    refused = client.post(
        f"/api/agent/threads/{thread['id']}/messages", json={"content": "q"}, headers=world.auth("team")
    )
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0


def test_an_exhausted_budget_blocks_new_questions_clearly(client, world: World, held_jobs) -> None:
    apply_env(AI_BUDGET_USER_DAY_CENTS="0")
    thread = _thread(client, world)
    refused = client.post(
        f"/api/agent/threads/{thread['id']}/messages", json={"content": "q"}, headers=world.auth("team")
    )
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "budget_exhausted"
    assert "budget" in refused.json()["error"]["message"]


def test_cost_ledger_is_for_admins_of_the_workspace(client, world: World, held_jobs) -> None:
    thread = _thread(client, world)
    client.post(
        f"/api/agent/threads/{thread['id']}/messages", json={"content": "q"}, headers=world.auth("team")
    )
    assert client.get("/api/agent/runs", headers=world.auth("team")).status_code == 403
    assert len(client.get("/api/agent/runs", headers=world.auth("admin")).json()["items"]) == 1
    assert client.get("/api/agent/runs", headers=world.auth("admin_b")).json()["items"] == []


def test_stored_digests_are_served_by_scope(client, world: World) -> None:
    with session_scope() as s:
        ws = world.actors["admin"].workspace_id
        s.add_all(
            [
                ProjectSummary(
                    workspace_id=ws,
                    project_id=world.projects["p1"],
                    type="daily",
                    audience="staff",
                    content="Team digest with internal detail",
                ),
                ProjectSummary(
                    workspace_id=ws,
                    project_id=world.projects["p1"],
                    type="daily",
                    audience="client",
                    content="Client digest",
                ),
                ProjectSummary(
                    workspace_id=ws, project_id=None, type="weekly", audience="admin", content="Rollup"
                ),
            ]
        )
    pid = world.projects["p1"]
    team = client.get(f"/api/projects/{pid}/summaries", headers=world.auth("team")).json()["items"]
    mine = client.get(f"/api/projects/{pid}/summaries", headers=world.auth("client")).json()["items"]
    assert {s["content"] for s in team} == {"Team digest with internal detail", "Client digest"}
    assert [s["content"] for s in mine] == ["Client digest"]
    ws = world.actors["admin"].workspace_id
    assert (
        client.get(f"/api/workspaces/{ws}/summaries", headers=world.auth("admin")).json()["items"][0][
            "content"
        ]
        == "Rollup"
    )
    assert client.get(f"/api/workspaces/{ws}/summaries", headers=world.auth("team")).status_code == 403
    assert client.get(f"/api/workspaces/{ws}/summaries", headers=world.auth("admin_b")).status_code == 404
