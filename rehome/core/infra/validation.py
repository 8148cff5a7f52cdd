"""Input rules shared by every entry point (pages, API, CLI)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from rehome.core.infra.errors import Invalid

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
    if not value.is_finite() or value < 0 or value > Decimal("100000000000"):
        raise Invalid({field: "Enter an amount between 0 and 100,000,000,000."})
    return int((value * 100).to_integral_value())
