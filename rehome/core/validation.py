"""Input rules shared by every entry point (pages, API, CLI)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

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
