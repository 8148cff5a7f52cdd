"""Redis unreachable (issue 9): sign-in, reads and writes keep working, the
login lockout still holds (counted in memory), what truly needs Redis (the
assistant) answers 503 with Retry-After, never 500; the token stream keeps
deltas through an outage and sends them once Redis is back; the process
holds one blocking Redis connection however many viewers wait."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis as redis_lib

from rehome.core.agent import stream
from rehome.core.infra import ratelimit, streamhub
from rehome.core.infra.kv import get_redis
from tests.e2e.appserver import free_port
from tests.support import apply_env
from tests.world import PASSWORD, World, build_world

pytestmark = pytest.mark.integration
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def world(pg_db: str) -> World:
    return build_world(with_passwords=True)


@pytest.fixture
def own_redis() -> Iterator[tuple[int, subprocess.Popen]]:
    """A Redis server of this test's own, to stop and start."""
    port = free_port()
    proc = _start(port)
    yield port, proc
    with contextlib.suppress(Exception):
        proc.kill()
        proc.wait(5)


def _start(port: int) -> subprocess.Popen:
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        with contextlib.suppress(redis_lib.ConnectionError):
            if redis_lib.Redis(port=port).ping():
                return proc
        time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


def _token(client) -> dict[str, str]:
    response = client.post("/api/login", json={"email": "team@example.com", "password": PASSWORD})
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_without_redis_reads_writes_and_sign_in_work_and_the_assistant_answers_503(client, world) -> None:
    apply_env(REDIS_URL=DEAD_REDIS)
    headers = _token(client)  # sign-in: no Redis needed
    project = world.projects["p1"]
    assert client.get(f"/api/projects/{project}/tasks", headers=headers).status_code == 200
    created = client.post(f"/api/projects/{project}/tasks", headers=headers, json={"title": "Kept"})
    assert created.status_code == 201  # the write is stored; only its live event is lost
    task = client.get(f"/api/tasks/{created.json()['id']}", headers=headers)
    assert task.json()["title"] == "Kept"
    thread = client.post(f"/api/projects/{project}/agent/threads", headers=headers, json={})
    ask = client.post(
        f"/api/agent/threads/{thread.json()['id']}/messages", headers=headers, json={"content": "Hi"}
    )
    assert ask.status_code == 503
    assert ask.headers["retry-after"] == "5"
    assert ask.json()["error"]["code"] == "unavailable"
    health = client.get("/health")  # degraded, not down: the platform must not restart the web
    assert (health.status_code, health.json()["status"]) == (200, "degraded")


def test_without_redis_the_login_lockout_still_holds(client, world, monkeypatch) -> None:
    apply_env(REDIS_URL=DEAD_REDIS, LOGIN_MAX_FAILURES="3")
    monkeypatch.setattr(ratelimit, "_local", ratelimit._LocalWindows())
    for _ in range(3):
        wrong = client.post("/api/login", json={"email": "team@example.com", "password": "wrong-password"})
        assert wrong.status_code == 401
    locked = client.post("/api/login", json={"email": "team@example.com", "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0


def test_deltas_wait_through_an_outage_and_go_out_once(own_redis) -> None:
    port, proc = own_redis
    apply_env(REDIS_URL=f"redis://127.0.0.1:{port}/0")
    publisher = stream.Publisher(7)
    publisher.delta("before ")
    proc.kill()
    proc.wait(5)
    publisher.delta("during ")
    publisher.delta("the outage ")
    assert len(publisher.pending) == 2
    restarted = _start(port)  # back, and empty
    try:
        publisher.delta("after")
        assert publisher.pending == []
        assert stream.published(7) == (4, "before during the outage after")
        assert publisher.done("succeeded", None)
        seqs = [int(f["s"]) for _, f in get_redis().xrange("run:7:stream")]
        assert seqs == [2, 3, 4, 5]  # numbering continued, nothing repeated
    finally:
        restarted.kill()
        restarted.wait(5)


async def test_many_waiting_viewers_share_one_blocking_connection(own_redis) -> None:
    """200 viewers waiting: the connections are the hub's one plus a bounded pool."""
    port, _ = own_redis
    apply_env(REDIS_URL=f"redis://127.0.0.1:{port}/0", REDIS_MAX_CONNECTIONS="4")
    keys = {f"hubtest:{i}": "0-0" for i in range(200)}
    baseline = len(get_redis().client_list())
    waits = [asyncio.create_task(streamhub.xread({key: "0-0"}, 3000, 10)) for key in keys]
    await asyncio.sleep(0.5)
    during = len(get_redis().client_list())
    get_redis().xadd("hubtest:7", {"t": "x"})
    started = time.monotonic()
    answers = await asyncio.wait_for(waits[7], 2)
    assert answers[0][0] == "hubtest:7"
    assert time.monotonic() - started < 0.5
    for task in waits:
        task.cancel()
    await asyncio.gather(*waits, return_exceptions=True)
    assert during - baseline <= 1 + 4  # the hub's one connection and the async pool's 4, not 200
