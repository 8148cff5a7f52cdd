"""Token streaming benchmarks (F-31, F-50).

  delivery  worker publish → browser token socket, p50/p99 at 1, 10, 100 concurrent streams
  bytes     bytes on the wire for a 2,000-token answer vs the answer's size
  memory    Redis memory with 1,000 streams in flight, and what is left after they end

This process plays the worker (it publishes with the real `Publisher`); the
app runs on PostgreSQL and Redis. Usage: python -m bench.agent_stream all
"""

from __future__ import annotations

import argparse
import asyncio
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
import redis as redis_lib
import socketio

from bench.common import BENCH_REDIS, api_headers, bench_app, fmt, percentiles, session_cookie
from rehome.core.agent import stream
from rehome.core.db import session_scope
from rehome.core.models import AgentRun, AgentThread, User
from tests.support import apply_env

BYTES_LINE = (
    "bytes for a 2,000-token answer: answer {answer_bytes} B, token socket {token_socket_bytes} B, "
    "reflex socket {reflex_bytes} B, ratio {ratio:.2f}x"
)
MEMORY_LINE = (
    "redis with {streams} streams in flight ({deltas_each} deltas each): {peak_mb:.1f} MB; "
    "after the end: {seq_keys_left} sequence keys left, stream TTL {ttl_after_done}s"
)
STAMP = re.compile(r"\[(\d{16,20})\]")


def _runs(app_env: dict[str, str], count: int, email: str) -> list[int]:
    """Threads with a running run each, made directly: this process is their worker."""
    apply_env(DATABASE_URL=app_env["DATABASE_URL"], REDIS_URL=app_env["REDIS_URL"])
    ids = []
    with session_scope() as session:
        user = session.query(User).filter(User.email == email).one()
        for _ in range(count):
            thread = AgentThread(
                workspace_id=user.workspace_id, created_by=user.id, audience="admin", title="bench"
            )
            session.add(thread)
            session.flush()
            run = AgentRun(
                thread_id=int(thread.id or 0),
                workspace_id=user.workspace_id,
                user_id=user.id,
                status="running",
                provider="bench",
                model="bench",
            )
            session.add(run)
            session.flush()
            ids.append(int(run.id or 0))
    return ids


def _publish(run_id: int, deltas: int, every: float, stamped: bool, text: str = "abcd ") -> None:
    publisher = stream.Publisher(run_id)
    for _ in range(deltas):
        piece = f"[{time.time_ns()}]" if stamped else text
        publisher.delta(piece)
        time.sleep(every)
    publisher.done("succeeded", None)


async def _listen(session: aiohttp.ClientSession, url: str, run_id: int, latencies: list[float]) -> int:
    """Read a run's token socket to the end; returns payload bytes plus frame headers."""
    wire = 0
    async with session.ws_connect(f"{url.replace('http', 'ws')}/api/agent/runs/{run_id}/tokens") as socket:
        async for message in socket:
            now = time.time_ns()
            data = message.data
            wire += len(data.encode()) + (2 if len(data.encode()) < 126 else 4)
            latencies += [(now - int(t)) / 1e6 for t in STAMP.findall(data)]
            if data.startswith("!"):
                break
    return wire


async def delivery(url: str, env: dict[str, str], cookie: str, concurrency: int) -> dict[str, float]:
    run_ids = _runs(env, concurrency, "bench-admin@bench.demo")
    latencies: list[float] = []
    name, value = cookie.split("=", 1)
    async with aiohttp.ClientSession(cookies={name: value}) as session:
        listeners = [asyncio.create_task(_listen(session, url, r, latencies)) for r in run_ids]
        await asyncio.sleep(1.0)  # every socket is open and waiting
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            await asyncio.gather(
                *[
                    asyncio.get_running_loop().run_in_executor(pool, _publish, r, 100, 0.02, True)
                    for r in run_ids
                ]
            )
        await asyncio.gather(*listeners)
    return percentiles(latencies)


