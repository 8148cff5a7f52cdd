"""SQLite's side of search: the FTS5 tables of migration perf13a_0001.

Each is an external-content index over `messages` or `tasks`, kept in step by
triggers, whose rowid is the row's id. A query is every word of the input
(letters and digits only, so user text never reaches FTS5 syntax unquoted),
all required, the last one as a prefix while the user is still typing, the
same reading PostgreSQL gives it in `service._tsquery`.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, TableClause, column, false, literal_column, table

_WORD = re.compile(r"[^\W_]+")
_MAX_WORDS = 8

TABLES: dict[str, TableClause] = {
    name: table(f"{name}_fts", column("rowid")) for name in ("messages", "tasks")
}


def fts_query(query: str) -> str | None:
    """The FTS5 MATCH text for `query`, or None when it holds no word at all."""
    words = _WORD.findall(query)[:_MAX_WORDS]
    if not words:
        return None
    prefix = bool(_WORD.fullmatch(query[-1:]))
    quoted = [f'"{word}"' for word in words]
    if prefix:
        quoted[-1] += "*"
    return " AND ".join(quoted)


def matching(fts: TableClause, query: str | None) -> ColumnElement[Any]:
    """`<table>_fts MATCH :query`; nothing at all for a query without words."""
    if query is None:
        return false()
    return literal_column(fts.name).op("MATCH")(query)
