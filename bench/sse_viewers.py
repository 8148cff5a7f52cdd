"""SSE viewers for the benchmarks: all on one asyncio loop, in a process of their own.

A thread per viewer in the benchmark's own process (which also serves the fake
provider) measured the benchmark as much as ReHome: at 100 streams, 200 threads
took turns at one GIL, and a viewer's first token waited for its turn (issue 9's
"delivery" leg). Here one loop reads every stream, and arrival times are
`time.monotonic()`, which is one clock for every process of the machine, so
they compare with the fake provider's stamps.

    pool = ViewerPool(base_url, token)
    pool.watch("q1", thread_id)      # after the question's 202: the thread's latest run
    seen = pool.results(timeout=120)  # {"q1": Seen(first_at, done, chars, repeats)}
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import aiohttp


@dataclass
class Seen:
    first_at: float | None = None
    done: str | None = None
    chars: int = 0
    repeats: int = 0


class ViewerPool:
    def __init__(self, base: str, token: str) -> None:
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(child, base, token), daemon=True
        )
        self._process.start()

    def watch(self, tag: str, thread_id: int) -> None:
        self._conn.send(("watch", tag, thread_id))

    def results(self, timeout: float) -> dict[str, Seen]:
        """Once every viewer is done (or `timeout` seconds have passed)."""
        self._conn.send(("report", timeout))
        return dict(self._conn.recv())

    def close(self) -> None:
        self._conn.send(("stop",))
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()


def _serve(conn: Connection, base: str, token: str) -> None:
    asyncio.run(_loop(conn, base, token))


async def _loop(conn: Connection, base: str, token: str) -> None:
    seen: dict[str, Seen] = {}
    tasks: list[asyncio.Task[None]] = []
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=60)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as http:
        headers = {"Authorization": f"Bearer {token}"}
        while True:
            command = await asyncio.to_thread(conn.recv)
            if command[0] == "watch":
                _, tag, thread_id = command
                seen[tag] = Seen()
                tasks.append(asyncio.create_task(_view(http, headers, thread_id, seen[tag])))
            elif command[0] == "report":
                await asyncio.wait(tasks, timeout=command[1]) if tasks else None
                conn.send(seen)
                seen, tasks = {}, []
            else:
                return


async def _view(http: aiohttp.ClientSession, headers: dict[str, str], thread_id: int, seen: Seen) -> None:
    runs: set[tuple[int, int]] = set()
    event = ""
    async with http.get(f"/api/agent/threads/{thread_id}/stream", headers=headers) as response:
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data: dict[str, Any] = json.loads(line[6:])
                if event == "delta" and data["text"]:
                    if seen.first_at is None:
                        seen.first_at = time.monotonic()
                    seen.repeats += (data["run_id"], data["seq"]) in runs
                    runs.add((data["run_id"], data["seq"]))
                    seen.chars += len(data["text"])
                elif event == "done" and data.get("run_id"):
                    seen.done = str(data["status"])
                    return