async def _reflex_viewer(url: str, cookie: str, sent_bytes: list[int], stop: asyncio.Event) -> None:
    """A tab on the admin assistant page: counts what Reflex sends it meanwhile."""
    client = socketio.AsyncClient(reconnection=False)

    async def count(data: Any) -> None:
        sent_bytes[0] += len(str(data).encode())

    client.on("event", count, namespace="/_event")
    from rehome.ui.agent.admin_page import AdminAgentState
    from rehome.ui.agent.state import AgentState

    await client.connect(
        f"{url}?token={uuid.uuid4()}",
        socketio_path="/_event",
        namespaces=["/_event"],
        transports=["websocket"],
        headers={"Cookie": cookie},
    )
    for state, handler in ((AdminAgentState, "load"), (AgentState, "follow")):
        await client.emit(
            "event",
            {
                "name": f"{state.get_full_name()}.{handler}",
                "payload": {},
                "router_data": {"pathname": "/admin/agent/", "asPath": "/admin/agent/"},
            },
            namespace="/_event",
        )
    await asyncio.sleep(2)
    sent_bytes[0] = 0  # only what is sent while the answer streams
    await stop.wait()
    await client.disconnect()


async def wire_bytes(url: str, env: dict[str, str], cookie: str) -> dict[str, float]:
    """A 2,000-token answer (8,000 characters) in deltas of 3 tokens every 30 ms."""
    (run_id,) = _runs(env, 1, "bench-admin@bench.demo")
    answer = "".join(f"w{i:03d} " for i in range(1600))[:8000]
    pieces = [answer[i : i + 12] for i in range(0, len(answer), 12)]
    reflex_bytes, stop = [0], asyncio.Event()
    viewer = asyncio.create_task(_reflex_viewer(url, cookie, reflex_bytes, stop))
    await asyncio.sleep(3)
    name, value = cookie.split("=", 1)
    async with aiohttp.ClientSession(cookies={name: value}) as session:
        listener = asyncio.create_task(_listen(session, url, run_id, []))
        await asyncio.sleep(0.5)

        def publish() -> None:
            publisher = stream.Publisher(run_id)
            for piece in pieces:
                publisher.delta(piece)
                time.sleep(0.03)
            publisher.done("succeeded", None)

        await asyncio.get_running_loop().run_in_executor(None, publish)
        token_bytes = await listener
    stop.set()
    await viewer
    size = len(answer.encode())
    return {
        "answer_bytes": size,
        "token_socket_bytes": token_bytes,
        "reflex_bytes": reflex_bytes[0],
        "ratio": (token_bytes + reflex_bytes[0]) / size,
    }


def memory(env: dict[str, str], streams: int = 1000, deltas: int = 200) -> dict[str, float]:
    """Redis memory with `streams` runs in flight at once, and after they end."""
    apply_env(DATABASE_URL=env["DATABASE_URL"], REDIS_URL=env["REDIS_URL"])
    client = redis_lib.Redis.from_url(BENCH_REDIS)
    client.execute_command("MEMORY PURGE")
    before = int(client.info("memory")["used_memory"])
    barrier, peak = threading.Barrier(streams + 1), [0]
    publishers = [stream.Publisher(900_000 + i) for i in range(streams)]

    def fill(publisher: stream.Publisher) -> None:
        for _ in range(deltas):
            publisher.delta("tile grout ")  # ~3 tokens
        barrier.wait()

    with ThreadPoolExecutor(max_workers=32) as pool:
        futures = [pool.submit(fill, p) for p in publishers]
        barrier.wait()
        peak[0] = int(client.info("memory")["used_memory"])
        for future in futures:
            future.result()
    for publisher in publishers:
        publisher.done("succeeded", None)
    leftover_seq = sum(1 for _ in client.scan_iter("run:9*:seq"))
    return {
        "streams": streams,
        "deltas_each": deltas,
        "peak_mb": (peak[0] - before) / 2**20,
        "seq_keys_left": leftover_seq,
        "ttl_after_done": client.ttl("run:900000:stream"),
    }


async def main_async(which: str) -> None:
    with bench_app(tasks=200, messages=200) as app:
        cookie = session_cookie(app.url, "bench-admin@bench.demo")
        api_headers(app.url, "bench-admin@bench.demo")
        if which in ("delivery", "all"):
            for n in (1, 10, 100):
                stats = await delivery(app.url, app.env, cookie, n)
                print(f"delivery, {n:>3} concurrent streams: {fmt(stats)}")
        if which in ("bytes", "all"):
            result = await wire_bytes(app.url, app.env, cookie)
            print(BYTES_LINE.format(**result))
        if which in ("memory", "all"):
            result = memory(app.env)
            print(MEMORY_LINE.format(**result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("which", choices=["delivery", "bytes", "memory", "all"], nargs="?", default="all")
    asyncio.run(main_async(parser.parse_args().which))


if __name__ == "__main__":
    main()
