"""Fixed-window rate limits in Redis, checked and counted atomically.

One Lua call checks every window a request counts against (say 5 a minute
per user, 50 a day per user, 500 a day per workspace) and only then counts it
in all of them, so concurrent requests can never slip past a limit. Guesses
(passwords) reserve their slot the same way before the guess is checked, and a
right guess gives its slot back.
Subjects are user, account or workspace ids, never a client-supplied IP.

While Redis is unreachable the same windows are counted in this process's
memory instead (issue 9): reads, writes and sign-in keep working, and no
limit can be bypassed by an outage. With N web processes a window may let
through up to N times its limit during the outage; the login lockout is
still per account and per process, far below what guessing needs.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from redis.exceptions import NoScriptError

from rehome.core.infra.errors import RateLimited
from rehome.core.infra.kv import SyncRedis, get_redis, redis_errors

log = logging.getLogger(__name__)

_HIT = """
local cost = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local current = tonumber(redis.call('GET', key) or '0')
  if current + cost > limit then
    return i
  end
end
for i, key in ipairs(KEYS) do
  if redis.call('INCRBY', key, cost) == cost then
    redis.call('PEXPIRE', key, ARGV[2 * i + 1])
  end
end
return 0
"""

_RELEASE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
"""


_HIT_SHA = hashlib.sha1(_HIT.encode()).hexdigest()  # noqa: S324 (Redis names scripts by SHA-1)


def _run_hit(client: SyncRedis, keys: list[str], args: list[int]) -> Any:
    """The script by its SHA (EVALSHA): every API call counts against a limit,
    and sending the script's text each time costs bytes and a hash in Redis.
    When Redis does not know it (restarted), EVAL runs and stores it."""
    try:
        return client.evalsha(_HIT_SHA, len(keys), *keys, *args)
    except NoScriptError:
        return client.eval(_HIT, len(keys), *keys, *args)


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    limit: int
    window: int  # seconds

    def key(self, subject: str | int, now: float) -> str:
        return f"rl:{self.name}:{subject}:{int(now // self.window)}"

    def retry_after(self, now: float) -> int:
        return int(self.window - now % self.window) + 1


def hit(checks: list[tuple[Limit, str | int]], cost: int = 1, now: float | None = None) -> None:
    """Count one request against every (limit, subject), or raise `RateLimited`."""
    now = time.time() if now is None else now
    keys = [limit.key(subject, now) for limit, subject in checks]
    args: list[int] = [cost]
    for limit, _ in checks:
        args += [limit.limit, (limit.window + 5) * 1000]
    try:
        blocked = int(_run_hit(get_redis(), keys, args))
    except redis_errors():
        _outage()
        blocked = _local.hit(keys, [(limit.limit, limit.window + 5) for limit, _ in checks], cost)
    if blocked:
        limit = checks[blocked - 1][0]
        raise RateLimited(limit.retry_after(now))


@dataclass(frozen=True, slots=True)
class Reservation:
    """One slot taken in one window; `release` gives back exactly this slot."""

    key: str


def reserve(limit: Limit, subject: str | int) -> Reservation:
    """Take a slot before the work it guards (say, a password check), or raise
    `RateLimited`. Taking it first is what makes the limit hold: checking the
    count and counting afterwards lets every concurrent caller past the check."""
    now = time.time()
    hit([(limit, subject)], now=now)
    return Reservation(limit.key(subject, now))


def release(reservation: Reservation) -> None:
    """Give a slot back (the guarded work succeeded); never below zero."""
    try:
        get_redis().eval(_RELEASE, 1, reservation.key)
    except redis_errors():
        _outage()
        _local.release(reservation.key)


class _LocalWindows:
    """The same fixed windows in this process's memory (Redis unreachable)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def hit(self, keys: list[str], limits: list[tuple[int, int]], cost: int) -> int:
        now = time.monotonic()
        with self._lock:
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            current = [self._counts.get(k, (0, 0.0)) for k in keys]
            current = [(c, e) if e > now else (0, 0.0) for c, e in current]
            for index, ((count, _), (limit, _)) in enumerate(zip(current, limits, strict=True)):
                if count + cost > limit:
                    return index + 1
            for key, (count, expires), (_, window) in zip(keys, current, limits, strict=True):
                self._counts[key] = (count + cost, expires or now + window)
            return 0

    def release(self, key: str) -> None:
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            if count > 0:
                self._counts[key] = (count - 1, expires)


_local = _LocalWindows()
_last_warning = 0.0


def _outage() -> None:
    """One log line per ten seconds of outage, not one per request."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 10:
        _last_warning = now
        log.warning("rate limits counted in memory: Redis unreachable")
