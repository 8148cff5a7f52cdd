"""The Celery worker's own `/metrics` (issue 12).

On Render the worker runs on another machine than the web processes, so it
cannot share their `PROMETHEUS_MULTIPROC_DIR`: with `METRICS_PORT` set it
serves its metrics (agent runs, tokens, cost, first token, mail, breaker
openings, plus the sampled queue depth and breaker state) on that port, for a
Prometheus on the private network (render.yaml makes the worker a private
service for this: background workers take no incoming traffic). On one host,
leave `METRICS_PORT` at 0 and give the worker the web's
`PROMETHEUS_MULTIPROC_DIR`: the web's `/metrics` then includes the worker.

The port opens at `worker_init`, before the broker connects, so a Redis
outage at start does not leave a private service without its port.
"""

from __future__ import annotations

import logging
from typing import Any
from wsgiref.simple_server import WSGIServer

from celery.signals import worker_init
from prometheus_client import start_http_server

from rehome.core.infra.metrics_scrape import registry
from rehome.settings import get_settings

log = logging.getLogger(__name__)


def serve(port: int, addr: str = "0.0.0.0") -> WSGIServer:  # noqa: S104  (a private-network port)
    server, _ = start_http_server(port, addr=addr, registry=registry())
    log.info("worker metrics served", extra={"port": port})
    return server


@worker_init.connect
def _serve_metrics(**_: Any) -> None:
    port = get_settings().metrics_port
    if port:
        serve(port)
