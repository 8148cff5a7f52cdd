"""Blocking stream reads for a whole process over one Redis connection.

Every open tab's live relay and every token socket or SSE viewer waits for
new entries in some Redis stream. Giving each its own blocking `XREAD` held
one connection per viewer (775 → 2,064 connections over 500 tabs, issue 9).
Here one task per event loop holds the only blocking `XREAD`, over every
stream someone waits on, and wakes the waiters of a stream when it grows;
each waiter then reads its own entries from its own cursor with a short,
non-blocking `XREAD` on the shared, bounded pool. A stream added while the
hub is blocked is picked up at once through `CLIENT UNBLOCK`.

Why this is gap-free: a waiter registers (noting the stream's version)
before its own non-blocking read, so an entry is either in that read or
bumps the version afterwards and wakes it. A waiter whose cursors are all at
or past the hub's tails skips that read, and goes back to waiting when the
hub wakes it for entries it already has (issue 13: one round trip per frame,
as a bare forwarder makes): the hub has seen nothing past those cursors, so
anything there is still to come from the hub's reads and will bump the
version. A woken waiter whose cursors the hub's last batch starts from (or
inside) takes its entries from that batch, with no read of its own.

Without a Redis server (the embedded fakeredis), reads block in-process as
before: there are no connections to save.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from rehome.core.infra.kv import get_async_redis, new_async_connection, redis_errors
from rehome.settings import get_settings

log = logging.getLogger(__name__)
HUB_BLOCK_MS = 5000  # the hub's own wait; new streams interrupt it
KEEP_WATCHING = 30.0  # seconds a stream stays watched after its last waiter (they come back in a loop)
RETRY_AFTER_ERROR = 0.5  # seconds before the hub reconnects


@dataclass
class _Watch:
    tail: str
    refs: int = 0
    version: int = 0
    idle_since: float = 0.0
    heard: bool = False  # in the hub's reads from now on: anything past `tail` will bump
    batch: tuple[str, list[Any]] = ("", [])  # the hub's last entries for it, and the id they follow
    waiters: set[asyncio.Future[None]] = field(default_factory=set)

    def bump(self) -> None:
        self.version += 1
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(None)


class StreamHub:
    """The one blocking reader of an event loop (a web process has one)."""

    def __init__(self) -> None:
        self._watches: dict[str, _Watch] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._conn_id: int | None = None
        self._blocking = False

    async def xread(self, streams: dict[str, str], block_ms: int | None, count: int) -> list[Any]:
        """`XREAD` semantics: entries after each cursor, waiting up to `block_ms`
        (None or 0: at once)."""
        added = [key for key in streams if key not in self._watches]
        watches = {key: self._enter(key, cursor) for key, cursor in streams.items()}
        try:
            if not block_ms:
                return list(await get_async_redis().xread(streams, count=count) or [])
            until = time.monotonic() + block_ms / 1000
            versions = {key: w.version for key, w in watches.items()}
            if not self._nothing_past(watches, streams):
                answer = await get_async_redis().xread(streams, count=count)
                if answer:
                    return list(answer)
            self._start()
            if added:
                await self._interrupt()
            while (remaining := until - time.monotonic()) > 0:
                if all(w.version == versions[key] for key, w in watches.items()):
                    await self._wait(list(watches.values()), remaining)
                if not self._nothing_past(watches, streams):
                    known = _from_batches(watches, streams, count)
                    return known if known else list(await get_async_redis().xread(streams, count=count) or [])
                versions = {key: w.version for key, w in watches.items()}  # the hub caught up with us
            return []
        finally:
            for key in streams:
                self._leave(key)

    @staticmethod
    def _nothing_past(watches: dict[str, _Watch], streams: dict[str, str]) -> bool:
        """The hub has seen nothing past these cursors (so anything there is
        still to come from its reads, and will wake the waiter)."""
        return all(w.heard and _before_or_at(w.tail, streams[key]) for key, w in watches.items())

    def watched(self) -> int:
        return len(self._watches)

    def _enter(self, key: str, cursor: str) -> _Watch:
        watch = self._watches.get(key)
        if watch is None:
            watch = self._watches[key] = _Watch(tail=cursor if cursor not in ("$", "") else "0-0")
        watch.refs += 1
        return watch

    def _leave(self, key: str) -> None:
        """Kept a while: a viewer's next read comes at once, without interrupting the hub."""
        watch = self._watches.get(key)
        if watch is not None:
            watch.refs -= 1
            if watch.refs <= 0:
                watch.idle_since = time.monotonic()

    async def _wait(self, watches: list[_Watch], timeout: float) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        for watch in watches:
            watch.waiters.add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, timeout)
        finally:
            for watch in watches:
                watch.waiters.discard(waiter)

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="rehome-stream-hub")
        self._wake.set()

    async def _interrupt(self) -> None:
        """End the hub's current wait so that it reads the new streams too."""
        for _ in range(5):
            if not self._blocking or self._conn_id is None:
                return
            with contextlib.suppress(*redis_errors()):
                if await get_async_redis().client_unblock(self._conn_id):
                    return
            await asyncio.sleep(0.005)

    async def _run(self) -> None:
        conn = new_async_connection()
        try:
            while True:
                if not any(w.refs > 0 for w in self._watches.values()):
                    self._watches.clear()  # nobody waits: stop reading until someone does
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                try:
                    await self._read_once(conn)
                except redis_errors() as error:
                    log.warning("stream hub lost Redis", extra={"error": f"{type(error).__name__}: {error}"})
                    self._conn_id = None
                    for watch in list(self._watches.values()):
                        watch.bump()  # waiters re-read and see the error themselves
                    await asyncio.sleep(RETRY_AFTER_ERROR)
        finally:
            with contextlib.suppress(Exception):
                await conn.aclose()

    async def _read_once(self, conn: Any) -> None:
        if self._conn_id is None:
            self._conn_id = int(await conn.client_id())
        streams = {key: watch.tail for key, watch in self._watches.items()}
        for heard in self._watches.values():
            heard.heard = True
        self._blocking = True
        try:
            answer = await conn.xread(streams, block=HUB_BLOCK_MS, count=100)
        finally:
            self._blocking = False
        for key, entries in answer or []:
            watch = self._watches.get(str(key))
            if watch is not None and entries:
                watch.batch = (watch.tail, entries)
                watch.tail = str(entries[-1][0])
                watch.bump()
        now = time.monotonic()
        for key, watch in list(self._watches.items()):
            if watch.refs <= 0 and not watch.waiters and now - watch.idle_since > KEEP_WATCHING:
                del self._watches[key]


