"""The Celery app: broker and settings from ReHome's settings, and the beat
schedule (`core.infra.schedule.PERIODIC`, the same table the embedded default runs)."""

from __future__ import annotations

from celery import Celery
from celery.schedules import crontab

from rehome.core.infra.schedule import PERIODIC
from rehome.logs import configure_logging
from rehome.settings import get_settings

configure_logging()
_settings = get_settings()

celery_app = Celery("rehome", broker=_settings.celery_broker_url or "memory://", include=["worker.tasks"])
celery_app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_backend=None,
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
    enable_utc=True,
    worker_hijack_root_logger=False,
)

celery_app.conf.beat_schedule = {
    entry.name: {
        "task": "rehome.run_job",
        "schedule": crontab(minute=entry.minute),
        "args": (entry.job, {}),
        "options": {"expires": 55},  # a tick that waited a minute in the queue is stale
    }
    for entry in PERIODIC
}
