"""REST API list endpoints under a steady 200 requests/s (F-50: p99 < 50 ms).

Open loop: requests start on a fixed schedule whether or not earlier ones have
answered, so a slow server shows up as latency instead of a lower rate. The
mix is the mobile app's: the project list, a page of the board's tasks and a
page of chat messages of the 5,000-task, 20,000-message project, as a team
member with a bearer token. Latency is measured client side, from the
scheduled start to the last byte. The client is aiohttp: on a machine shared
with the server, the generator's own CPU (httpx took about twice as much)
is taken from the server.

Usage: python -m bench.api_load [--rate 50 100 200] [--seconds 20] [--mode redis|embedded]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time

import aiohttp

from bench.common import api_headers, bench_app, fmt, percentiles


async def _one(
    client: aiohttp.ClientSession, path: str, due: float, latencies: list[float], errors: list[int]
) -> None:
    await asyncio.sleep(max(0.0, due - time.perf_counter()))
    async with client.get(path) as response:
        await response.read()
    latencies.append((time.perf_counter() - due) * 1000)
    if response.status != 200:
        errors.append(response.status)


async def load(url: str, headers: dict[str, str], paths: list[str], rate: int, seconds: int) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    connector = aiohttp.TCPConnector(limit=200)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(url, headers=headers, connector=connector, timeout=timeout) as client:
        for path in paths:  # warm each endpoint
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, nargs="+", default=[200], help="requests/s, one run each")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--mode", choices=["redis", "embedded"], default="redis")
    args = parser.parse_args()
    with bench_app(mode=args.mode) as app:
        headers = api_headers(app.url, "bench-team@bench.demo")
        paths = [
            "/api/projects?limit=20",
            f"/api/projects/{app.project_id}/tasks?limit=50",
            f"/api/projects/{app.project_id}/messages?limit=50",
        ]
        for rate in args.rate:
            result = asyncio.run(load(app.url, headers, paths, rate, args.seconds))
            errors = len(result["errors"])
            print(f"mode={args.mode} target={rate}/s achieved={result['rate']:.0f}/s errors={errors}")
            print("  list endpoints:", fmt(result["stats"]), flush=True)


if __name__ == "__main__":
    main()
