"""Token streams of agent runs in Redis (F-31).

The worker publishes each delta with a per-run sequence number (`INCR`) into
a capped stream, and every ~half second a snapshot of the text so far, so a
reader that joins late (reload, tab switch, dropped connection, SSE resume)
starts from the snapshot and continues from the stream without gaps. `done`
is set once (`SET NX`): a second completion does nothing. When a run ends,
its sequence key is removed and the rest expires shortly after. A worker
that takes a run over resumes the numbering and the text (`Publisher.resume`),
so viewers see the continuation once.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

from rehome.core.infra import streamhub
from rehome.core.infra.kv import get_redis, redis_errors

log = logging.getLogger(__name__)

MAX_DELTA_CHARS = 1000
STREAM_MAXLEN = 256  # entries kept; older text lives in the snapshot
SNAPSHOT_EVERY = 0.5  # seconds
RUNNING_TTL = 2 * 3600  # a crashed worker's keys still go away
FINISHED_TTL = 300  # late readers may still see the end, then it is gone


# One round trip per batch of deltas: each carries the sequence number its
# publisher gave it (a run has one publisher at a time: the lease holder), so
# a takeover or a Redis that restarted empty continues the same numbering.
# ARGV: text, seq, maxlen, ttl, snapshot text (empty when not due).
_APPEND = """
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[4])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 's', ARGV[2], 't', ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[4])
if ARGV[5] ~= '' then
  redis.call('SET', KEYS[3], cjson.encode({seq = tonumber(ARGV[2]), text = ARGV[5]}), 'EX', ARGV[4])
end
return 1
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
    """The worker's side of one run's stream.

    Deltas are numbered here and sent in order; while Redis is unreachable
    they wait in `pending` and go out together once it answers again (the
    next delta, or `flush`), with a fresh snapshot, so nothing is lost or
    repeated. `seq` is the last number given out."""

    run_id: int
    text: str = ""
    seq: int = 0
    pending: list[tuple[int, str]] = field(default_factory=list)
    _last_snapshot: float = field(default=0.0)
    _outage: bool = False

    @classmethod
    def resume(cls, run_id: int) -> Publisher:
        """Continue what an earlier attempt of this run published."""
        seq, text = published(run_id)
        return cls(run_id, text=text, seq=seq)

    def delta(self, text: str) -> None:
        text = text.replace("\x00", "")
        for start in range(0, len(text), MAX_DELTA_CHARS):  # cap each entry's size
            piece = text[start : start + MAX_DELTA_CHARS]
            self.seq += 1
            self.text += piece
            self.pending.append((self.seq, piece))
        self.send()

    def send(self) -> bool:
        """Send what is pending; False (kept for later) while Redis is away."""
        if not self.pending:
            return True
        now = time.monotonic()
        snapshot = self._outage or now - self._last_snapshot >= SNAPSHOT_EVERY
        keys = [_key(self.run_id, part) for part in ("seq", "stream", "snap")]
        try:
            pipe = get_redis().pipeline(transaction=False)
            for index, (seq, piece) in enumerate(self.pending):
                last = index == len(self.pending) - 1
                snap = self.text if snapshot and last else ""
                pipe.eval(_APPEND, 3, *keys, piece, seq, STREAM_MAXLEN, RUNNING_TTL, snap)
            pipe.execute()
        except redis_errors() as error:
            if not self._outage:
                log.warning(
                    "token stream paused: Redis unreachable",
                    extra={"run_id": self.run_id, "error": str(error)},
                )
            self._outage = True
            return False
        if self._outage:
            log.info("token stream resumed", extra={"run_id": self.run_id, "sent": len(self.pending)})
        self._outage = False
        if snapshot:
            self._last_snapshot = now
        self.pending.clear()
        return True

    def flush(self, timeout: float) -> bool:
        """Keep trying to send what is pending for up to `timeout` seconds."""
        until = time.monotonic() + timeout
        while not self.send():
            if time.monotonic() >= until:
                return False
            time.sleep(0.5)
        return True

    def done(self, status: str, message_id: int | None) -> bool:
        """Mark the end once; False (and nothing published) if already done."""
        self.flush(0)
        return finish(self.run_id, status, message_id, self.text, self.seq)


def published(run_id: int) -> tuple[int, str]:
    """(last sequence number, whole text) that a run's stream holds so far."""
    seq, text = snapshot(run_id)
    for _, fields in get_redis().xrange(_key(run_id, "stream")):
        number = int(fields["s"])
        if number == seq + 1 and "t" in fields:
            seq, text = number, text + str(fields["t"])
    return seq, text


def finish(run_id: int, status: str, message_id: int | None, text: str = "", seq: int | None = None) -> bool:
    redis = get_redis()
    marker = json.dumps({"status": status, "message_id": message_id})
    if not redis.set(_key(run_id, "done"), marker, nx=True, ex=FINISHED_TTL):
        return False
    if seq is None:
        seq = published(run_id)[0]
    pipe = redis.pipeline()
    pipe.xadd(_key(run_id, "stream"), {"s": seq + 1, "done": marker}, maxlen=STREAM_MAXLEN, approximate=True)
    pipe.set(_key(run_id, "snap"), json.dumps({"seq": seq, "text": text}), ex=FINISHED_TTL)
    pipe.expire(_key(run_id, "stream"), FINISHED_TTL)
    pipe.delete(_key(run_id, "seq"))
    pipe.execute()
    return True


def is_live(run_id: int) -> bool:
    """The run has published and its stream is still kept."""
    return bool(get_redis().exists(_key(run_id, "stream")))


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


def stream_key(run_id: int) -> str:
    """The Redis stream a run's deltas go to (for readers that wait on more
    than one stream in one read, see `watch.RunWatch.read`)."""
    return _key(run_id, "stream")


async def read(
    run_id: int, cursor: str, block_ms: int = 1000, count: int = 500
) -> tuple[str, list[Chunk | Done]]:
    """Entries after `cursor` (a stream id; "0" from the start): new cursor and items."""
    answer = await streamhub.xread({stream_key(run_id): cursor}, block_ms, count)
    entries = [entry for _, got in answer or [] for entry in got]
    return parse(entries, cursor)


def parse(entries: list[tuple[str, dict[str, str]]], cursor: str) -> tuple[str, list[Chunk | Done]]:
    """A stream's raw entries as items, and the cursor after them."""
    items: list[Chunk | Done] = []
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
            if self.done is None:  # the stream is ordered: nothing published comes after it
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