def _entry_id(text: str) -> tuple[int, int] | None:
    millis, _, seq = text.partition("-")
    return (int(millis), int(seq or 0)) if millis.isdigit() and (not seq or seq.isdigit()) else None


def _before_or_at(tail: str, cursor: str) -> bool:
    ours, theirs = _entry_id(tail), _entry_id(cursor)
    return ours is not None and theirs is not None and ours <= theirs


def _from_batches(watches: dict[str, _Watch], streams: dict[str, str], count: int) -> list[Any]:
    """What a woken waiter would read, from the entries the hub just read
    (one XREAD reply, atomic across its streams); empty when a cursor is
    behind the hub's last batch for its stream (then the waiter reads)."""
    answer = []
    for key, watch in watches.items():
        cursor, (start, entries) = _entry_id(streams[key]), watch.batch
        if cursor is None or (_before_or_at(watch.tail, streams[key]) and watch.heard):
            if cursor is None:
                return []
            continue  # nothing new on this stream
        first = _entry_id(start)
        if first is None or first > cursor:
            return []  # the waiter missed an earlier batch
        fresh = [entry for entry in entries if (_entry_id(str(entry[0])) or (0, 0)) > cursor]
        if fresh:
            answer.append((key, fresh[:count]))
    return answer


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, StreamHub] = weakref.WeakKeyDictionary()


def hub() -> StreamHub:
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = StreamHub()
    return found


async def xread(streams: dict[str, str], block_ms: int | None, count: int) -> list[Any]:
    """Entries after each stream's cursor, waiting up to `block_ms` for the first
    (None or 0: answers at once with what is there)."""
    if not get_settings().redis_url:
        return list(await get_async_redis().xread(streams, block=block_ms or None, count=count) or [])
    return await hub().xread(streams, block_ms, count)
