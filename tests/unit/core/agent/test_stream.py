"""Token streams (F-31): order, duplicates, snapshots, idempotent end, expiry;
and the circuit breaker shared through Redis (F-34)."""

from __future__ import annotations

import asyncio

from rehome.core.agent import stream
from rehome.core.infra import breaker
from rehome.core.infra.kv import get_redis


def _read_all(run_id: int, cursor: str = "0") -> list[stream.Chunk | stream.Done]:
    items: list[stream.Chunk | stream.Done] = []
    while True:
        cursor, got = asyncio.run(stream.read(run_id, cursor, block_ms=10))
        if not got:
            return items
        items += got


def test_assembler_orders_buffers_and_drops_repeats() -> None:
    assembler = stream.Assembler()
    assert assembler.push(stream.Chunk(2, "b")) == ""  # early: waits
    assert assembler.push(stream.Chunk(1, "a")) == "ab"
    assert assembler.push(stream.Chunk(2, "b")) == ""  # repeat: dropped
    assert assembler.push(stream.Done(4, "succeeded", 7)) == ""
    assert not assembler.finished
    assert assembler.push(stream.Chunk(3, "c")) == "c"
    assert assembler.finished
    assert assembler.text == "abc"
    assert assembler.done is not None
    assert assembler.done.message_id == 7
    assert assembler.push(stream.Done(4, "failed", None)) == ""  # a second "done" changes nothing
    assert assembler.done.status == "succeeded"


def test_every_delta_has_a_sequence_and_the_end_is_marked_once() -> None:
    publisher = stream.Publisher(41)
    for piece in ("Hel", "lo ", "wor", "ld"):
        publisher.delta(piece)
    assert publisher.done("succeeded", 9) is True
    assert stream.finish(41, "failed", None) is False
    items = _read_all(41)
    assert [i.seq for i in items] == [1, 2, 3, 4, 5]
    assert isinstance(items[-1], stream.Done)
    assert items[-1].status == "succeeded"
    redis = get_redis()
    assert not redis.exists("run:41:seq")
    assert 0 < redis.ttl("run:41:stream") <= stream.FINISHED_TTL
    assert 0 < redis.ttl("run:41:done") <= stream.FINISHED_TTL


def test_deltas_are_capped_and_cleaned() -> None:
    publisher = stream.Publisher(42)
    publisher.delta("x" * 2500 + "\x00")
    chunks = [i for i in _read_all(42) if isinstance(i, stream.Chunk)]
    assert [len(c.text) for c in chunks] == [1000, 1000, 500]


def test_a_late_reader_starts_from_the_snapshot_without_gaps(monkeypatch) -> None:
    monkeypatch.setattr(stream, "STREAM_MAXLEN", 5)
    monkeypatch.setattr(stream, "SNAPSHOT_EVERY", 0.0)
    publisher = stream.Publisher(43)
    words = [f"w{i} " for i in range(40)]
    for word in words:
        publisher.delta(word)
    seq, text = stream.snapshot(43)
    assembler = stream.Assembler(seq, text)
    for item in _read_all(43):
        assembler.push(item)
    assert assembler.text == "".join(words)


def test_cancel_flag() -> None:
    assert not stream.cancel_requested(44)
    stream.request_cancel(44)
    assert stream.cancel_requested(44)


def test_breaker_opens_after_failures_then_lets_one_trial_through(monkeypatch) -> None:
    name = "test-provider"
    assert breaker.allow(name)
    for _ in range(breaker.FAILURES):
        breaker.failed(name)
    assert breaker.state(name) == "open"
    assert not breaker.allow(name)
    monkeypatch.setattr(breaker, "_now", lambda: 10**10)  # the cool-down has passed
    assert breaker.state(name) == "half_open"
    assert breaker.allow(name)
    assert not breaker.allow(name)  # only one trial at a time
    breaker.succeeded(name)
    assert breaker.state(name) == "closed"
