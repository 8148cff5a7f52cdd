"""The Redis client: the real server when `REDIS_URL` is set, otherwise an
in-process Redis (fakeredis) so the embedded default needs no service.

Rate limits, locks, circuit breakers, presence and token streams all use
these clients, so both modes run the very same commands.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import fakeredis
import redis
import redis.asyncio as aioredis
from fakeredis import aioredis as fake_aioredis

from rehome.settings import get_settings

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
def get_redis() -> redis.Redis:
    url = get_settings().redis_url
    if url:
        return redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, health_check_interval=30)
    return fakeredis.FakeRedis(server=_fake_server(), decode_responses=True)


@lru_cache(maxsize=1)
def get_async_redis() -> aioredis.Redis:
    url = get_settings().redis_url
    if url:
        return aioredis.Redis.from_url(url, decode_responses=True, health_check_interval=30)
    return fake_aioredis.FakeRedis(server=_fake_server(), decode_responses=True)


def redis_mode() -> str:
    return "redis" if get_settings().redis_url else "in-process"


def reset_clients() -> None:
    """Forget cached clients (tests point REDIS_URL somewhere else)."""
    get_redis.cache_clear()
    get_async_redis.cache_clear()
    global _server
    with _server_lock:
        _server = None
