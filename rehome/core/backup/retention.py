"""Which backups to keep: the newest of each of the last 7 days, 4 ISO weeks
and 6 months that have a backup (grandfather-father-son, as restic's
`--keep-daily 7 --keep-weekly 4 --keep-monthly 6`).

Counting periods that *have* a backup, rather than calendar periods back from
today, means a stopped schedule never ages its last good backups away: after
a month without backups the newest seven are all still there.

Names carry their UTC time, so the store's own listing is the catalogue and
no database row is needed (the database is what is being backed up).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

PREFIX = "backups/"
SUFFIX = ".rhbk"
_NAME = re.compile(r"^backups/rehome-(\d{8}T\d{6}Z)\.rhbk$")


@dataclass(frozen=True, slots=True)
class Policy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 6


def backup_key(at: datetime) -> str:
    return f"{PREFIX}rehome-{at.astimezone(UTC):%Y%m%dT%H%M%SZ}{SUFFIX}"


def parse_key(key: str) -> datetime | None:
    """The time a backup was made, or None for a key that is not one of ours (never deleted)."""
    found = _NAME.match(key)
    if not found:
        return None
    return datetime.strptime(found.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _newest_per_period(
    stamps: list[datetime], period: Callable[[datetime], Hashable], count: int
) -> set[datetime]:
    kept: set[datetime] = set()
    seen: set[Hashable] = set()
    for stamp in stamps:  # newest first
        if len(seen) >= count:
            break
        bucket = period(stamp)
        if bucket not in seen:
            seen.add(bucket)
            kept.add(stamp)
    return kept


def to_keep(stamps: Iterable[datetime], policy: Policy = Policy()) -> set[datetime]:
    """The backups the policy keeps; every other one may be deleted."""
    newest_first = sorted(set(stamps), reverse=True)
    return (
        _newest_per_period(newest_first, lambda s: s.date(), policy.daily)
        | _newest_per_period(newest_first, lambda s: s.isocalendar()[:2], policy.weekly)
        | _newest_per_period(newest_first, lambda s: (s.year, s.month), policy.monthly)
    )


def split(keys: Iterable[str], policy: Policy = Policy()) -> tuple[list[str], list[str]]:
    """(kept, to delete) among stored keys; keys that are not backups are in neither."""
    stamped = {key: at for key in keys if (at := parse_key(key)) is not None}
    keep = to_keep(stamped.values(), policy)
    kept = sorted(k for k, at in stamped.items() if at in keep)
    return kept, sorted(k for k, at in stamped.items() if at not in keep)
