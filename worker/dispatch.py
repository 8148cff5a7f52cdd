"""Send core jobs to Celery when a broker is configured (web and CLI call this)."""

from __future__ import annotations

from typing import Any

from rehome.core.infra import jobs
from rehome.settings import get_settings


def install_dispatcher() -> None:
    if not get_settings().celery_broker_url:
        jobs.set_dispatcher(None)
        return
    from worker.app import celery_app

    def send(name: str, kwargs: dict[str, Any]) -> None:
        if name == "agent.run":  # its own task: acknowledged late, never auto-retried
            celery_app.send_task("rehome.agent_run", args=[kwargs["run_id"]])
        else:
            celery_app.send_task("rehome.run_job", args=[name, kwargs])

    jobs.set_dispatcher(send)
