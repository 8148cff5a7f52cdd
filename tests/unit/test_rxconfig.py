"""Reflex's own Redis client (tab state and its locks) gets a bounded pool.

Uncapped, its pool kept a connection for every tab that was ever busy at
once (issue 9: 807 connections after 500 tabs had closed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.support import ROOT

PROBE = """
import json, rxconfig
from reflex.utils import prerequisites
from rehome.settings import Settings
Settings()  # what rxconfig put in the environment still reads as our settings
client = prerequisites.get_redis()
pool = client.connection_pool
print(json.dumps({"kind": type(pool).__name__, "max": pool.max_connections, "wait": pool.timeout}))
"""


def _pool(**env: str) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("REFLEX_REDIS")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, "REDIS_URL": "redis://127.0.0.1:6379/0", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_reflex_redis_pool_is_capped_by_our_setting() -> None:
    assert _pool() == {
        "kind": "BlockingConnectionPool",
        "max": 48,
        "wait": 8.0,
    }
    assert _pool(REFLEX_REDIS_MAX_CONNECTIONS="7")["max"] == 7  # an operator's own value wins
