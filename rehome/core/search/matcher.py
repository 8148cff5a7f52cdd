"""How a search's text becomes SQL on each backend: PostgreSQL full text (the
expressions of the GIN indexes, so the indexes are used), SQLite's FTS5 tables
for tasks and messages, and escaped LIKE for short labels (file names, people).
User text never reaches tsquery or FTS5 syntax unescaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnClause, ColumnElement, and_, func, literal_column, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

import rehome.core.search.fts as fts
from rehome.core.models import Project

# Tasks and messages are ranked among the newest CANDIDATES visible matches only:
# a common word then costs a bounded read, not a rank of every matching row.
CANDIDATES = 200
_MAX_TERMS = 8
# Inline SQL literals, not bind parameters: PostgreSQL only uses an expression
# index when the query's expression is the index's expression, constants included.
_CONFIG: ColumnClause[str] = literal_column("'simple'")
_EMPTY: ColumnClause[str] = literal_column("''")
_SPACE: ColumnClause[str] = literal_column("' '")
# A trailing plain word (not negated, quoted or glued to punctuation) is matched
# as a prefix, so "kitch" already finds "Kitchen" while the user types.
_TRAILING_WORD = re.compile(r"(?s)(.*?)(?:^|(?<=\s))([^\W_]+)")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Matcher:
    """How the query text becomes SQL on this backend, plus the words for snippets."""

    tsquery: ColumnElement[Any] | None  # PostgreSQL only
    terms: tuple[str, ...]  # lower-case LIKE terms (users, files; projects on SQLite)
    words: tuple[str, ...]  # what snippets look for
    fts_query: str | None  # SQLite's FTS5 MATCH text for tasks and messages

    @classmethod
    def build(cls, session: Session, query: str) -> Matcher:
        terms = tuple(t.lower() for t in (w.strip('"') for w in query.split()) if t)[:_MAX_TERMS]
        terms = terms or (query.lower(),)  # a lone quote is searched literally, never "match all"
        words = tuple(w.lower() for w in _WORD.findall(query)) or terms
        postgres = session.get_bind().dialect.name == "postgresql"
        return cls(
            tsquery=_tsquery(query) if postgres else None,
            terms=terms,
            words=words,
            fts_query=None if postgres else fts.fts_query(query),
        )

    def matches(self, *columns: Any) -> ColumnElement[bool]:
        if self.tsquery is not None:
            return _tsvector(*columns).bool_op("@@")(self.tsquery)
        return like_all(self.terms, columns)

    def newest(self, model: Any, columns: tuple[Any, ...], where: list[Any]) -> ColumnElement[bool]:
        """`model` rows among the newest CANDIDATES visible matches: on PostgreSQL
        a backward id scan when the word is common, the GIN index when it is rare;
        on SQLite read from the FTS5 table in rowid order, newest first."""
        id_ = col(model.id)
        if self.tsquery is not None:
            ids = sa_select(id_).where(*where, self.matches(*columns)).order_by(id_.desc())
        else:
            table = fts.TABLES[model.__tablename__]
            ids = (
                sa_select(table.c.rowid)
                .select_from(table)
                .join(model, id_ == table.c.rowid)
                .where(fts.matching(table, self.fts_query), *where)
                .order_by(table.c.rowid.desc())
            )
        newest = ids.join(Project, col(Project.id) == model.project_id).limit(CANDIDATES).scalar_subquery()
        if self.tsquery is None:
            return id_.in_(newest)
        # `= ANY(ARRAY(...))`, not `IN (...)`: the ids are read once, then their
        # rows by primary key; for IN the planner hashed the ids and scanned the
        # whole table for them (linear: 2.7 s at 500,000 messages).
        return id_ == func.any(func.array(newest))

    def order(self, columns: tuple[Any, ...], created: Any, id_: Any) -> list[Any]:
        """Best match first (PostgreSQL), then newest; the id keeps the order stable."""
        newest = [created.desc(), id_.desc()]
        if self.tsquery is None:
            return newest
        return [func.ts_rank(_tsvector(*columns), self.tsquery).desc(), *newest]


def _tsvector(*columns: Any) -> ColumnElement[Any]:
    """`to_tsvector('simple', coalesce(a,'') || ' ' || coalesce(b,'') ...)`, as indexed."""
    document: ColumnElement[Any] = func.coalesce(columns[0], _EMPTY)
    for column in columns[1:]:
        document = document.op("||")(_SPACE).op("||")(func.coalesce(column, _EMPTY))
    return func.to_tsvector(_CONFIG, document)


def _tsquery(query: str) -> ColumnElement[Any]:
    """websearch syntax (quotes, `or`, `-word`; never a syntax error) with a prefix last word.

    The prefix part goes through `to_tsquery` with letters and digits only, so
    user input never reaches tsquery syntax unescaped.
    """
    web = func.websearch_to_tsquery(_CONFIG, query)
    found = _TRAILING_WORD.fullmatch(query)
    if found is None or found[1].count('"') % 2 or found[1].lower().split()[-1:] == ["or"]:
        return web  # inside an open phrase, or the alternative of an `or`: keep websearch's meaning
    prefix = func.to_tsquery(_CONFIG, f"{found[2].lower()}:*")
    head = found[1].strip()
    return prefix if not head else func.websearch_to_tsquery(_CONFIG, head).op("&&")(prefix)


def like_all(terms: tuple[str, ...], columns: tuple[Any, ...]) -> ColumnElement[bool]:
    """Every term appears in one of the columns, `%` and `_` taken literally."""
    return and_(*(or_(*(column.ilike(_pattern(term), escape="\\") for column in columns)) for term in terms))


def _pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
