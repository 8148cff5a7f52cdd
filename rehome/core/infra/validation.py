"""Input rules shared by every entry point (pages, API, CLI)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from rehome.core.infra.errors import Invalid

NUL_MESSAGE = "Text cannot contain NUL characters (\\u0000)."
MAX_DB_INT = 2**31 - 1  # PostgreSQL INTEGER: every id column
MAX_CENTS = 10**13  # 100 billion in any currency; budget_cents and cost_cents are BIGINT


def reject_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold U+0000, so no text with it gets past input."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(NUL_MESSAGE)
    elif isinstance(value, list | tuple | set):
        for item in value:
            reject_nul(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            reject_nul(key)
            reject_nul(item)
    return value


class Input(BaseModel):
    """Base of every model that takes input from outside (API bodies, forms,
    list parameters): unknown fields are refused, and so is a NUL in any text."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return reject_nul(value)


DbId = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
Cents = Annotated[int, Field(ge=0, le=MAX_CENTS)]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def one_of_choices(value: str, choices: Any) -> str:
    """A filter value from a fixed list, refused in words that name the list."""
    if value not in choices:
        raise ValueError(f"Choose one of: {', '.join(choices)}.")
    return value


def normalize_email(value: str) -> str:
    value = value.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("Enter a valid email address.")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("This field cannot be empty.")
    return value


Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(normalize_email)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), AfterValidator(_not_blank)
]
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


def local_path(target: str, fallback: str = "/projects") -> str:
    """`target` if it is a path on this site, else `fallback` (no open redirect).

    Browsers drop tabs and newlines inside URLs and read a backslash as a
    slash, so "/\\t/evil.example" would become "//evil.example": a path must
    start with exactly one "/" and hold no whitespace, control character or
    backslash at all. The sign-in page itself is never a target."""
    if (
        not target.startswith("/")
        or target.startswith("//")
        or target.startswith("/login")
        or "\\" in target
        or any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in target)
    ):
        return fallback
    return target


def parse_cents(text: str, field: str) -> int | None:
    """An amount typed as "1,250.00" in cents (None when blank); `Invalid` at
    `field` when it is not a finite amount from 0 to 100 billion."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Invalid({field: "Enter an amount like 1250.00"}) from None
    if not value.is_finite() or value < 0 or value * 100 > MAX_CENTS:
        raise Invalid({field: "Enter an amount between 0 and 100,000,000,000."})
    return int((value * 100).to_integral_value())
