"""Token delivery side by side with its floor (issue 13, item 5).

The same workload as `bench.agent_stream delivery` (four worker processes
publishing with the real `Publisher`, a delta every 20 ms per run, one token
socket per run), sent in the same run to ReHome's token socket and to a bare
Redis-stream-to-websocket forwarder (`bench/baselines/bare_forwarder.py`)
served by Granian with as many workers as the app. The two alternate, the
order flipping each round, so both see the same machine. Prints each
round's p50/p99, the ratio of the p99s and the load average, then medians
with min-max.

    GRANIAN_WORKERS=2 python -m bench.token_floor --rounds 3 --streams 100 [--api-only]

`--api-only` serves the app's API (token socket included) without the Reflex
pages, as `bench/stack.py` does (`bench.webapp`, Granian): no frontend build,
for a machine too busy to prerender one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from bench.agent_stream import delivery
from bench.common import bench_app, session_cookie
from bench.served import serve, wait_listening
from tests.e2e.appserver import PYTHON, free_port
from tests.support import ROOT


@contextmanager
def bare_forwarder(redis_url: str) -> Iterator[str]:
    port = free_port()
    workers = os.environ.get("GRANIAN_WORKERS", "2")
    command = [PYTHON, "-m", "granian", "--interface", "asgi", "--workers", workers, "--port", str(port)]
    env = {**os.environ, "REDIS_URL": redis_url}
    proc = subprocess.Popen(
        [*command, "--log-level", "warning", "bench.baselines.bare_forwarder:app"], cwd=ROOT, env=env
    )
    try:
        wait_listening(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


async def main_async(rounds: int, streams: int, api: bool) -> None:
    with serve("api") if api else bench_app(tasks=200, messages=200) as app:
        cookie = session_cookie(app.url, "bench-admin@bench.demo")
        with bare_forwarder(app.env["REDIS_URL"]) as bare_url:
            await delivery(app.url, app.env, cookie, 10)  # warm up both
            await delivery(bare_url, app.env, cookie, 10)
            seen: dict[str, list[float]] = {"rehome p99": [], "bare p99": [], "ratio": [], "load": []}
            for index in range(rounds):
                order = [("rehome", app.url), ("bare", bare_url)]
                results = {}
                for name, url in order if index % 2 == 0 else reversed(order):
                    results[name] = await delivery(url, app.env, cookie, streams)
                    await asyncio.sleep(2)
                load = os.getloadavg()[0]
                ratio = results["rehome"]["p99"] / results["bare"]["p99"]
                seen["rehome p99"].append(results["rehome"]["p99"])
                seen["bare p99"].append(results["bare"]["p99"])
                seen["ratio"].append(ratio)
                seen["load"].append(load)
                print(
                    f"round {index + 1}, {streams} streams: rehome p50 {results['rehome']['p50']:.1f} "
                    f"p99 {results['rehome']['p99']:.1f} ms; bare p50 {results['bare']['p50']:.1f} "
                    f"p99 {results['bare']['p99']:.1f} ms; ratio {ratio:.2f}x; load {load:.2f}",
                    flush=True,
                )
            print("medians (min-max): " + "; ".join(f"{k} {_summary(v)}" for k, v in seen.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--api-only", action="store_true")
    args = parser.parse_args()
    asyncio.run(main_async(args.rounds, args.streams, args.api_only))


if __name__ == "__main__":
    main()
