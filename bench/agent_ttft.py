"""Time to first token, as ReHome's overhead over the provider's own first
byte, with 1, 10 and 100 runs streaming at once on ONE worker process
(Celery threads pool), the production setup on loopback (bench/stack.py).

For each run, ReHome's overhead over the provider's own first byte
(`provider` = its first token - it got the request), three ways:

  total     first token at an SSE viewer - question sent - provider
  queued    first token at the viewer - question accepted (202) - provider
  delivery  first token at the viewer - provider sent it (worker → Redis → web → viewer)

and where `queued` goes before the provider is reached: `claimed` (the 202 to
the worker's claim of the run: Celery's queue and the claim) and `prepared`
(the claim to the provider's request: the context and the call). The viewers
run in a process of their own (`bench.sse_viewers`).

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
from bench.faults import Client
from bench.sse_viewers import ViewerPool
from bench.stack import Stack

ANSWER = [f"tok{i:03d} " for i in range(100)]


def measure(stack: Stack, client: Client, pool: ViewerPool, concurrency: int) -> dict[str, dict[str, float]]:
    stack.fake.reset()
    stack.fake.chunks, stack.fake.chunk_delay = list(ANSWER), 0.04
    asked: dict[str, tuple[float, float, int]] = {}
    lock = threading.Lock()

    def one(tag: str) -> None:
        sent = time.monotonic()
        run_id, thread_id = client.ask_only(f"Status please [{tag}]")
        accepted = time.monotonic()
        pool.watch(tag, thread_id)
        with lock:
            asked[tag] = (sent, accepted, run_id)

    threads = []
    for index in range(concurrency):
        thread = threading.Thread(target=one, args=(f"q{concurrency}-{index}",))
        thread.start()
        threads.append(thread)
        time.sleep(0.02)
    for thread in threads:
        thread.join()
    seen = pool.results(timeout=120)
    return _legs(stack, asked, {tag: view.first_at for tag, view in seen.items()})


def _legs(
    stack: Stack, asked: dict[str, tuple[float, float, int]], first: dict[str, float | None]
) -> dict[str, dict[str, float]]:
    """The overheads, and where the queued one goes: to the run's claim in the
    worker (`claimed`: the queue and the claim), to the provider's request
    (`prepared`: the context and the call), to the viewer (`delivery`)."""
    wall = time.time() - time.monotonic()  # one clock for the database's stamps and ours
    ids = [run_id for _, _, run_id in asked.values()]
    started = dict(
        stack.query("SELECT id, extract(epoch FROM started_at) FROM agent_runs WHERE id = ANY(%s)", ids)
    )
    legs: dict[str, list[float]] = {"total": [], "queued": [], "claimed": [], "prepared": [], "delivery": []}
    for request in list(stack.fake.requests):
        question = str(request.body.get("messages", [{}])[-1].get("content", ""))
        tag = next((t for t in asked if f"[{t}]" in question), None)
        if tag is None or request.first_byte_at is None or first.get(tag) is None:
            continue
        (sent, accepted, run_id), first_at = asked[tag], float(first[tag] or 0)
        provider = request.first_byte_at - request.received_at
        claimed_at = float(started[run_id]) - wall
        for leg, ms in (
            ("total", first_at - sent - provider),
            ("queued", first_at - accepted - provider),
            ("claimed", claimed_at - accepted),
            ("prepared", request.received_at - claimed_at),
            ("delivery", first_at - request.first_byte_at),
        ):
            legs[leg].append(ms * 1000)
    return {leg: percentiles(values) for leg, values in legs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("levels", nargs="*", type=int, default=[1, 10, 100])
    args = parser.parse_args()
    stack = Stack(os.environ.get("BENCH_DB", "rehome_bench") + "_ttft")
    try:
        stack.start()
        client = Client(stack)
        pool = ViewerPool(client.bases[1], client.token)  # the viewers watch through the other web process
        measure(stack, client, pool, 2)  # warm up: imports, connections, the provider client
        for level in args.levels:
            stats = measure(stack, client, pool, level)
            for kind, numbers in stats.items():
                print(f"{level:>3} concurrent runs, one worker process, {kind:<8} {fmt(numbers)}", flush=True)
            time.sleep(2)
    finally:
        stack.close()


if __name__ == "__main__":
    main()
