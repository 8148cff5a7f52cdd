"""Who is online in a project and who is typing (F-10), kept in Redis.

Each open tab heart-beats into a sorted set scored by time; a member that
stops beating drops out after `ONLINE_TTL`. Several tabs of one person count
once. Typing is an event, throttled per person, that viewers show briefly.
"""

from __future__ import annotations

import time

from rehome.core.infra import bus
from rehome.core.infra.kv import get_redis
from rehome.core.vocab import EventKind

ONLINE_TTL = 30  # seconds without a heartbeat before someone is offline
TYPING_THROTTLE = 2  # seconds between two typing events of one person


def _key(project_id: int) -> str:
    return f"presence:project:{project_id}"


def heartbeat(project_id: int, user_id: int, tab: str) -> None:
    """Mark a tab alive; announce it when its person was not online before."""
    redis, now = get_redis(), time.time()
    was_online = user_id in online(project_id)
    pipe = redis.pipeline()
    pipe.zadd(_key(project_id), {f"{user_id}:{tab}": now})
    pipe.zremrangebyscore(_key(project_id), "-inf", now - ONLINE_TTL)
    pipe.expire(_key(project_id), ONLINE_TTL * 4)
    pipe.execute()
    if not was_online:
        bus.publish(bus.project_channel(project_id), EventKind.PRESENCE_CHANGED)


def leave(project_id: int, user_id: int, tab: str) -> None:
    get_redis().zrem(_key(project_id), f"{user_id}:{tab}")
    if user_id not in online(project_id):
        bus.publish(bus.project_channel(project_id), EventKind.PRESENCE_CHANGED)


def online(project_id: int) -> set[int]:
    members = get_redis().zrangebyscore(_key(project_id), time.time() - ONLINE_TTL, "+inf")
    return {int(str(member).split(":", 1)[0]) for member in members}


def typing(project_id: int, user_id: int, name: str, internal: bool = False) -> None:
    """`internal`: the draft is an internal message, so clients are not told."""
    if get_redis().set(f"typing:{project_id}:{user_id}:{int(internal)}", 1, nx=True, ex=TYPING_THROTTLE):
        bus.publish(
            bus.project_channel(project_id), EventKind.TYPING, user_id=user_id, name=name, internal=internal
        )
