"""CPU per request of the REST list endpoints, in process, against the floor
(issue 13: within 1.5x of the same SQL in a bare FastAPI app).

`bench.api_load` measures the servers under Granian with a load generator on
the same cores, which is noisy on a shared machine. This calls both ASGI apps
directly, one request at a time, in this process: ReHome's API as
`bench.webapp` builds it (middleware, JSON access logs, metrics, the rate
limit in Redis, the bearer token, the access layer) and the floor
(`bench.baselines.sql_api`) replaying the SQL recorded from ReHome's routes.
The process's CPU time (`time.process_time`, every thread: sync routes run in
the worker threads as under a server) over N requests, divided by N, is the
CPU per request; each endpoint is measured in several rounds, apps
alternating; the median round is reported, and the fastest (the least
disturbed by other work on a shared machine).

`--profile ENDPOINT` runs cProfile over that endpoint instead. Sync routes
then run inline on the event loop's thread (cProfile sees one thread), so the
profile leaves out the thread hops the CPU numbers include.

Usage: python -m bench.api_profile [--requests 300] [--rounds 5] [--profile tasks] [--top 40]
Env: BENCH_DB, BENCH_REDIS_URL, BENCH_REUSE=1 (as `bench.api_load`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pickle
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread

from bench.api_load import list_paths, prepare_database, record, sent_statements, server_env

Asgi = Callable[..., Awaitable[None]]


async def call(app: Asgi, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """One GET straight into the ASGI app: no client, no sockets."""
    raw, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw,
        "raw_path": raw.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench")] + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    sent = False
    status, body = 0, []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # nothing more to read, like an idle client
        sent = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(body)


async def cpu_per_request(app: Asgi, path: str, headers: dict[str, str], count: int) -> tuple[float, float]:
    """CPU and wall milliseconds per request over `count` sequential requests."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(count):
        status, _ = await call(app, path, headers)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
    return (time.process_time() - cpu) * 1000 / count, (time.perf_counter() - wall) * 1000 / count


@contextmanager
def inline_threads() -> Iterator[None]:
    """Sync routes and dependencies run on the loop's thread (for cProfile)."""
    original = anyio.to_thread.run_sync

    async def run_sync(func: Callable[..., Any], *args: Any, **_kwargs: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]
    try:
        yield
    finally:
        anyio.to_thread.run_sync = original


async def compare(apps: dict[str, Asgi], paths: dict[str, str], headers: dict[str, str], args: Any) -> None:
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for app in apps.values():  # warm: first-use imports, pools, caches
        for path in paths.values():
            await cpu_per_request(app, path, headers, 20)
    for endpoint, path in paths.items():
        with sent_statements() as seen:
            await call(apps["rehome"], path, headers)
        print(f"{endpoint}: {len(seen)} SQL statements per request (rehome)", flush=True)
    for _ in range(args.rounds):
        for endpoint, path in paths.items():
            for name, app in apps.items():
                results.setdefault((endpoint, name), []).append(
                    await cpu_per_request(app, path, headers, args.requests)
                )
    load = os.getloadavg()
    print(f"\n{args.requests} requests x {args.rounds} rounds; load {load[0]:.2f} {load[1]:.2f}")
    print("CPU ms per request: median round (fastest round); the fastest is the least disturbed")
    print("endpoint   rehome           floor            ratio          rehome wall  floor wall")
    for endpoint in paths:
        ours = [c for c, _ in results[(endpoint, "rehome")]]
        floor = [c for c, _ in results[(endpoint, "floor")]]
        wall = statistics.median(w for _, w in results[(endpoint, "rehome")])
        fwall = statistics.median(w for _, w in results[(endpoint, "floor")])
        cpu, fcpu = statistics.median(ours), statistics.median(floor)
        ratios = f"{cpu / fcpu:>5.2f}x ({min(ours) / min(floor):.2f}x)"
        cpus = f"{cpu:>6.2f} ({min(ours):.2f}) {fcpu:>6.2f} ({min(floor):.2f})"
        print(f"{endpoint:<10} {cpus} {ratios} {wall:>9.2f} ms {fwall:>8.2f} ms")


async def profile(app: Asgi, path: str, headers: dict[str, str], args: Any) -> None:
    with inline_threads():
        await cpu_per_request(app, path, headers, 20)
        profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting on I/O
        profiler.enable()
        cpu, _ = await cpu_per_request(app, path, headers, args.requests)
        profiler.disable()
    print(f"{path}: {cpu:.2f} ms CPU per request under cProfile (inline, profiler overhead included)")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats(args.sort).print_stats(args.top)
    if args.dump:
        stats.dump_stats(args.dump)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", choices=["projects", "tasks", "messages"])
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--dump", help="write the cProfile stats here")
    parser.add_argument("--inline", action="store_true", help="sync routes on the loop's thread (no hops)")
    args = parser.parse_args()
    # The JSON access log's handler keeps the stdout it was made with: nowhere.
    out, sys.stdout = sys.stdout, open(os.devnull, "w")  # noqa: SIM115
    try:
        tmp = Path(tempfile.mkdtemp(prefix="rehome-api-profile-"))
        env = server_env(tmp)
        os.environ.update(env)
        paths = list_paths(prepare_database(env)[0])
        logging.getLogger().handlers.clear()  # alembic's, when the database was just migrated
        headers, recorded = record(env, paths)
        (tmp / "recording.pickle").write_bytes(pickle.dumps(recorded))
        os.environ["SQL_API_DATABASE_URL"] = env["DATABASE_URL"]
        os.environ["SQL_API_RECORDING"] = str(tmp / "recording.pickle")
        from bench.baselines import sql_api
        from bench.webapp import app as rehome_app

        apps: dict[str, Asgi] = {"rehome": rehome_app(), "floor": sql_api.app()}
    finally:
        sys.stdout = out
    print("statements recorded for the floor:", {name: len(s) for name, s in recorded.items()}, flush=True)
    if args.profile:
        asyncio.run(profile(apps["rehome"], paths[args.profile], headers, args))
    elif args.inline:
        with inline_threads():
            asyncio.run(compare(apps, paths, headers, args))
    else:
        asyncio.run(compare(apps, paths, headers, args))


if __name__ == "__main__":
    main()
