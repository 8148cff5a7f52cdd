"""The Celery worker's own metrics endpoint (METRICS_PORT), for a worker on
another host than the web processes: it serves what the worker recorded plus
the sampled queue depth, in a format prometheus-client parses."""

from __future__ import annotations

import socket

import httpx
from prometheus_client.parser import text_string_to_metric_families

from rehome.core.infra import metrics
from worker import metrics_server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_worker_serves_its_metrics_on_its_port(real_redis: str) -> None:
    metrics.run_finished("failed", "openai", 3, 1, 0.01)
    metrics.mail_finished("sent", "smtp")
    port = _free_port()
    server = metrics_server.serve(port, addr="127.0.0.1")
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    finally:
        server.shutdown()
    assert response.status_code == 200
    names = {f.name for f in text_string_to_metric_families(response.text)}
    assert {"rehome_agent_runs", "rehome_mail", "rehome_queue_depth", "rehome_breaker_state"} <= names
    assert 'rehome_agent_runs_total{status="failed"}' in response.text
