"""The shapes of the assistant's context (F-32): who reads (`Lens`), one row as
a quoted line (`Candidate`), and how text, times, money and sizes are written
so that project content stays data, never instructions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from rehome.core.access import Actor, ProjectScope

# A task is shown as its board card plus the start of its description; the
# whole item is then kept or dropped, never cut to fit the budget.
DESCRIPTION_CHARS = 400
NOTES_CHARS = 300

# `<project_data>` / `</project_data>` written into content, with any spacing or case.
_TAG = re.compile(r"<(\s*/?\s*project_data)", re.IGNORECASE)
# Line breaks that `json.dumps(ensure_ascii=False)` leaves raw.
_RAW_BREAKS = ("\u2028", "\u2029", "\x85")
# `json.dumps(text, ensure_ascii=False)` without its per-call set-up: a context
# quotes a thousand lines, and the set-up was most of the cost of each.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Lens:
    """The reader and what their role lets them see: one project, or (admins
    only, checked by the caller) the whole workspace when `scope` is None."""

    actor: Actor
    scope: ProjectScope | None

    @property
    def workspace(self) -> bool:
        return self.scope is None

    @property
    def role(self) -> str:
        return self.scope.role.value if self.scope else "admin"

    @property
    def sees_internal(self) -> bool:
        return self.scope.sees_internal if self.scope else self.actor.is_admin

    @property
    def sees_contacts(self) -> bool:
        return self.scope.sees_contacts if self.scope else self.actor.is_admin

    @property
    def sees_costs(self) -> bool:
        return self.scope.sees_costs if self.scope else self.actor.is_admin


Kind = Literal["task", "message", "file", "event", "project", "person", "figures"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A row rendered as one quoted line, not yet budgeted."""

    kind: Kind
    id: int
    ref: str
    text: str
    data: dict[str, Any]
    at: datetime  # what "newest" and the chronological output order go by


def quote(value: str | None) -> str:
    """User-written text as one JSON string literal.

    Quotes, newlines and control characters are escaped, so the text cannot end
    its line, start a fake item or ref, or close the data block; the block's
    own tags are defused first, so they cannot appear even inside the string.
    """
    text = value or ""
    if "<" in text:  # the check is cheap, the pattern is not: most lines have no tag
        text = _TAG.sub(r"‹\1", text)
    out = _ENCODE(text)
    if not out.isascii():  # the raw breaks are never ASCII
        for char in _RAW_BREAKS:
            out = out.replace(char, f"\\u{ord(char):04x}")
    return out


def stamp(moment: datetime) -> str:
    """`2026-11-30 09:05Z`: what `strftime("%Y-%m-%d %H:%MZ")` wrote, at a
    fraction of its cost (a context stamps every line)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "minutes") + "Z"


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def clip(text: str | None, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def money(cents: int) -> str:
    return f"{cents / 100:,.2f}"


def size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    amount, unit = float(size) / 1024, "KB"
    for bigger in ("MB", "GB"):
        if amount < 1024:
            break
        amount, unit = amount / 1024, bigger
    return f"{amount:.1f} {unit}"
