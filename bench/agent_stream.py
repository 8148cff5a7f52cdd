"""Token streaming benchmarks (F-31, F-50).

  delivery  worker publish → browser token socket, p50/p99 at 1, 10, 100 concurrent streams
  bytes     bytes both websockets bring Chromium for a 2,000-token answer vs its size
  memory    Redis memory with 1,000 streams in flight, and what is left after they end

Four processes play the workers (publishing with the real `Publisher`, a
thread per run, a delta every 20 ms stamped with the time it was handed to
the publisher); this process plays the browsers; the app runs on PostgreSQL
and Redis. Usage: python -m bench.agent_stream all
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import re
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import aiohttp
import redis as redis_lib
from playwright.async_api import async_playwright
from sqlmodel import select

from bench.common import BENCH_REDIS, BenchApp, api_headers, bench_app, fmt, percentiles, session_cookie
from rehome.core.agent import stream
from rehome.core.infra.db import session_scope
from rehome.core.models import AgentRun, AgentThread, User
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.fakes.llm_server import FAKE_ENV, shared_fake_llm
from tests.support import apply_env

BYTES_LINE = (
    "bytes for a 2,000-token answer: answer {answer_bytes} B, token socket {token_socket_bytes} B, "
    "reflex socket {reflex_bytes} B, ratio {ratio:.2f}x"
)
MEMORY_LINE = (
    "redis with {streams} streams in flight ({deltas_each} deltas each): {peak_mb:.1f} MB; "
    "after the end: {seq_keys_left} sequence keys left, stream TTL {ttl_after_done}s"
)
WORKER_PROCESSES = 4  # publishers run apart from the listening client, like Celery workers
STAMP = re.compile(r"\[(\d{16,20})\]")


def _runs(app_env: dict[str, str], count: int, email: str) -> list[int]:
    """Threads with a running run each, made directly: this process is their worker."""
    apply_env(DATABASE_URL=app_env["DATABASE_URL"], REDIS_URL=app_env["REDIS_URL"])
    ids = []
    with session_scope() as session:
        user = session.exec(select(User).where(User.email == email)).one()
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


def _worker(env: dict[str, str], run_ids: list[int]) -> None:
    """One worker process publishing its share of the runs, a thread each."""
    apply_env(DATABASE_URL=env["DATABASE_URL"], REDIS_URL=env["REDIS_URL"])
    with ThreadPoolExecutor(max_workers=len(run_ids)) as pool:
        for future in [pool.submit(_publish, r, 100, 0.02, True) for r in run_ids]:
            future.result()


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
        shares = [run_ids[i::WORKER_PROCESSES] for i in range(WORKER_PROCESSES)]
        with ProcessPoolExecutor(WORKER_PROCESSES, mp_context=multiprocessing.get_context("spawn")) as pool:
            loop = asyncio.get_running_loop()
            workers = [loop.run_in_executor(pool, _worker, env, share) for share in shares if share]
            await asyncio.gather(*workers)
        await asyncio.gather(*listeners)
    return percentiles(latencies)


def _ws_frame_bytes(payload: str | bytes) -> int:
    """A server-to-client WebSocket frame's size: payload plus header."""
    size = len(payload.encode() if isinstance(payload, str) else payload)
    return size + (2 if size < 126 else 4 if size < 65536 else 10)


async def wire_bytes(app: BenchApp, cookie: str) -> dict[str, float]:
    """A 2,000-token answer (8,000 characters, 12 per delta every 30 ms) from
    the Anthropic SDK talking to the fake server, asked in Chromium on the
    project's Assistant tab: every byte both websockets bring the browser
    from the click until the stored answer is on screen."""
    answer = "".join(f"w{i:03d} " for i in range(1600))[:8000]
    fake = shared_fake_llm()
    fake.reset()
    fake.chunks, fake.chunk_delay = [answer[i : i + 12] for i in range(0, len(answer), 12)], 0.03
    received = {"reflex": 0, "tokens": 0}

    def watch(socket: Any) -> None:
        kind = "tokens" if "/tokens" in socket.url else "reflex"
        socket.on(
            "framereceived",
            lambda payload: received.__setitem__(kind, received[kind] + _ws_frame_bytes(payload)),
        )

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        name, value = cookie.split("=", 1)
        await context.add_cookies([{"name": name, "value": value, "url": app.url}])
        page = await context.new_page()
        page.on("websocket", watch)
        await page.goto(f"{app.url}/projects/{app.project_id}?tab=agent")
        await page.locator("#agent-question").wait_for()
        await page.wait_for_timeout(1500)  # the page has settled
        received.update(reflex=0, tokens=0)
        await page.locator("#agent-question").fill("Summarise the project for me")
        await page.locator("#agent-ask").click()
        await page.locator(".agent-answer").filter(has_text=answer[-40:].strip()).wait_for(timeout=120_000)
        await page.wait_for_timeout(1000)  # stragglers (usage, presence) count too
        await browser.close()
    total = received["reflex"] + received["tokens"]
    return {
        "answer_bytes": len(answer.encode()),
        "token_socket_bytes": received["tokens"],
        "reflex_bytes": received["reflex"],
        "ratio": total / len(answer.encode()),
    }


def memory(env: dict[str, str], streams: int = 1000, deltas: int = 670) -> dict[str, float]:
    """Redis memory with `streams` runs in flight at once, each at the end of a
    2,000-token answer (670 deltas of 12 characters), and what is left after."""
    apply_env(DATABASE_URL=env["DATABASE_URL"], REDIS_URL=env["REDIS_URL"])
    client = redis_lib.Redis.from_url(BENCH_REDIS)
    client.execute_command("MEMORY PURGE")
    before = int(client.info("memory")["used_memory"])
    publishers = [stream.Publisher(900_000 + i) for i in range(streams)]

    def fill(publisher: stream.Publisher) -> None:
        for _ in range(deltas):
            publisher.delta("tile grout, ")  # 12 characters, ~3 tokens

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(fill, publishers))
    peak = int(client.info("memory")["used_memory"])
    for publisher in publishers:
        publisher.done("succeeded", None)
    leftover_seq = sum(1 for _ in client.scan_iter("run:9?????:seq"))
    return {
        "streams": streams,
        "deltas_each": deltas,
        "peak_mb": (peak - before) / 2**20,
        "seq_keys_left": leftover_seq,
        "ttl_after_done": client.ttl("run:900000:stream"),
    }


async def main_async(which: str) -> None:
    fake = shared_fake_llm()
    env = {**FAKE_ENV, "ANTHROPIC_BASE_URL": fake.anthropic_base_url, "OPENAI_BASE_URL": fake.openai_base_url}
    with bench_app(tasks=200, messages=200, env=env) as app:
        cookie = session_cookie(app.url, "bench-admin@bench.demo")
        team_cookie = session_cookie(app.url, "bench-team@bench.demo")
        api_headers(app.url, "bench-admin@bench.demo")
        if which in ("delivery", "all"):
            for n in (1, 10, 100):
                stats = await delivery(app.url, app.env, cookie, n)
                print(f"delivery, {n:>3} concurrent streams: {fmt(stats)}")
        if which in ("bytes", "all"):
            result = await wire_bytes(app, team_cookie)
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
