"""Token streams of agent runs in Redis (F-31).

The worker publishes each delta with a per-run sequence number (`INCR`) into
a capped stream, and every ~half second a snapshot of the text so far, so a
reader that joins late (reload, tab switch, dropped connection, SSE resume)
starts from the snapshot and continues from the stream without gaps. `done`
is set once (`SET NX`): a second completion does nothing. When a run ends,
its sequence key is removed and the rest expires shortly after.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from rehome.core.infra.kv import get_async_redis, get_redis

MAX_DELTA_CHARS = 1000
STREAM_MAXLEN = 256  # entries kept; older text lives in the snapshot
SNAPSHOT_EVERY = 0.5  # seconds
RUNNING_TTL = 2 * 3600  # a crashed worker's keys still go away
FINISHED_TTL = 300  # late readers may still see the end, then it is gone


# One round trip per delta: number it, append it, set expiries on the first,
# and now and then store the snapshot (ARGV[4], empty when not due).
_APPEND = """
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 's', seq, 't', ARGV[1])
if seq == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[3], cjson.encode({seq = seq, text = ARGV[4]}), 'EX', ARGV[3])
end
return seq
"""


def _key(run_id: int, part: str) -> str:
    return f"run:{int(run_id)}:{part}"  # int(): ids from outside can never shape a key


@dataclass(frozen=True, slots=True)
class Chunk:
    seq: int
    text: str


@dataclass(frozen=True, slots=True)
class Done:
    seq: int
    status: str
    message_id: int | None


@dataclass
class Publisher:
    """The worker's side of one run's stream."""

    run_id: int
    text: str = ""
    _last_snapshot: float = field(default=0.0)

    def delta(self, text: str) -> None:
        text = text.replace("\x00", "")
        for start in range(0, len(text), MAX_DELTA_CHARS):  # cap each entry's size
            self._append(text[start : start + MAX_DELTA_CHARS])

    def _append(self, piece: str) -> None:
        self.text += piece
        now = time.monotonic()
        snapshot = now - self._last_snapshot >= SNAPSHOT_EVERY
        if snapshot:
            self._last_snapshot = now
        keys = [_key(self.run_id, part) for part in ("seq", "stream", "snap")]
        get_redis().eval(_APPEND, 3, *keys, piece, STREAM_MAXLEN, RUNNING_TTL, self.text if snapshot else "")

    def done(self, status: str, message_id: int | None) -> bool:
        """Mark the end once; False (and nothing published) if already done."""
        return finish(self.run_id, status, message_id, self.text)


def finish(run_id: int, status: str, message_id: int | None, text: str = "") -> bool:
    redis = get_redis()
    marker = json.dumps({"status": status, "message_id": message_id})
    if not redis.set(_key(run_id, "done"), marker, nx=True, ex=FINISHED_TTL):
        return False
    seq = int(redis.incr(_key(run_id, "seq")))
    pipe = redis.pipeline()
    pipe.xadd(_key(run_id, "stream"), {"s": seq, "done": marker}, maxlen=STREAM_MAXLEN, approximate=True)
    pipe.set(_key(run_id, "snap"), json.dumps({"seq": seq - 1, "text": text}), ex=FINISHED_TTL)
    pipe.expire(_key(run_id, "stream"), FINISHED_TTL)
    pipe.delete(_key(run_id, "seq"))
    pipe.execute()
    return True


def is_done(run_id: int) -> bool:
    return bool(get_redis().exists(_key(run_id, "done")))


def request_cancel(run_id: int) -> None:
    get_redis().set(_key(run_id, "cancel"), 1, ex=RUNNING_TTL)


def cancel_requested(run_id: int) -> bool:
    return bool(get_redis().exists(_key(run_id, "cancel")))


def snapshot(run_id: int) -> tuple[int, str]:
    """(last sequence number included, text so far); (0, "") before the first delta."""
    raw = get_redis().get(_key(run_id, "snap"))
    if not raw:
        return 0, ""
    data = json.loads(raw)
    return int(data["seq"]), str(data["text"])


def first_seq(run_id: int) -> int | None:
    """The oldest sequence number the stream still holds (None: nothing kept)."""
    oldest = get_redis().xrange(_key(run_id, "stream"), count=1)
    return int(oldest[0][1]["s"]) if oldest else None


async def read(
    run_id: int, cursor: str, block_ms: int = 1000, count: int = 500
) -> tuple[str, list[Chunk | Done]]:
    """Entries after `cursor` (a stream id; "0" from the start): new cursor and items."""
    answer = await get_async_redis().xread({_key(run_id, "stream"): cursor}, block=block_ms, count=count)
    items: list[Chunk | Done] = []
    for _, entries in answer or []:
        for entry_id, fields in entries:
            cursor = str(entry_id)
            seq = int(fields["s"])
            if "done" in fields:
                marker = json.loads(fields["done"])
                items.append(Done(seq, str(marker["status"]), marker.get("message_id")))
            else:
                items.append(Chunk(seq, str(fields["t"])))
    return cursor, items


class Assembler:
    """Applies deltas in sequence order: buffers early ones, drops repeats.

    Starting from a snapshot sets the next expected sequence number."""

    def __init__(self, after_seq: int = 0, text: str = "") -> None:
        self.next_seq = after_seq + 1
        self.text = text
        self.pending: dict[int, str] = {}
        self.done: Done | None = None

    def push(self, item: Chunk | Done) -> str:
        """Returns the text that became contiguous (possibly empty)."""
        if isinstance(item, Done):
            if self.done is None and item.seq >= self.next_seq:
                self.done = item
            return self._drain()
        if item.seq >= self.next_seq:
            self.pending.setdefault(item.seq, item.text)
        return self._drain()

    def _drain(self) -> str:
        added = []
        while self.next_seq in self.pending:
            added.append(self.pending.pop(self.next_seq))
            self.next_seq += 1
        text = "".join(added)
        self.text += text
        return text

    @property
    def finished(self) -> bool:
        return self.done is not None and self.done.seq <= self.next_seq
