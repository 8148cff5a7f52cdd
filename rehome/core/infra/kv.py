"""The Redis client: the real server when `REDIS_URL` is set, otherwise an
in-process Redis (fakeredis) so the embedded default needs no service.

Rate limits, locks, circuit breakers, presence and token streams all use
these clients, so both modes run the very same commands.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

import fakeredis
import redis
import redis.asyncio as aioredis
from fakeredis import aioredis as fake_aioredis

from rehome.settings import get_settings

T = TypeVar("T")
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


def _pool_options() -> dict[str, object]:
    return {
        "decode_responses": True,
        "max_connections": get_settings().redis_max_connections,
        "timeout": POOL_WAIT,
        "socket_connect_timeout": CONNECT_TIMEOUT,
        "socket_timeout": SOCKET_TIMEOUT,
        "health_check_interval": 30,
    }


@lru_cache(maxsize=1)
def get_redis() -> redis.Redis:
    url = get_settings().redis_url
    if url:
        return redis.Redis(connection_pool=redis.BlockingConnectionPool.from_url(url, **_pool_options()))
    return fakeredis.FakeRedis(server=_fake_server(), decode_responses=True)


@lru_cache(maxsize=1)
def get_async_redis() -> aioredis.Redis:
    """Short commands only: blocking reads go through `streamhub`, which holds
    one connection per process for all of them."""
    url = get_settings().redis_url
    if url:
        pool = aioredis.BlockingConnectionPool.from_url(url, **_pool_options())
        return aioredis.Redis(connection_pool=pool)
    return fake_aioredis.FakeRedis(server=_fake_server(), decode_responses=True)


def new_async_connection() -> aioredis.Redis:
    """A dedicated connection (no read timeout) for one long blocking reader."""
    return aioredis.Redis.from_url(
        get_settings().redis_url,
        decode_responses=True,
        single_connection_client=True,
        socket_connect_timeout=CONNECT_TIMEOUT,
        health_check_interval=30,
    )


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
