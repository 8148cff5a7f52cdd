"""The Redis client: the real server when `REDIS_URL` is set, otherwise an
in-process Redis (fakeredis) so the embedded default needs no service.

Rate limits, locks, circuit breakers, presence and token streams all use
these clients, so both modes run the very same commands.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Protocol, Self, cast

import fakeredis
import redis
import redis.asyncio as aioredis
from fakeredis import aioredis as fake_aioredis

from rehome.settings import get_settings

Value = str | int | float | bytes
StreamEntry = tuple[str, dict[str, str]]


class SyncPipeline(Protocol):
    """The commands the app queues on a pipeline (each returns the pipeline)."""

    def xadd(
        self, name: str, fields: Mapping[str, Value], *, maxlen: int | None = ..., approximate: bool = ...
    ) -> Self: ...
    def set(self, name: str, value: Value, *, ex: int | None = ...) -> Self: ...
    def expire(self, name: str, time: int) -> Self: ...
    def delete(self, *names: str) -> Self: ...
    def incr(self, name: str) -> Self: ...
    def incrby(self, name: str, amount: int) -> Self: ...
    def hset(self, name: str, key: str, value: Value) -> Self: ...
    def zadd(self, name: str, mapping: Mapping[str, float]) -> Self: ...
    def zremrangebyscore(self, name: str, min: float | str, max: float | str) -> Self: ...
    def execute(self) -> list[Any]: ...


class SyncRedis(Protocol):
    """The synchronous commands the app uses, with the types they return here.

    redis-py types every command as `Awaitable[T] | T` (one class serves both
    clients); with `decode_responses=True` a sync client returns `T` with str
    values, which is what this says. A command not listed is added here."""

    def ping(self) -> bool: ...
    def get(self, name: str) -> str | None: ...
    def mget(self, keys: list[str]) -> list[str | None]: ...
    def set(self, name: str, value: Value, *, ex: int | None = ..., nx: bool = ...) -> bool | None: ...
    def exists(self, *names: str) -> int: ...
    def delete(self, *names: str) -> int: ...
    def incr(self, name: str) -> int: ...
    def ttl(self, name: str) -> int: ...
    def hget(self, name: str, key: str) -> str | None: ...
    def hincrby(self, name: str, key: str, amount: int = ...) -> int: ...
    def zrem(self, name: str, *values: str) -> int: ...
    def zrangebyscore(self, name: str, min: float | str, max: float | str) -> list[str]: ...
    def xrange(self, name: str, *, count: int | None = ...) -> list[StreamEntry]: ...
    def xrevrange(self, name: str, *, count: int | None = ...) -> list[StreamEntry]: ...
    def eval(self, script: str, numkeys: int, *keys_and_args: Value) -> Any: ...  # what the Lua returns
    def pipeline(self) -> SyncPipeline: ...


class AsyncRedis(Protocol):
    """The asyncio commands the app uses (stream reads), typed as above."""

    async def xread(
        self, streams: Mapping[str, str], count: int | None = ..., block: int | None = ...
    ) -> list[tuple[str, list[StreamEntry]]] | None: ...


_server: fakeredis.FakeServer | None = None
_server_lock = threading.Lock()


def _fake_server() -> fakeredis.FakeServer:
    """The one in-process server. Under a lock: `lru_cache` may run a function
    twice when first calls race, and two servers would split every counter
    (a rate limit then lets through more than its limit)."""
    global _server
    with _server_lock:
        if _server is None:
            _server = fakeredis.FakeServer()
        return _server


@lru_cache(maxsize=1)
def get_redis() -> SyncRedis:
    url = get_settings().redis_url
    if url:
        client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, health_check_interval=30)
    else:
        client = fakeredis.FakeRedis(server=_fake_server(), decode_responses=True)
    return cast(SyncRedis, client)


@lru_cache(maxsize=1)
def get_async_redis() -> AsyncRedis:
    url = get_settings().redis_url
    if url:
        client = aioredis.Redis.from_url(url, decode_responses=True, health_check_interval=30)
    else:
        client = fake_aioredis.FakeRedis(server=_fake_server(), decode_responses=True)
    return cast(AsyncRedis, client)


def redis_mode() -> str:
    return "redis" if get_settings().redis_url else "in-process"


def reset_clients() -> None:
    """Forget cached clients (tests point REDIS_URL somewhere else)."""
    get_redis.cache_clear()
    get_async_redis.cache_clear()
    global _server
    with _server_lock:
        _server = None
