"""What every admin list shares: the page envelope, validated parameters, LIKE escaping.

List parameters arrive from any client (a Reflex handler can be called with
any arguments), so they are parsed by pydantic models with `Literal` sort and
filter values and bounded ints; a bad value is `Invalid` naming the field,
never a silently different query. Page sizes are clamped and search text is
capped instead, since those are preferences rather than mistakes.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import ColumnElement, func, or_, true
from sqlalchemy.sql.selectable import GenerativeSelect
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

from rehome.core.infra.errors import Invalid
from rehome.core.infra.validation import MAX_DB_INT, Input

T = TypeVar("T")
Q = TypeVar("Q", bound=GenerativeSelect)
MAX_PER_PAGE = 100
MAX_Q = 100
MAX_PAGE = 100_000
MAX_ID = MAX_DB_INT


class Listing(BaseModel, Generic[T]):
    """One page of a list plus what a pager needs to say "page X of Y"."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# ---- parameters: validated once, whoever calls -------------------------------------------


class ListParams(Input):
    model_config = ConfigDict(str_strip_whitespace=True)
    q: str = ""
    descending: bool = False
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    per_page: int = 25

    @field_validator("q", mode="before")
    @classmethod
    def _cap_q(cls, value: Any) -> Any:
        """Search text is capped, not refused: a pasted paragraph still searches."""
        return value.strip()[:MAX_Q] if isinstance(value, str) else value

    @field_validator("per_page", mode="after")
    @classmethod
    def _clamp(cls, value: int) -> int:
        """A page size is a preference: out-of-range values are clamped, not refused."""
        return max(1, min(value, MAX_PER_PAGE))


P = TypeVar("P", bound=ListParams)


def parse(model: type[P], values: dict[str, Any]) -> P:
    """Validate list parameters; any bad value becomes `Invalid` with the field named."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise Invalid.from_validation(error) from None


def like_pattern(text: str) -> str:
    """`%text%` with `%`, `_` and the escape character itself taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def contains(text: str, *columns: Any) -> ColumnElement[bool]:
    """Case-insensitive substring match on any of `columns` (true for blank text)."""
    if not text:
        return true()
    pattern = like_pattern(text)
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))


def page_of(query: Q, params: ListParams) -> Q:
    return query.limit(params.per_page).offset((params.page - 1) * params.per_page)


def ordered(keys: list[Any], descending: bool, tiebreak: Any) -> list[Any]:
    """Sort keys in the asked direction; the id breaks ties so pages never overlap."""
    keys = [key.desc() if descending else key.asc() for key in keys]
    return [*keys, tiebreak.desc() if descending else tiebreak.asc()]


def total_of(session: Session, query: SelectOfScalar[int], params: ListParams) -> int:
    """Run the count query, and move a page past the end back to the last page.

    (Deleting the only row of the last page must not leave an empty page.)
    """
    total = int(session.exec(query).one())
    params.page = min(params.page, max(1, -(-total // params.per_page)))
    return total
