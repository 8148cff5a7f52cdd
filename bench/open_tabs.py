"""What open project tabs cost, and that nothing is left once they close (issue 9).

N tabs of one project (5,000 tasks, 20,000 messages) on PostgreSQL and Redis, each a
raw websocket client speaking Reflex's protocol (the page's `load` and its live relay,
as a browser tab sends them). While open and after they close: CPU of the app's
processes, PostgreSQL transactions per second, Redis connections and the app's RSS.

    BENCH_DB=rehome_bench_tabs python -m bench.open_tabs [--tabs 500]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import time
from pathlib import Path

import psycopg
import redis

from bench.common import BENCH_DB, BENCH_REDIS, PG_ADMIN, bench_app, session_cookie
from bench.live_fanout import Viewer
from bench.stack import _children
from rehome.settings import get_settings

WINDOW = 10.0
STATS_LAG = 11.0  # idle PostgreSQL backends report their counts up to 10 s late
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(root: int) -> list[int]:
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += _children(pid)
    return found


def _stat(pids: list[int]) -> tuple[float, int]:
    """CPU seconds and resident bytes of these processes."""
    cpu, rss = 0.0, 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / TICKS
        rss += int(fields[21]) * PAGE
    return cpu, rss


def _commits() -> int:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = %s", (BENCH_DB,)
        ).fetchone()
    return int(row[0]) if row else 0


def _redis_clients() -> int:
    """The app's connections: those on the bench's Redis database (others share the server)."""
    client = redis.Redis.from_url(BENCH_REDIS)
    db = client.connection_pool.connection_kwargs.get("db", 0)
    return sum(1 for c in client.client_list() if int(c.get("db", -1)) == db) - 1  # less our own


def _redis_per_process(pids: list[int]) -> list[int]:
    """Each web process's connections to Redis (the bound is per process: its
    pools' caps, see `_bound`), largest first."""
    port = redis.Redis.from_url(BENCH_REDIS).connection_pool.connection_kwargs.get("port", 6379)
    lines = subprocess.run(["ss", "-tnpH", "state", "established", "dst", f"127.0.0.1:{port}"],
                           capture_output=True, text=True).stdout  # fmt: skip
    counts = dict.fromkeys(pids, 0)
    for line in lines.splitlines():
        for pid in pids:
            counts[pid] += f"pid={pid}," in line
    return sorted((n for n in counts.values() if n), reverse=True)


def _bound() -> int:
    """What one web process may hold: our two pools, the stream hub's one
    reader, and Reflex's two clients (tab state, token manager), each its own
    capped pool (the token manager's listeners are in its pool)."""
    settings = get_settings()
    return 2 * settings.redis_max_connections + 1 + 2 * settings.reflex_redis_max_connections


def _sample(root: int) -> dict[str, float]:
    time.sleep(STATS_LAG)
    pids = _tree(root)
    (cpu, _), commits = _stat(pids), _commits()
    time.sleep(WINDOW)
    cpu_after, rss = _stat(pids)
    clients = _redis_clients()
    per_process = _redis_per_process(pids)
    time.sleep(STATS_LAG)
    return {
        "redis_per_process": per_process,
        "cpu_pct": round((cpu_after - cpu) / WINDOW * 100, 1),
        "db_tx_per_s": round((_commits() - commits - 1) / WINDOW, 1),  # less our own read
        "redis_connections": clients,
        "rss_mb": round(rss / 2**20, 1),
    }


async def run(tabs: int) -> None:
    with bench_app() as app:
        root = app.pid
        cookie = session_cookie(app.url, "bench-team@bench.demo")
        print(f"bound per web process: {_bound()} Redis connections", flush=True)
        print(f"before: {await asyncio.to_thread(_sample, root)}", flush=True)
        viewers = [Viewer(app.url, cookie, app.project_id) for _ in range(tabs)]
        for start in range(0, tabs, 50):  # as people open tabs: not all in one instant
            await asyncio.gather(*(v.open() for v in viewers[start : start + 50]))
        await asyncio.sleep(5)
        opened = await asyncio.to_thread(_sample, root)
        print(f"{tabs} project tabs open: {opened}", flush=True)
        await asyncio.gather(*(v.client.disconnect() for v in viewers))
        await asyncio.sleep(5)
        closed = await asyncio.to_thread(_sample, root)
        print(f"after they closed: {closed}", flush=True)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            recent = conn.execute(
                "SELECT left(query, 90), count(*) FROM pg_stat_activity WHERE datname = %s"
                " AND state_change > now() - interval '5 seconds' GROUP BY 1",
                (BENCH_DB,),
            ).fetchall()
        print(f"statements in the last 5 s after close: {recent}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tabs", type=int, default=500)
    asyncio.run(run(parser.parse_args().tabs))


if __name__ == "__main__":
    main()
