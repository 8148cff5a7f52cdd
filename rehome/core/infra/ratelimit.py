"""Fixed-window rate limits in Redis, checked and counted atomically.

One Lua call checks every window a request counts against (say 5 a minute
per user, 50 a day per user, 500 a day per workspace) and only then counts it
in all of them, so concurrent requests can never slip past a limit. Guesses
(passwords) reserve their slot the same way before the guess is checked, and a
right guess gives its slot back.
Subjects are user, account or workspace ids, never a client-supplied IP.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rehome.core.infra.errors import RateLimited
from rehome.core.infra.kv import get_redis

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
    blocked = int(get_redis().eval(_HIT, len(keys), *keys, *args))
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
    get_redis().eval(_RELEASE, 1, reservation.key)
