"""REST API list endpoints under a steady 200 requests/s (F-50, issue 13: p99 < 50 ms,
CPU per request within 1.5x of the same SQL in a bare FastAPI app).

Both servers run in the same run, one after the other, on the same database:
ReHome's API (`bench.webapp`, Granian, as `reflex run --env prod` serves it)
and the floor (`bench.baselines.sql_api`), which replays the SQL recorded
from ReHome's own routes for the same three requests. Each gets the same
open-loop load: requests start on a fixed schedule whether or not earlier
ones have answered, so a slow server shows up as latency instead of a lower
rate. The mix is the mobile app's: the project list, a page of the board's
tasks and a page of chat messages of the 5,000-task, 20,000-message project,
as a team member with a bearer token. Latency is client side, from the
scheduled start to the last byte; CPU per request is the server processes'
user+system time over the window divided by the requests answered. The
client is aiohttp in this process, on the same two cores.

Usage: python -m bench.api_load [--rate 200] [--seconds 20] [--runs 3] [--workers 2]
Env: BENCH_PG_ADMIN (admin URL), BENCH_DB (default rehome_bench_perf13a_api),
BENCH_REDIS_URL, BENCH_REUSE=1 (keep the database an earlier run seeded).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import pickle
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import httpx
import psycopg
import redis

from bench.common import PG_ADMIN, fmt, percentiles
from bench.procs import descendants
from tests.e2e.appserver import free_port
from tests.support import BASE_ENV, ROOT, apply_env, migrate, recorded_queries

BENCH_DB = os.environ.get("BENCH_DB", "rehome_bench_perf13a_api")
BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
GRANIAN = str(ROOT / ".venv" / "bin" / "granian")
READER = "bench-team@bench.demo"


async def _one(
    client: aiohttp.ClientSession, path: str, due: float, latencies: list[float], errors: list[int]
) -> None:
    await asyncio.sleep(max(0.0, due - time.perf_counter()))
    try:
        async with client.get(path) as response:
            await response.read()
    except (aiohttp.ClientError, TimeoutError):
        errors.append(0)  # no answer within the client's timeout: counted, not timed
        return
    latencies.append((time.perf_counter() - due) * 1000)
    if response.status != 200:
        errors.append(response.status)


async def load(url: str, headers: dict[str, str], paths: list[str], rate: int, seconds: int) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    connector = aiohttp.TCPConnector(limit=200)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(url, headers=headers, connector=connector, timeout=timeout) as client:
        for path in paths * 5:  # warm each endpoint
            async with client.get(path) as response:
                response.raise_for_status()
        start = time.perf_counter() + 0.5
        jobs = [
            _one(client, path, start + i / rate, latencies, errors)
            for i, path in zip(range(rate * seconds), itertools.cycle(paths), strict=False)
        ]
        await asyncio.gather(*jobs)
        elapsed = time.perf_counter() - start
    return {"stats": percentiles(latencies), "errors": errors, "rate": len(latencies) / elapsed}


def cpu_seconds(root: int) -> float:
    """User+system time of a process tree (live processes), in seconds."""
    ticks = 0
    for pid in descendants(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def prepare_database(env: dict[str, str]) -> tuple[int, str]:
    """A fresh database with the big project; returns its id and a bearer token."""
    from bench.seed import seed

    if os.environ.get("BENCH_REUSE"):  # the database a previous run seeded
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            row = conn.execute("SELECT max(id) FROM projects WHERE name LIKE 'Big build%'").fetchone()
        return int(row[0] if row else 0), ""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    redis.Redis.from_url(BENCH_REDIS).flushdb()
    apply_env(**env)
    migrate(env["DATABASE_URL"])
    project_id = seed(5000, 20000)
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("ANALYZE")
    return project_id, ""


def record(env: dict[str, str], paths: dict[str, str]) -> tuple[dict[str, str], dict[str, list]]:
    """Log in, then record the SQL each request sends through ReHome's real routes."""
    from fastapi.testclient import TestClient

    from bench.webapp import app
    from rehome.core.demo.content import DEMO_PASSWORD

    apply_env(**env)
    with TestClient(app()) as client:
        login = client.post("/api/login", json={"email": READER, "password": DEMO_PASSWORD})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        recorded = {}
        for name, path in paths.items():
            client.get(path, headers=headers).raise_for_status()  # touches the token once
            with recorded_queries(every_thread=True) as statements:  # the route runs in the client's threads
                client.get(path, headers=headers).raise_for_status()
            if not statements:
                raise RuntimeError(f"no SQL recorded for {path}")
            recorded[name] = statements
    return headers, recorded


