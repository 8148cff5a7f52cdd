"""Plain-text helpers of the offline provider: how its answers name statuses,
count, date and quote project values. Quoting flattens text so that nothing
written in a project can forge a citation or markup in an offline answer (F-32).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from rehome.core.agent.types import ContextItem
from rehome.core.vocab import TaskStatus

STATUS_WORDS = {status.value: status.label.lower() for status in TaskStatus}
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def label(status: Any) -> str:
    return STATUS_WORDS.get(str(status), flat(status, 20))


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def author(item: ContextItem, key: str = "author") -> str:
    return flat(item.data.get(key), 40) or "someone"


def rank(task: ContextItem) -> int:
    return PRIORITY_RANK.get(str(task.data.get("priority")), 2)


def by_due(task: ContextItem) -> tuple[bool, datetime, int]:
    due = parse(task.data.get("due_date"))
    return (due is None, due or datetime.max.replace(tzinfo=UTC), rank(task))


def parse(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None
    return parsed.replace(tzinfo=parsed.tzinfo or UTC) if parsed else None


def when(item: ContextItem, key: str) -> datetime:
    return parse(item.data.get(key)) or datetime.min.replace(tzinfo=UTC)


def stamp(item: ContextItem) -> str:
    when = parse(item.data.get("created_at"))
    return f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if when else "at an unknown time"


_INERT = str.maketrans({"[": "(", "]": ")", "`": "'", "*": "", "<": "‹", ">": "›", "|": "/"})


def flat(value: Any, limit: int) -> str:
    """Project text as inert data: one line, no brackets or markup, capped."""
    if value is None:
        return ""
    text = re.sub(r"\s+", " ", str(value)).strip().translate(_INERT)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
