"""A Redis outage must not end the worker (issue 9).

When the broker connection drops, Celery closes the channel, and kombu's
Redis transport then tries to put this worker's unacknowledged messages
back on the queue, and a task that finishes later acknowledges its message
on that closed channel. With the connection gone its connection info is
already `None`, so both raise `AttributeError` (kombu 5.7), which Celery
treats as unrecoverable and the worker exits: 2 of 2 outages in the issue.
Here such a restore or acknowledgement is logged and skipped: the messages stay in kombu's unacked
set, which the broker restores after `visibility_timeout`, and the runs they
stand for are recovered sooner by their lease and the sweeper. Celery then
reconnects (forever, see `broker_connection_max_retries`).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import redis
from kombu.transport import redis as kombu_redis

log = logging.getLogger(__name__)


def install() -> None:
    for name in ("restore_unacked", "ack", "reject"):
        _guard(name)


def _guard(name: str) -> None:
    original = getattr(kombu_redis.QoS, name)
    if getattr(original, "_rehome", False):
        return

    @functools.wraps(original)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(self, *args, **kwargs)
        except (AttributeError, OSError, redis.RedisError) as error:
            log.warning(
                "broker bookkeeping skipped on a closed channel",
                extra={"call": name, "error": f"{type(error).__name__}: {error}"[:200]},
            )
            if name == "restore_unacked":
                self._delivered.clear()
            return None

    guarded._rehome = True  # type: ignore[attr-defined]
    setattr(kombu_redis.QoS, name, guarded)
