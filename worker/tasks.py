"""Thin Celery wrappers around core jobs: arguments are ids and plain values."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from celery.signals import worker_init, worker_process_init, worker_ready

from rehome.core.infra.health import WORKER_HEARTBEAT_KEY
from rehome.core.infra.jobs import run_job
from rehome.core.infra.kv import get_redis
from worker.app import celery_app
from worker.dispatch import install_dispatcher

log = logging.getLogger(__name__)
HEARTBEAT_EVERY = 20  # seconds; /health calls a worker stale after 90


@celery_app.task(
    name="rehome.run_job",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def run_job_task(name: str, kwargs: dict[str, Any]) -> None:
    run_job(name, kwargs)


@celery_app.task(name="rehome.agent_run", acks_late=True, reject_on_worker_lost=True, max_retries=0)
def agent_run_task(run_id: int) -> None:
    """Ids only; redelivery is safe: the runner claims a run once and finishes it once."""
    run_job("agent.run", {"run_id": int(run_id)})


def _heartbeat_forever() -> None:
    while True:
        try:
            get_redis().set(WORKER_HEARTBEAT_KEY, str(time.time()), ex=300)
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
