"""Reflex event handler errors go to the error tracker (issue 12).

Reflex catches an exception raised in an event handler itself and hands it
to the app's `backend_exception_handler`, so it never reaches Sentry's web
integrations: this handler reports it (scrubbed like every event, see
`core.infra.scrub`) and then shows Reflex's usual toast.
"""

from __future__ import annotations

from reflex.app import default_backend_exception_handler
from reflex.event import EventSpec

from rehome.core.infra import reporting


def report_backend_error(exception: Exception) -> EventSpec:
    reporting.capture(exception)
    return default_backend_exception_handler(exception)
