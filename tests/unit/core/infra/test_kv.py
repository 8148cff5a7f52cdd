"""The typed views of the Redis clients (core/infra/kv.py) name real commands.

`get_redis()` is cast to the `SyncRedis` protocol, so mypy trusts it; this
checks the trust: every command the protocols declare exists on redis-py's
clients and accepts the parameters the protocol lets callers pass by name.
"""

from __future__ import annotations

import inspect

import pytest
import redis
import redis.asyncio as aioredis
from redis.client import Pipeline

from rehome.core.infra import kv


def _declared(protocol: type) -> list[str]:
    return [name for name, value in vars(protocol).items() if callable(value) and not name.startswith("_")]


@pytest.mark.parametrize(
    ("protocol", "real"),
    [(kv.SyncRedis, redis.Redis), (kv.SyncPipeline, Pipeline), (kv.AsyncRedis, aioredis.Redis)],
)
def test_protocol_commands_exist_with_their_parameters(protocol: type, real: type) -> None:
    names = _declared(protocol)
    assert names, f"{protocol.__name__} declares no command"
    for name in names:
        assert hasattr(real, name), f"{real.__name__} has no {name}"
        wanted = inspect.signature(getattr(protocol, name)).parameters
        actual = inspect.signature(getattr(real, name)).parameters
        takes_varargs = any(p.kind is p.VAR_POSITIONAL for p in actual.values())
        for param in wanted.values():
            if param.kind is param.VAR_POSITIONAL:
                assert takes_varargs, f"{real.__name__}.{name} takes no *{param.name}"
            else:
                assert param.name in actual, f"{real.__name__}.{name} has no parameter {param.name}"


def test_clients_are_the_real_ones() -> None:
    """The cast hides nothing at run time: both are redis-py clients (or fakeredis's)."""
    assert isinstance(kv.get_redis(), redis.Redis)
    assert isinstance(kv.get_async_redis(), aioredis.Redis)
