"""The Redis client: the real server when `REDIS_URL` is set, otherwise an
in-process Redis (fakeredis) so the embedded default needs no service.

Rate limits, locks, circuit breakers, presence and token streams all use
these clients, so both modes run the very same commands.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Protocol, Self, TypeVar, cast

import fakeredis
import redis
import redis.asyncio as aioredis
from fakeredis import aioredis as fake_aioredis

from rehome.settings import get_settings

T = TypeVar("T")
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
    def eval(self, script: str, numkeys: int, *keys_and_args: Value) -> Self: ...
    def exists(self, *names: str) -> Self: ...
    def execute(self) -> list[Any]: ...


class SyncRedis(Protocol):
    """The synchronous commands the app uses, with the types they return here.

    redis-py types every command as `Awaitable[T] | T` (one class serves both
    clients); with `decode_responses=True` a sync client returns `T` with str
    values, which is what this says. A command not listed is added here."""

    def ping(self) -> bool: ...
    def get(self, name: str) -> str | None: ...
    def mget(self, keys: list[str]) -> list[str | None]: ...
    def set(
        self, name: str, value: Value, *, ex: int | None = ..., px: int | None = ..., nx: bool = ...
    ) -> bool | None: ...
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
    def evalsha(self, sha: str, numkeys: int, *keys_and_args: Value) -> Any: ...
    def pipeline(self, transaction: bool = ...) -> SyncPipeline: ...
    def pexpire(self, name: str, time: int) -> bool: ...
    def xadd(self, name: str, fields: Mapping[str, Value]) -> str: ...
    def client_list(self) -> list[dict[str, Any]]: ...
    def info(self, section: str | None = ...) -> dict[str, Any]: ...


class AsyncRedis(Protocol):
    """The asyncio commands the app uses (stream reads), typed as above."""

    async def xread(
        self, streams: Mapping[str, str], count: int | None = ..., block: int | None = ...
    ) -> list[tuple[str, list[StreamEntry]]] | None: ...
    async def client_id(self) -> int: ...
    async def client_unblock(self, client_id: int, error: bool = ...) -> bool: ...
    async def aclose(self) -> None: ...


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


# Every client fails fast while Redis is unreachable (callers decide: buffer,
# fall back or answer 503) and never grows past REDIS_MAX_CONNECTIONS: a caller
# waits up to POOL_WAIT seconds for a free connection instead of opening one
# more (issue 9: 2,064 connections over 500 tabs).
CONNECT_TIMEOUT = 2.0
SOCKET_TIMEOUT = 5.0
POOL_WAIT = 5.0


def _pool_options() -> dict[str, Any]:
    return {
        "decode_responses": True,
        "max_connections": get_settings().redis_max_connections,
        "timeout": POOL_WAIT,
        "socket_connect_timeout": CONNECT_TIMEOUT,
        "socket_timeout": SOCKET_TIMEOUT,
        "health_check_interval": 30,
    }


@lru_cache(maxsize=1)
def get_redis() -> SyncRedis:
    url = get_settings().redis_url
    if url:
        client: Any = redis.Redis(
            connection_pool=redis.BlockingConnectionPool.from_url(url, **_pool_options())
        )
    else:
        client = fakeredis.FakeRedis(server=_fake_server(), decode_responses=True)
    return cast(SyncRedis, client)


@lru_cache(maxsize=1)
def get_async_redis() -> AsyncRedis:
    """Short commands only: blocking reads go through `streamhub`, which holds
    one connection per process for all of them."""
    url = get_settings().redis_url
    if url:
        pool = aioredis.BlockingConnectionPool.from_url(url, **_pool_options())
        client: Any = aioredis.Redis(connection_pool=pool)
    else:
        client = fake_aioredis.FakeRedis(server=_fake_server(), decode_responses=True)
    return cast(AsyncRedis, client)


def new_async_connection() -> AsyncRedis:
    """A dedicated connection (no read timeout) for one long blocking reader."""
    client = aioredis.Redis.from_url(
        get_settings().redis_url,
        decode_responses=True,
        single_connection_client=True,
        socket_connect_timeout=CONNECT_TIMEOUT,
        health_check_interval=30,
    )
    return cast(AsyncRedis, client)


def redis_errors() -> tuple[type[BaseException], ...]:
    """What an unreachable Redis raises (also a pool that waited in vain)."""
    return (redis.ConnectionError, redis.TimeoutError, ConnectionError, TimeoutError, OSError)


def redis_mode() -> str:
    return "redis" if get_settings().redis_url else "in-process"


def reset_clients() -> None:
    """Forget cached clients (tests point REDIS_URL somewhere else)."""
    get_redis.cache_clear()
    get_async_redis.cache_clear()
    global _server
    with _server_lock:
        _server = None


def retry_redis(action: Callable[[], T], timeout: float) -> T:
    """Keep trying `action` while Redis is unreachable, up to `timeout` seconds
    (for work that must happen once Redis is back: settling a budget, ending
    a stream); then the last error is raised."""
    until = time.monotonic() + timeout
    while True:
        try:
            return action()
        except redis_errors():
            if time.monotonic() >= until:
                raise
            time.sleep(0.5)
