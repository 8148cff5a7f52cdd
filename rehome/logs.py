"""JSON logs on stdout, each line carrying the request's correlation id and,
in agent work, the run's id (error reports read the same two, see
`core.infra.reporting`) (issue 9: one formatter for our lines and for
Granian's, Uvicorn's, Celery's and Reflex's loggers alike)."""

from __future__ import annotations

import logging
import sys
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

from rehome.settings import get_settings

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_run_id: ContextVar[int | None] = ContextVar("run_id", default=None)
# Libraries that install handlers of their own: their records go to ours.
_FOREIGN_LOGGERS = (
    "granian",
    "granian.access",
    "granian.server",
    "_granian",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "celery",
    "celery.app.trace",
    "celery.worker",
    "celery.beat",
    "kombu",
    "reflex",
    "alembic",
)


def request_id() -> str:
    return _request_id.get()


def set_request_id(value: str | None = None) -> str:
    """Use a caller's id when it is sane, otherwise make a fresh one."""
    if not value or len(value) > 64 or not value.replace("-", "").isalnum():
        value = uuid.uuid4().hex
    _request_id.set(value)
    return value


def run_id() -> int | None:
    """The agent run this context works on (error reports carry it too)."""
    return _run_id.get()


def bind_run(run_id: int | None) -> None:
    """Every line logged from here on (in this context) names the run."""
    _run_id.set(run_id)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or _request_id.get()
        if getattr(record, "run_id", None) is None:
            record.run_id = _run_id.get()
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
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(run_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    adopt_foreign_loggers()


def adopt_foreign_loggers() -> None:
    """Send the libraries' own loggers through the root's one JSON handler
    (they may have installed plain-text handlers before we were called)."""
    for name in _FOREIGN_LOGGERS:
        logger = logging.getLogger(name)
        for old in list(logger.handlers):
            logger.removeHandler(old)
        logger.propagate = True
