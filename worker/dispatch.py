"""Send core jobs to Celery when a broker is configured (web, worker and CLI call this)."""

from __future__ import annotations

from typing import Any

from rehome.core.infra import jobs
from rehome.logs import request_id
from rehome.settings import get_settings


def install_dispatcher() -> None:
    if not get_settings().celery_broker_url:
        jobs.set_dispatcher(None)
        from rehome.core.agent import sweeper

        if get_settings().app_env != "test":  # tests sweep when they mean to
            sweeper.start_background()  # no beat without Celery: a thread sweeps
        return
    from worker.app import celery_app

    def send(name: str, kwargs: dict[str, Any]) -> None:
        headers = {"rehome_request_id": request_id()}  # the web request's id, on the worker's lines too
        if name == "agent.run":  # its own task: acknowledged late, never auto-retried
            celery_app.send_task("rehome.agent_run", args=[kwargs["run_id"]], headers=headers)
        else:
            celery_app.send_task("rehome.run_job", args=[name, kwargs], headers=headers)

    jobs.set_dispatcher(send)
