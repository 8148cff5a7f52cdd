"""Keyset pagination: stable under inserts, one indexed range scan per page."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import BaseModel

from rehome.core.infra.errors import Invalid

T = TypeVar("T")
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The id a cursor points past; a malformed cursor is a clear 422."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind == "id" and value.isdigit() and len(value) < 19:
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise Invalid({"cursor": "This cursor is not valid."})


def page_of(items: list[T], limit: int, key: Callable[[T], int]) -> Page[T]:
    """`items` holds up to limit+1 rows; the extra one proves there is more."""
    if len(items) > limit:
        kept = items[:limit]
        return Page(items=kept, next_cursor=encode_cursor(key(kept[-1])))
    return Page(items=items)
