"""Who is running an agent run right now: a lease in Redis (issue 9).

A worker holds `run:<id>:lease` (its own random token, `LEASE_TTL` seconds)
while it works on a run. One keeper thread per process renews every lease
the process holds, and reads the runs' stop flags, in one round trip every
`TICK` seconds, so a run that is streaming never touches Redis for either.
A worker that dies stops renewing; its lease lapses within `LEASE_TTL` and
the run can be taken over (a redelivered job, or the sweeper).

The lease decides who may work; the database decides who may finish: every
claim bumps `attempts`, and only the holder of the latest attempt can store
the answer, so even a worker that lost its lease unknowingly stores nothing.

Redis restarted empty: the keeper re-creates the lease it held if no one
else took it meanwhile; if someone did, the handle reports `lost`.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

from rehome.core.infra.kv import get_redis, redis_errors

log = logging.getLogger(__name__)
LEASE_TTL = 6.0  # seconds without renewal before a run counts as orphaned
TICK = 0.5  # seconds between renewals (and stop-flag reads)

# 1: renewed; 2: re-created (Redis had forgotten it); 0: someone else holds it.
_RENEW = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _key(run_id: int) -> str:
    return f"run:{int(run_id)}:lease"


def new_owner() -> str:
    return uuid.uuid4().hex


def acquire(run_id: int, owner: str) -> bool:
    return bool(get_redis().set(_key(run_id), owner, nx=True, px=int(LEASE_TTL * 1000)))


def release(run_id: int, owner: str) -> None:
    get_redis().eval(_RELEASE, 1, _key(run_id), owner)


def holder(run_id: int) -> str | None:
    value = get_redis().get(_key(run_id))
    return str(value) if value else None


def wait_for_lapse(run_id: int, timeout: float = 2 * LEASE_TTL) -> bool:
    """True once nobody holds the run (at most one lease period after its
    worker died); False if the lease is still being renewed (the run is alive)."""
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if holder(run_id) is None:
            return True
        time.sleep(0.2)
    return False


@dataclass
class Handle:
    """A lease this process holds, as the run sees it."""

    run_id: int
    owner: str
    cancelled: threading.Event = field(default_factory=threading.Event)
    lost: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        _keeper.forget(self)
        try:
            release(self.run_id, self.owner)
        except redis_errors():
            pass  # it lapses by itself


class Keeper:
    """The process's one renewing thread (started on first use)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handles: dict[int, Handle] = {}
        self._thread: threading.Thread | None = None
        self._failing = False

    def hold(self, run_id: int, owner: str) -> Handle:
        handle = Handle(run_id, owner)
        with self._lock:
            self._handles[run_id] = handle
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="rehome-lease-keeper", daemon=True)
                self._thread.start()
        return handle

    def forget(self, handle: Handle) -> None:
        with self._lock:
            if self._handles.get(handle.run_id) is handle:
                del self._handles[handle.run_id]

    def held(self) -> list[int]:
        with self._lock:
            return list(self._handles)

    def _loop(self) -> None:
        while True:
            time.sleep(TICK)
            with self._lock:
                handles = list(self._handles.values())
            if handles:
                self._tick(handles)

    def _tick(self, handles: list[Handle]) -> None:
        try:
            pipe = get_redis().pipeline(transaction=False)
            for handle in handles:
                pipe.eval(_RENEW, 1, _key(handle.run_id), handle.owner, int(LEASE_TTL * 1000))
                pipe.exists(f"run:{handle.run_id}:cancel")
            answers = pipe.execute()
        except redis_errors() as error:
            if not self._failing:
                log.warning("lease renewal failed: Redis unreachable", extra={"error": str(error)})
            self._failing = True
            return
        if self._failing:
            log.info("lease renewal works again", extra={"leases": len(handles)})
        self._failing = False
        for index, handle in enumerate(handles):
            renewed, cancel = answers[2 * index], answers[2 * index + 1]
            if int(renewed) == 0:
                handle.lost.set()
            if cancel:
                handle.cancelled.set()


_keeper = Keeper()


def hold(run_id: int, owner: str) -> Handle:
    return _keeper.hold(run_id, owner)


def held_here() -> list[int]:
    return _keeper.held()