@contextmanager
def serve(command: list[str], env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/api/projects", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield url, proc.pid
    finally:
        family = descendants(proc.pid)
        proc.send_signal(signal.SIGINT)  # Granian's own graceful stop
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            for pid in family:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            proc.wait(timeout=15)


def measure(url: str, pid: int, headers: dict[str, str], paths: list[str], args: argparse.Namespace) -> dict:
    before = cpu_seconds(pid)
    result = asyncio.run(load(url, headers, paths, args.rate, args.seconds))
    used = cpu_seconds(pid) - before
    result["cpu_ms"] = used * 1000 / result["stats"]["n"]
    result["load"] = os.getloadavg()[0]
    return result


def _summary(name: str, runs: list[dict]) -> str:
    def cell(values: list[float]) -> str:
        return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"

    p50 = cell([r["stats"]["p50"] for r in runs])
    p99 = cell([r["stats"]["p99"] for r in runs])
    cpu = cell([r["cpu_ms"] for r in runs])
    return f"{name:<7} p50 {p50} ms | p99 {p99} ms | CPU/request {cpu} ms"


def server_env(tmp: Path) -> dict[str, str]:
    """The web process's environment as production runs it (JSON access logs,
    Redis, PostgreSQL), with a rate limit no bench reaches."""
    return {
        **os.environ,
        **BASE_ENV,
        "APP_ENV": "production",
        "LOG_JSON": "true",
        "LOG_LEVEL": "INFO",
        "DATA_DIR": str(tmp / "data"),
        "DATABASE_URL": PG_ADMIN.rsplit("/", 1)[0] + f"/{BENCH_DB}",
        "REDIS_URL": BENCH_REDIS,
        "CELERY_BROKER_URL": BENCH_REDIS,
        "API_RATE_PER_MINUTE": "1000000",
        "PYTHONPATH": str(ROOT),
    }


def list_paths(project_id: int) -> dict[str, str]:
    """The mobile app's three list requests on the big project."""
    return {
        "projects": "/api/projects?limit=20",
        "tasks": f"/api/projects/{project_id}/tasks?limit=50",
        "messages": f"/api/projects/{project_id}/messages?limit=50",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rehome-api-load-"))
    env = server_env(tmp)
    db_url = env["DATABASE_URL"]
    project_id, _ = prepare_database(env)
    paths = list_paths(project_id)
    headers, recorded = record(env, paths)
    (tmp / "recording.pickle").write_bytes(pickle.dumps(recorded))
    print("statements per request:", {name: len(s) for name, s in recorded.items()})
    floor_env = {**env, "SQL_API_DATABASE_URL": db_url, "SQL_API_RECORDING": str(tmp / "recording.pickle")}
    workers = ["--interface", "asgi", "--factory", "--workers", str(args.workers)]
    servers = {
        "rehome": ([GRANIAN, *workers, "bench.webapp:app"], env),
        "floor": ([GRANIAN, *workers, "bench.baselines.sql_api:app"], floor_env),
    }
    results: dict[str, list[dict]] = {name: [] for name in servers}
    for run in range(1, args.runs + 1):
        for name, (command, with_env) in servers.items():
            with serve(command, with_env, tmp / f"{name}.log") as (url, pid):
                result = measure(url, pid, headers, list(paths.values()), args)
            results[name].append(result)
            print(
                f"run {run} {name:<7} achieved={result['rate']:.0f}/s errors={len(result['errors'])} "
                f"cpu/req={result['cpu_ms']:.2f}ms load={result['load']:.2f} {fmt(result['stats'])}",
                flush=True,
            )
    print(
        f"\n{args.rate} req/s, {args.seconds} s, {args.workers} workers, {args.runs} runs, median (min-max):"
    )
    for name, runs in results.items():
        print(_summary(name, runs))
    ratio = [r["cpu_ms"] / f["cpu_ms"] for r, f in zip(results["rehome"], results["floor"], strict=True)]
    print(f"CPU ratio rehome/floor: {statistics.median(ratio):.2f} ({min(ratio):.2f}-{max(ratio):.2f})")


if __name__ == "__main__":
    main()
