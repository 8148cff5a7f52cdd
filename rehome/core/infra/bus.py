"""Events between processes: one Redis stream per channel (F-10).

Publishers (web processes, workers) `XADD`; every viewer's relay `XREAD`s
from the last id it has seen, so nothing is lost between loading a page and
listening, and a second web process sees the same events. Streams are capped
and expire when a channel goes quiet. Events carry ids, never content: each
reader re-reads the row through the access layer, so delivery is scoped
exactly like reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rehome.core.infra import streamhub
from rehome.core.infra.kv import get_redis

STREAM_MAXLEN = 1000
STREAM_TTL = 24 * 3600  # seconds a quiet channel's stream is kept


@dataclass(frozen=True, slots=True)
class BusEvent:
    channel: str
    id: str
    kind: str
    data: dict[str, Any]


def project_channel(project_id: int) -> str:
    return f"project:{project_id}"


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


def thread_channel(thread_id: int) -> str:
    """Agent threads: every open tab of the conversation hears of new runs."""
    return f"thread:{thread_id}"


def _key(channel: str) -> str:
    return f"ev:{channel}"


def stream_key(channel: str) -> str:
    """The Redis stream behind a channel (for readers that wait on it together
    with other streams in one read)."""
    return _key(channel)


def publish(channel: str, kind: str, **data: Any) -> str:
    pipe = get_redis().pipeline()
    pipe.xadd(_key(channel), {"k": kind, "d": json.dumps(data)}, maxlen=STREAM_MAXLEN, approximate=True)
    pipe.expire(_key(channel), STREAM_TTL)
    event_id, _ = pipe.execute()
    return str(event_id)


def last_id(channel: str) -> str:
    """Where a new listener starts: read this *before* loading from the database."""
    newest = get_redis().xrevrange(_key(channel), count=1)
    return str(newest[0][0]) if newest else "0-0"


async def read(cursors: dict[str, str], block_ms: int | None = 2000, count: int = 200) -> list[BusEvent]:
    """Events after each channel's cursor; waits up to `block_ms` for the first
    (None: answers at once with what is there)."""
    if not cursors:
        return []
    streams = {_key(channel): cursor for channel, cursor in cursors.items()}
    answer = await streamhub.xread(streams, block_ms, count)
    events: list[BusEvent] = []
    for key, entries in answer or []:
        channel = str(key).removeprefix("ev:")
        for event_id, fields in entries:
            events.append(BusEvent(channel, str(event_id), fields["k"], json.loads(fields["d"])))
    return events
