"""Thin Celery wrappers around core jobs: arguments are ids and plain values."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from celery import Task
from celery.signals import worker_init, worker_process_init, worker_ready, worker_shutting_down

from rehome.core.agent import shutdown, sweeper
from rehome.core.infra import reporting
from rehome.core.infra.health import WORKER_HEARTBEAT_KEY, WORKER_HEARTBEAT_TTL
from rehome.core.infra.jobs import run_job
from rehome.core.infra.kv import get_redis
from rehome.logs import bind_run, set_request_id
from rehome.settings import get_settings
from worker.app import celery_app
from worker.dispatch import install_dispatcher

log = logging.getLogger(__name__)
HEARTBEAT_EVERY = 5  # seconds; the key lives WORKER_HEARTBEAT_TTL, so /health knows within 15 s


def _bind(task: Task) -> None:
    """The web request's id (sent as a message header) on every line of this job."""
    set_request_id(getattr(task.request, "rehome_request_id", None))


@celery_app.task(
    name="rehome.run_job",
    bind=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def run_job_task(self: Task, name: str, kwargs: dict[str, Any]) -> None:
    _bind(self)
    run_job(name, kwargs)


@celery_app.task(
    name="rehome.agent_run", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=0
)
def agent_run_task(self: Task, run_id: int) -> None:
    """Ids only; redelivery is safe: a run is claimed by one worker at a time
    (a lease), taken over when its worker is gone, and finished once."""
    _bind(self)
    bind_run(int(run_id))
    reporting.tag_run(int(run_id))
    try:
        run_job("agent.run", {"run_id": int(run_id)})
    finally:
        bind_run(None)


@celery_app.task(name="rehome.sweep_runs", ignore_result=True)
def sweep_runs_task() -> None:
    """On beat: finish or re-queue runs whose worker or broker message was lost."""
    sweeper.sweep()


def _heartbeat_forever() -> None:
    while True:
        try:
            get_redis().set(WORKER_HEARTBEAT_KEY, str(time.time()), ex=WORKER_HEARTBEAT_TTL)
        except Exception:  # Redis may blip; the next beat will tell
            log.warning("worker heartbeat failed", exc_info=True)
        time.sleep(HEARTBEAT_EVERY)


@worker_ready.connect
def _start_heartbeat(**_: Any) -> None:
    threading.Thread(target=_heartbeat_forever, name="rehome-heartbeat", daemon=True).start()


@worker_init.connect
@worker_process_init.connect
def _dispatch_through_the_broker(**_: Any) -> None:
    """Jobs that queue jobs (the digest tick queues one per project, a digest
    queues its mails) send them through the broker too, never to a thread pool
    inside this worker, where they would be lost with it."""
    install_dispatcher()


@worker_shutting_down.connect
def _shutting_down(**_: Any) -> None:
    """SIGTERM (a deploy): take nothing new, let runs finish within the grace
    period, then hand the rest back to the queue (see core.agent.shutdown)."""
    grace = get_settings().worker_shutdown_grace
    log.info("worker shutting down", extra={"grace_s": grace})
    shutdown.begin(grace)
