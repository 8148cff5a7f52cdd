"""Time to first token, as ReHome's overhead over the provider's own first
byte, with 1, 10 and 100 runs streaming at once on ONE worker process
(Celery threads pool), the production setup on loopback (bench/stack.py).

For each run, ReHome's overhead over the provider's own first byte
(`provider` = its first token - it got the request), three ways:

  total     first token at an SSE viewer - question sent - provider
  queued    first token at the viewer - question accepted (202) - provider
  delivery  first token at the viewer - provider sent it (worker → Redis → web → viewer)

Questions arrive 20 ms apart, answers last ~4 s, so at 100 every run
streams while the others do.

    python -m bench.agent_ttft [1 10 100]
"""

from __future__ import annotations

import argparse
import os
import threading
import time

from bench.common import fmt, percentiles
from bench.faults import Client, Viewer
from bench.stack import Stack

ANSWER = [f"tok{i:03d} " for i in range(100)]


def measure(stack: Stack, client: Client, concurrency: int) -> dict[str, dict[str, float]]:
    stack.fake.reset()
    stack.fake.chunks, stack.fake.chunk_delay = list(ANSWER), 0.04
    asked: dict[str, tuple[float, float, Viewer]] = {}
    lock = threading.Lock()

    def one(tag: str) -> None:
        sent = time.monotonic()
        _, _, viewer = client.ask(f"Status please [{tag}]")
        with lock:
            asked[tag] = (sent, time.monotonic(), viewer)

    threads = []
    for index in range(concurrency):
        thread = threading.Thread(target=one, args=(f"q{concurrency}-{index}",))
        thread.start()
        threads.append(thread)
        time.sleep(0.02)
    for thread in threads:
        thread.join()
    until = time.monotonic() + 120
    while any(v.done is None for _, _, v in asked.values()) and time.monotonic() < until:
        time.sleep(0.2)
    total: list[float] = []
    queued: list[float] = []
    delivery: list[float] = []
    for request in list(stack.fake.requests):
        question = str(request.body.get("messages", [{}])[-1].get("content", ""))
        tag = next((t for t in asked if f"[{t}]" in question), None)
        if tag is None or request.first_byte_at is None:
            continue
        sent, accepted, viewer = asked[tag]
        if viewer.first_at is not None:
            provider = request.first_byte_at - request.received_at
            total.append((viewer.first_at - sent - provider) * 1000)
            queued.append((viewer.first_at - accepted - provider) * 1000)
            delivery.append((viewer.first_at - request.first_byte_at) * 1000)
    return {"total": percentiles(total), "queued": percentiles(queued), "delivery": percentiles(delivery)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("levels", nargs="*", type=int, default=[1, 10, 100])
    args = parser.parse_args()
    stack = Stack(os.environ.get("BENCH_DB", "rehome_bench") + "_ttft")
    try:
        stack.start()
        client = Client(stack)
        measure(stack, client, 2)  # warm up: imports, connections, the provider client
        for level in args.levels:
            stats = measure(stack, client, level)
            for kind, numbers in stats.items():
                print(f"{level:>3} concurrent runs, one worker process, {kind:<8} {fmt(numbers)}", flush=True)
            time.sleep(2)
    finally:
        stack.close()


if __name__ == "__main__":
    main()
