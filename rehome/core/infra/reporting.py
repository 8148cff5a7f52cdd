"""Error reports to Sentry when `SENTRY_DSN` is set (issue 12).

The web (`rehome.rehome`: FastAPI and Reflex's event handlers) and the
Celery worker (`worker.app`) each call `init` with their integrations.
Auto-enabled integrations are off: the AI SDK and Redis integrations would
record prompts and keys, and we want to know exactly what is sent. Every
event carries the request id and the agent run id of the context it was
raised in (the same context variables the JSON logs use, bound by the
request middleware and the agent runner), and passes through `scrub` first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import sentry_sdk
from sentry_sdk.integrations import Integration

from rehome.core.infra.scrub import scrub_breadcrumb, scrub_event
from rehome.logs import request_id, run_id
from rehome.settings import get_settings

log = logging.getLogger(__name__)


def _tagged(event: dict[str, Any]) -> dict[str, Any]:
    tags = event.setdefault("tags", {})
    if isinstance(tags, dict):
        if (rid := request_id()) and "request_id" not in tags:
            tags["request_id"] = rid
        if (run := run_id()) is not None and "run_id" not in tags:
            tags["run_id"] = str(run)
    return event


def before_send(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any] | None:
    return scrub_event(_tagged(event))


def before_breadcrumb(crumb: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any] | None:
    return scrub_breadcrumb(crumb)


def init(component: str, integrations: Sequence[Integration] = ()) -> bool:
    """Start reporting for this process; False (and nothing sent) without a DSN."""
    settings = get_settings()
    if not settings.sentry_dsn:
        return False
    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.sentry_environment or settings.app_env,
        server_name=component,
        integrations=list(integrations),
        auto_enabling_integrations=False,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=settings.sentry_traces_sample_rate,
        before_send=before_send,  # type: ignore[arg-type]
        before_send_transaction=before_send,  # type: ignore[arg-type]
        before_breadcrumb=before_breadcrumb,
    )
    sentry_sdk.set_tag("component", component)
    log.info("error reporting on", extra={"component": component})
    return True


def tag_run(run_id: int) -> None:
    """Name the run on this scope: a Celery task has a scope of its own, so an
    error that escapes the task (after the runner has unbound the run from
    its context) still says which run it was."""
    sentry_sdk.get_isolation_scope().set_tag("run_id", str(run_id))


def capture(error: BaseException) -> None:
    """Report an error that a framework handled (Reflex's event handlers)."""
    sentry_sdk.capture_exception(error)
