"""JSON logs on stdout, each line carrying the request's correlation id."""

from __future__ import annotations

import logging
import sys
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

from rehome.settings import get_settings

_request_id: ContextVar[str] = ContextVar("request_id", default="")


def request_id() -> str:
    return _request_id.get()


def set_request_id(value: str | None = None) -> str:
    """Use a caller's id when it is sane, otherwise make a fresh one."""
    if not value or len(value) > 64 or not value.replace("-", "").isalnum():
        value = uuid.uuid4().hex
    _request_id.set(value)
    return value


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class _Handler(logging.StreamHandler):
    """ReHome's own handler: the `_rehome` mark lets a second configuration see it."""

    _rehome = True


def configure_logging() -> None:
    """Idempotent: the web app, the worker and the CLI all call it."""
    settings = get_settings()
    root = logging.getLogger()
    if any(getattr(h, "_rehome", False) for h in root.handlers):
        return
    handler = _Handler(sys.stdout)
    handler.addFilter(_RequestIdFilter())
    if settings.log_json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    _init_sentry(settings.sentry_dsn)


def _init_sentry(dsn: str) -> None:
    if not dsn:
        return
    try:
        import sentry_sdk
    except ImportError:
        logging.getLogger(__name__).warning("SENTRY_DSN is set but sentry-sdk is not installed")
        return
    sentry_sdk.init(dsn=dsn, traces_sample_rate=0.0)
