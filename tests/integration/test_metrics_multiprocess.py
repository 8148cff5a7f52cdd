"""Multiprocess mode: two processes (as two web workers, or a web worker and
a Celery worker on one host) record into one PROMETHEUS_MULTIPROC_DIR, and
one scrape of `/metrics` over HTTP sees both, added up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.support import ROOT, apply_env

WRITER = """
import os, sys
from rehome.core.infra import metrics
metrics.run_finished("succeeded", "anthropic", 10, 5, 0.25)
metrics.observe_request("GET", "/api/projects", 200, 0.01)
sys.stdout.write(str(os.getpid()))
"""


def _write(directory: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "APP_ENV": "test", "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )


def test_one_scrape_sees_both_processes(client, tmp_path: Path) -> None:
    directory = tmp_path / "prom"
    writers = [_write(directory), _write(directory)]  # both run at once
    pids = {writer.communicate(timeout=60)[0] for writer in writers}
    assert all(writer.returncode == 0 for writer in writers)
    assert len(pids) == 2
    assert {p.name.rsplit("_", 1)[-1].removesuffix(".db") for p in directory.glob("*.db")} >= pids

    apply_env(PROMETHEUS_MULTIPROC_DIR=str(directory))  # this process scrapes them
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    samples = [s for family in text_string_to_metric_families(response.text) for s in family.samples]

    def value(name: str, **labels: str) -> float:
        return sum(s.value for s in samples if s.name == name and labels.items() <= s.labels.items())

    assert value("rehome_agent_runs_total", status="succeeded") == 2
    assert value("rehome_agent_tokens_total", direction="in") == 20
    assert value("rehome_agent_cost_cents_total") == 0.5
    assert value("rehome_http_request_duration_seconds_count", route="/api/projects") == 2
    assert any(s.name == "rehome_breaker_state" for s in samples)  # sampled at scrape time too
