"""The fault suite (bench/faults.py) as a test: the production setup on
loopback (PostgreSQL, its own Redis server, two web processes, a Celery
worker and beat, the local provider), each fault of issue 9 injected
mid-stream; every run final, one stored answer equal to what the provider
sent, one charge, viewers ending with that text once, no write lost, no 500.
About three minutes; every process it starts is stopped."""

from __future__ import annotations

import shutil

import pytest

from bench import faults
from tests.support import PG_URL

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_every_fault_loses_nothing(pg_template: str) -> None:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for the fault suite (apt-get install redis-server)")
    results = faults.run(list(faults.SCENARIOS), db_name=PG_URL.rsplit("/", 1)[1] + "_faults")
    failed = {r.name: r.failures for r in results if r.failures}
    assert len(results) == len(faults.SCENARIOS)
    assert failed == {}
