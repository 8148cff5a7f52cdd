"""What idle viewers cost (issue 9): 500 token sockets (and 500 SSE streams)
open on runs that stream nothing, then closed; CPU of the web processes,
PostgreSQL transactions and Redis connections, while open and after close.

    python -m bench.idle_sockets [count]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from pathlib import Path

import aiohttp
import httpx

from bench.stack import Stack, _children
from rehome.core.demo.content import DEMO_PASSWORD

WINDOW = 10.0  # seconds each measurement lasts
STATS_LAG = 11.0  # PostgreSQL's idle backends flush their statistics within 10 s
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def _web_pids(stack: Stack) -> list[int]:
    roots = [stack.procs[name].pid for name in ("web0", "web1")]
    return roots + [child for root in roots for child in _children(root)]


def _commits(stack: Stack) -> int:
    rows = stack.query("SELECT xact_commit FROM pg_stat_database WHERE datname = %s", stack.db_name)
    return int(rows[0][0])


def _sample(stack: Stack) -> dict[str, float]:
    """CPU over WINDOW; transactions over WINDOW too, read once PostgreSQL has
    counted them (an idle backend reports its counts up to 10 s late)."""
    time.sleep(STATS_LAG)
    pids = _web_pids(stack)
    cpu, commits = _cpu_seconds(pids), _commits(stack)
    time.sleep(WINDOW)
    cpu = _cpu_seconds(pids) - cpu
    clients = int(stack.redis().info("clients")["connected_clients"])
    time.sleep(STATS_LAG)
    return {
        "cpu_pct": round(cpu / WINDOW * 100, 1),
        "db_tx_per_s": round((_commits(stack) - commits - 2) / WINDOW, 1),  # less our own two reads
        "redis_connections": clients,
    }


def _running_runs(stack: Stack, count: int) -> tuple[list[int], list[int]]:
    user_id, workspace_id = stack.query(
        "SELECT id, workspace_id FROM users WHERE email = 'admin@oakline.demo'"
    )[0]
    threads, runs = [], []
    for _ in range(count):
        thread = stack.query(
            "INSERT INTO agent_threads (workspace_id, created_by, audience, title, status,"
            " created_at, updated_at) VALUES (%s, %s, 'admin', 'idle', 'open', now(), now()) RETURNING id",
            workspace_id,
            user_id,
        )[0][0]
        run = stack.query(
            "INSERT INTO agent_runs (thread_id, workspace_id, user_id, status, provider, model, tokens_in,"
            " tokens_out, cost_cents, estimate_cents, attempts, context_used, created_at, started_at)"
            " VALUES (%s, %s, %s, 'running', 'bench', 'bench', 0, 0, 0, 0, 1, %s, now(), now()) RETURNING id",
            thread,
            workspace_id,
            user_id,
            json.dumps({}),
        )[0][0]
        threads.append(thread)
        runs.append(run)
    return threads, runs


async def _open(stack: Stack, runs: list[int], threads: list[int]) -> tuple[aiohttp.ClientSession, list]:
    base = [f"http://127.0.0.1:{port}" for port in stack.web_ports]
    login = httpx.post(
        f"{base[0]}/auth/login", json={"email": "admin@oakline.demo", "password": DEMO_PASSWORD}
    )
    token = httpx.post(
        f"{base[0]}/api/login", json={"email": "admin@oakline.demo", "password": DEMO_PASSWORD}
    ).json()["token"]
    session = aiohttp.ClientSession(
        cookies=dict(login.cookies),
        timeout=aiohttp.ClientTimeout(total=None),
        connector=aiohttp.TCPConnector(limit=0),  # every viewer its own connection, like browsers
    )
    sockets = await asyncio.gather(
        *[
            session.ws_connect(f"{base[index % 2].replace('http', 'ws')}/api/agent/runs/{run_id}/tokens")
            for index, run_id in enumerate(runs)
        ]
    )
    bearer = {"Authorization": f"Bearer {token}"}
    streams = await asyncio.gather(
        *[
            session.get(f"{base[index % 2]}/api/agent/threads/{thread_id}/stream", headers=bearer)
            for index, thread_id in enumerate(threads)
        ]
    )
    assert all(response.status == 200 for response in streams)
    return session, [*sockets, *streams]


async def run(count: int) -> None:
    stack = Stack(os.environ.get("BENCH_DB", "rehome_bench") + "_idle")
    try:
        stack.start()
        stack.stop("beat")  # nothing may finish the idle runs meanwhile
        stack.stop("worker")
        threads, runs = _running_runs(stack, count)
        print(f"before: {_sample(stack)}", flush=True)
        session, open_ = await _open(stack, runs, threads)
        print(f"{count} token sockets + {count} SSE streams open: {await asyncio.to_thread(_sample, stack)}")
        for item in open_:
            if isinstance(item, aiohttp.ClientWebSocketResponse):
                await item.close()
            else:
                item.close()
        await session.close()
        await asyncio.sleep(2)
        print(f"after they closed: {await asyncio.to_thread(_sample, stack)}", flush=True)
        recent = stack.query(
            "SELECT left(query, 90), count(*) FROM pg_stat_activity WHERE datname = %s"
            " AND state_change > now() - interval '5 seconds' GROUP BY 1",
            stack.db_name,
        )
        print(f"statements in the last 5 s after close: {recent}", flush=True)
    finally:
        stack.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", nargs="?", type=int, default=500)
    asyncio.run(run(parser.parse_args().count))


if __name__ == "__main__":
    main()
