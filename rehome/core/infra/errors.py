"""Domain errors: what went wrong, said once, mapped to HTTP codes and UI text."""

from __future__ import annotations

from pydantic import ValidationError


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.default_message())
        self.message = message or self.default_message()

    def default_message(self) -> str:
        return "The request could not be processed."


class NotAuthenticated(DomainError):
    status, code = 401, "not_authenticated"

    def default_message(self) -> str:
        return "Sign in to continue."


class Forbidden(DomainError):
    status, code = 403, "forbidden"

    def default_message(self) -> str:
        return "You are not allowed to do that."


class NotFound(DomainError):
    """Also raised for rows that exist but the actor may not see (no leak)."""

    status, code = 404, "not_found"

    def default_message(self) -> str:
        return "Not found."


class Conflict(DomainError):
    status, code = 409, "conflict"


class TooLarge(DomainError):
    status, code = 413, "payload_too_large"


class UnsupportedType(DomainError):
    """An upload whose content is not on the allowlist, whatever its name says."""

    status, code = 415, "unsupported_media_type"


class QuotaExceeded(DomainError):
    status, code = 409, "quota_exceeded"


class Invalid(DomainError):
    """Bad input, with a message per field for forms and API clients alike."""

    status, code = 422, "invalid"

    def __init__(self, fields: dict[str, str], message: str = "") -> None:
        self.fields = fields
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in fields.items()))

    @classmethod
    def from_validation(cls, error: ValidationError) -> Invalid:
        fields: dict[str, str] = {}
        for item in error.errors():
            name = ".".join(str(part) for part in item["loc"]) or "body"
            fields.setdefault(name, _plain(item["msg"]))
        return cls(fields)


class RateLimited(DomainError):
    status, code = 429, "rate_limited"

    def __init__(self, retry_after: int, message: str = "") -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message or f"Too many requests. Try again in {self.retry_after} s.")


class Unavailable(DomainError):
    """Something the request truly needs (Redis, for the assistant) is away."""

    status, code = 503, "unavailable"

    def __init__(self, retry_after: int = 5, message: str = "") -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message or "This is unavailable for a moment. Try again shortly.")


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ")
