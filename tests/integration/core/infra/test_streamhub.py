"""The process's one blocking stream reader (issue 9) without a round trip
of the viewer's own per frame (issue 13): a viewer that has read everything
the hub has seen waits without reading first, takes what woke it from the
hub's own read, and still misses nothing."""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis as redis_lib

from rehome.core.infra import streamhub
from rehome.core.infra.kv import get_async_redis, get_redis
from tests.e2e.appserver import free_port
from tests.support import apply_env

pytestmark = pytest.mark.integration
ENTRIES = 200


@pytest.fixture
def own_redis() -> Iterator[int]:
    """A Redis server of this test's own: its command counts are this test's alone."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        with contextlib.suppress(redis_lib.ConnectionError):
            redis_lib.Redis(port=port).ping()
            break
        time.sleep(0.1)
    apply_env(REDIS_URL=f"redis://127.0.0.1:{port}/0")
    yield port
    apply_env(REDIS_URL="")
    proc.kill()
    proc.wait(5)


class _Counting:
    """The real async client, counting the viewer's own reads (the hub reads
    on a connection of its own, shared by every viewer of the process)."""

    def __init__(self, client: Any) -> None:
        self.client, self.reads = client, 0

    async def xread(self, *args: Any, **kwargs: Any) -> Any:
        self.reads += 1
        return await self.client.xread(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def _publish(key: str) -> None:
    for index in range(ENTRIES):
        get_redis().xadd(key, {"i": str(index)})
        time.sleep(0.004 if index % 3 else 0.0)  # bursts and pauses


async def test_a_caught_up_viewer_waits_without_reading_and_misses_nothing(
    own_redis: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "hubtest:run"
    counting = _Counting(get_async_redis())
    monkeypatch.setattr(streamhub, "get_async_redis", lambda: counting)
    got: list[int] = []
    calls = 0
    writer = threading.Thread(target=_publish, args=(key,))
    cursor = "0"
    writer.start()
    while len(got) < ENTRIES:
        answer = await streamhub.xread({key: cursor}, 2000, 500)
        calls += 1
        for _, entries in answer:
            for entry_id, fields in entries:
                cursor = str(entry_id)
                got.append(int(fields["i"]))
    writer.join()
    assert got == list(range(ENTRIES))  # in order, none missed, none twice
    # no empty look before each wait, no read after it (before: 265 own reads in 161 calls)
    assert counting.reads <= 10  # woken waiters take the hub's batch: 2 own reads in 199 calls here
