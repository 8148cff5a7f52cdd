"""A circuit breaker per provider, shared by every worker through Redis (F-34).

After `FAILURES` consecutive failures the circuit opens and calls skip the
provider for `COOL_DOWN` seconds; then one trial call goes through (half-open):
its success closes the circuit, its failure opens it again.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from rehome.core.infra import metrics
from rehome.core.infra.kv import get_redis, redis_errors

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

FAILURES = 3
COOL_DOWN = 30  # seconds


def _now() -> float:
    return time.time()


def _fail_open(default: Any) -> Callable[[F], F]:
    """Without Redis the breaker cannot share state: let calls through (the
    runner's own deadlines still bound them) rather than fail every run."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except redis_errors():
                log.warning("circuit breaker skipped: Redis unreachable", extra={"breaker": func.__name__})
                return default

        return inner  # type: ignore[return-value]

    return wrap


def _key(name: str) -> str:
    return f"cb:{name}"


def state(name: str) -> str:
    opened_until = float(get_redis().hget(_key(name), "opened_until") or 0)
    if not opened_until:
        return "closed"
    return "open" if _now() < opened_until else "half_open"


@_fail_open(True)
def allow(name: str) -> bool:
    """Whether a call may go to `name` now (in half-open state, only one may)."""
    current = state(name)
    if current == "closed":
        return True
    if current == "open":
        return False
    return bool(get_redis().set(f"{_key(name)}:trial", 1, nx=True, ex=COOL_DOWN))


@_fail_open(None)
def succeeded(name: str) -> None:
    get_redis().delete(_key(name), f"{_key(name)}:trial")


@_fail_open(None)
def failed(name: str) -> None:
    redis = get_redis()
    failures = int(redis.hincrby(_key(name), "failures", 1))
    if failures >= FAILURES or state(name) == "half_open":
        pipe = redis.pipeline()
        pipe.hset(_key(name), "opened_until", _now() + COOL_DOWN)
        pipe.delete(f"{_key(name)}:trial")
        pipe.expire(_key(name), COOL_DOWN * 10)
        pipe.execute()
        metrics.breaker_opened(name)
