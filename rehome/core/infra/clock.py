"""One clock for the whole core, so tests can reason about time in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Aware UTC now; every timestamp ReHome stores is UTC."""
    return datetime.now(UTC)


def today() -> date:
    return utcnow().date()
