"""The Celery app: broker and settings from ReHome's settings, and the beat
schedule (`core.infra.schedule.PERIODIC`, the same table the embedded default
runs, plus the sweeper of orphaned runs every few seconds).

Agent runs wait on the network, not the CPU, so the worker runs a thread
pool (`-P threads -c 128` in render.yaml): one process streams over a
hundred answers at once and a few hung provider calls never hold up the
rest (issue 9). The broker connection is retried forever with short socket
timeouts, so a Redis outage pauses the worker instead of ending it.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging
from sentry_sdk.integrations.celery import CeleryIntegration

from rehome.core.infra import reporting
from rehome.core.infra.schedule import PERIODIC
from rehome.logs import configure_logging
from rehome.settings import get_settings
from worker import broker_fix
from worker.dispatch import install_dispatcher

SWEEP_EVERY = 5.0  # seconds between sweeps of orphaned and lost runs


@setup_logging.connect
def _our_logging(**_: Any) -> None:
    """Celery's own log setup is replaced by ours (one JSON formatter)."""
    configure_logging()


configure_logging()
reporting.init("worker", [CeleryIntegration(monitor_beat_tasks=False)])
broker_fix.install()
_settings = get_settings()

celery_app = Celery(
    "rehome",
    broker=_settings.celery_broker_url or "memory://",
    include=["worker.tasks", "worker.metrics_server"],
)
celery_app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_backend=None,
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry=True,
    broker_connection_retry_on_startup=True,
    broker_connection_max_retries=None,  # ride out any Redis outage; never exit for it
    broker_connection_timeout=5,
    broker_pool_limit=10,
    broker_transport_options={
        "socket_timeout": 10,
        "socket_connect_timeout": 5,
        "socket_keepalive": True,
        "retry_on_timeout": True,
        "health_check_interval": 10,
        # A message unacked this long goes back to the queue. Runs are
        # recovered much sooner by their lease and the sweeper; this only
        # bounds how long a lost message can hide.
        "visibility_timeout": 900,
    },
    worker_cancel_long_running_tasks_on_connection_loss=False,
    task_publish_retry=True,
    task_publish_retry_policy={
        "max_retries": 10,
        "interval_start": 0.2,
        "interval_step": 0.5,
        "interval_max": 2,
    },
    timezone="UTC",
    enable_utc=True,
    worker_hijack_root_logger=False,
    worker_redirect_stdouts=False,
    beat_schedule={
        "sweep-agent-runs": {
            "task": "rehome.sweep_runs",
            "schedule": SWEEP_EVERY,
            "options": {"expires": 30},
        },
    },
)

celery_app.conf.beat_schedule |= {
    entry.name: {
        "task": "rehome.run_job",
        "schedule": crontab(minute=entry.minute, hour=entry.hour),
        "args": (entry.job, {}),
        "options": {"expires": 55},  # a tick that waited a minute in the queue is stale
    }
    for entry in PERIODIC
}
install_dispatcher()
