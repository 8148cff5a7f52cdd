"""Fixed-window limits: atomic across several windows at once (F-34)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from rehome.core.infra import ratelimit
from rehome.core.infra.errors import RateLimited


def test_limit_counts_all_windows_or_none() -> None:
    minute = ratelimit.Limit("t-min", 5, 60)
    day = ratelimit.Limit("t-day", 6, 86400)
    for _ in range(5):
        ratelimit.hit([(minute, "u1"), (day, "u1")])
    with pytest.raises(RateLimited) as caught:
        ratelimit.hit([(minute, "u1"), (day, "u1")])
    assert 0 < caught.value.retry_after <= 61
    ratelimit.hit([(day, "u1")])  # the refused hit was not counted in the day window
    with pytest.raises(RateLimited):
        ratelimit.hit([(day, "u1")])


def test_concurrent_hits_never_pass_the_limit() -> None:
    limit = ratelimit.Limit("t-burst", 5, 60)

    def attempt(_: int) -> bool:
        try:
            ratelimit.hit([(limit, "u2")])
        except RateLimited:
            return False
        return True

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    assert sum(results) == 5


def test_reserve_then_release_gives_back_exactly_one_slot() -> None:
    limit = ratelimit.Limit("t-guess", 2, 60)
    first = ratelimit.reserve(limit, "acct")
    ratelimit.reserve(limit, "acct")
    with pytest.raises(RateLimited):
        ratelimit.reserve(limit, "acct")
    ratelimit.release(first)
    ratelimit.reserve(limit, "acct")
    with pytest.raises(RateLimited):
        ratelimit.reserve(limit, "acct")


def test_release_never_goes_below_zero() -> None:
    limit = ratelimit.Limit("t-floor", 1, 60)
    slot = ratelimit.reserve(limit, "acct")
    ratelimit.release(slot)
    ratelimit.release(slot)
    ratelimit.reserve(limit, "acct")
    with pytest.raises(RateLimited):
        ratelimit.reserve(limit, "acct")
