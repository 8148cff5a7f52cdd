"""Background jobs: Celery when a broker is configured, a thread pool otherwise.

Jobs are named and resolved lazily from `JOBS`, so the core never imports
Celery: the worker installs a dispatcher that sends by name, and the embedded
default runs the same function in a local thread.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlmodel import Session

from rehome.core.infra.db import on_commit

log = logging.getLogger(__name__)

JOBS: dict[str, str] = {
    "mail.send": "rehome.core.mail.outbox:deliver",
    "mail.mention_sweep": "rehome.core.mail.mentions:sweep",
    "agent.run": "rehome.core.agent.runner:execute_run",
    "digests.tick": "rehome.core.digests.schedule:tick",
    "digests.project": "rehome.core.digests.jobs:project_digest",
    "digests.weekly": "rehome.core.digests.jobs:weekly_rollup",
    "digests.client_update": "rehome.core.digests.jobs:client_update_draft",
    "digests.summary": "rehome.core.digests.jobs:on_demand_summary",
    "files.scan": "rehome.core.files.scan:scan_file",
    "files.thumbnail": "rehome.core.files.thumbs:make_previews",
    "files.purge": "rehome.core.files.storage:purge",
    "backup.nightly": "rehome.core.backup.dump:nightly",
}

Dispatcher = Callable[[str, dict[str, Any]], None]
_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="rehome-job")
_pending: set[Future[None]] = set()


def resolve(name: str) -> Callable[..., Any]:
    module_name, _, attr = JOBS[name].partition(":")
    return getattr(importlib.import_module(module_name), attr)


def run_job(name: str, kwargs: dict[str, Any]) -> Any:
    """Run one job here and now (the Celery task and the thread pool call this)."""
    return resolve(name)(**kwargs)


def _run_logged(name: str, kwargs: dict[str, Any]) -> None:
    try:
        run_job(name, kwargs)
    except Exception:
        log.exception("job failed", extra={"job": name})


def _dispatch_local(name: str, kwargs: dict[str, Any]) -> None:
    future = _executor.submit(_run_logged, name, kwargs)
    _pending.add(future)
    future.add_done_callback(_pending.discard)


_dispatcher: Dispatcher = _dispatch_local


def set_dispatcher(dispatcher: Dispatcher | None) -> None:
    """Install the Celery dispatcher, or `None` for the local thread pool."""
    global _dispatcher
    _dispatcher = dispatcher or _dispatch_local


def enqueue(name: str, **kwargs: Any) -> None:
    if name not in JOBS:
        raise KeyError(f"unknown job {name!r}")
    _dispatcher(name, kwargs)


def enqueue_on_commit(session: Session, name: str, **kwargs: Any) -> None:
    """Queue the job only once the surrounding transaction has committed."""
    on_commit(session, lambda: enqueue(name, **kwargs))


def backlog() -> int:
    """Local jobs queued or running in this process (the embedded queue depth)."""
    return len(_pending)


def wait_local(timeout: float = 10.0) -> None:
    """Wait for local jobs to finish (CLI commands and tests)."""
    for future in list(_pending):
        future.result(timeout=timeout)
