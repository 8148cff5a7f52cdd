"""Periodic jobs: what runs when, said once for Celery beat and for the
embedded default (which has no beat and runs the same table in-process).

Times are minutes of the UTC hour in cron's notation (`*`, `*/5`, `0`), and
for a nightly entry the UTC hour too; the
digest tick runs hourly and decides itself which workspaces have reached
their local morning (`core.digests.schedule`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from rehome.core.infra import jobs
from rehome.core.infra.clock import utcnow
from rehome.core.infra.kv import get_redis

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Periodic:
    name: str
    job: str  # a name in `jobs.JOBS`, run with no arguments
    minute: str  # cron minute field: "*", "*/n" or a number
    hour: str = "*"  # cron hour field (UTC): "*" or a number


PERIODIC: tuple[Periodic, ...] = (
    Periodic("digests-hourly-tick", "digests.tick", "0"),
    Periodic("mention-mail-sweep", "mail.mention_sweep", "*"),
    Periodic("nightly-backup", "backup.nightly", "17", hour="3"),
)


def due(entry: Periodic, now: datetime) -> bool:
    """Whether `entry` runs in the minute `now` falls in."""
    if entry.hour != "*" and now.hour != int(entry.hour):
        return False
    if entry.minute == "*":
        return True
    if entry.minute.startswith("*/"):
        return now.minute % int(entry.minute[2:]) == 0
    return now.minute == int(entry.minute)


def run_due(now: datetime) -> list[str]:
    """Queue the entries due this minute, once across processes (a Redis lock per minute)."""
    started = []
    for entry in PERIODIC:
        if not due(entry, now):
            continue
        lock = f"beat:{entry.name}:{now:%Y%m%d%H%M}"
        if get_redis().set(lock, 1, nx=True, ex=120):
            jobs.enqueue(entry.job)
            started.append(entry.job)
    return started


async def embedded_beat() -> None:
    """The embedded default's beat: wake at each minute, queue what is due."""
    while True:
        now = utcnow()
        await asyncio.sleep(60 - now.second - now.microsecond / 1e6 + 0.5)
        try:
            await asyncio.to_thread(run_due, utcnow())
        except Exception:  # a failed tick must not stop the next ones
            log.exception("embedded beat tick failed")
