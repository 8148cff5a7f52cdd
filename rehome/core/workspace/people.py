"""People as others see them: names for ids in one query, contacts only for
those whose role may see them (F-07).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel
from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session

from rehome.core.access import Actor
from rehome.core.infra.db import plain_rows, table_of
from rehome.core.models import User


class Person(BaseModel):
    id: int
    name: str
    email: str | None = None
    phone: str | None = None


_USERS = table_of(User)
_NAMES = sa_select(_USERS.c.id, _USERS.c.name).where(_USERS.c.id.in_(bindparam("ids", expanding=True)))


def user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Names for a batch of user ids in one query (never one per row)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {int(uid): name for uid, name in plain_rows(session, _NAMES, {"ids": sorted(wanted)})}


def person(viewer: Actor, user: User, sees_contacts: bool) -> Person:
    show = sees_contacts or user.id == viewer.user_id
    return Person(
        id=int(user.id or 0),
        name=user.name,
        email=user.email if show else None,
        phone=user.phone if show else None,
    )
