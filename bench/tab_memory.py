"""Memory per open tab (issue 13, item 6): the web process's RSS and Redis's
`used_memory` for N idle Reflex sockets, then N open project tabs, and
which states hold the Redis share.

A tab is a raw Reflex socket client (the browser's protocol, as
`tests/e2e/raw_socket.py` speaks it) that sends `hydrate` and the project
page's `load`, then dispatches every backend event the server sends back for
the page to run (the live relay among them), as the browser does. Run with
one web process so RSS is one process's (Reflex's backend only: the
state socket needs no built pages):

    GRANIAN_WORKERS=1 python -m bench.tab_memory --tabs 100
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import os
from pathlib import Path
from typing import Any

import redis as redis_lib
import socketio

from bench.common import session_cookie
from bench.served import serve
from rehome.ui.project.page_state import ProjectPageState
from tests.e2e.raw_socket import connect_tab, hydrate_name

SETTLE = 6.0  # seconds for the server to finish what the tabs asked


def _app_pids(data_dir: str) -> list[int]:
    """The app's processes: everything started with its DATA_DIR."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if f"DATA_DIR={data_dir}".encode() in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


class Tab:
    def __init__(self, url: str, cookie: str, path: str | None) -> None:
        self.url, self.cookie, self.path = url, cookie, path
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("event", self._on_update, namespace="/_event")

    async def open(self) -> None:
        await connect_tab(self.client, self.url, self.cookie, wait=30)
        if self.path is not None:
            await self._emit(hydrate_name())
            await self._emit(f"{ProjectPageState.get_full_name()}.load")

    async def _emit(self, name: str, payload: dict[str, Any] | None = None) -> None:
        router = {"pathname": self.path, "asPath": self.path}
        await self.client.emit(
            "event", {"name": name, "payload": payload or {}, "router_data": router}, namespace="/_event"
        )

    async def _on_update(self, update: Any) -> None:
        for event in update.get("events") or []:  # what the page would run next
            name = str(event.get("name", ""))
            if name.startswith("reflex___state") and "on_load_internal" not in name:
                await self._emit(name, event.get("payload"))

    async def close(self) -> None:
        await self.client.disconnect()


def _redis_states(client: redis_lib.Redis) -> dict[str, int]:
    """Bytes of Redis per state class, over every tab's keys."""
    sizes: dict[str, int] = collections.Counter()
    for key in client.scan_iter(count=1000):
        name = key.decode(errors="replace")
        if "reflex___state" in name:
            state = name.rsplit(".", 1)[-1] if "." in name else "reflex root state"
            sizes[state] += int(client.memory_usage(key) or 0)
    return dict(sizes)


async def _open_all(url: str, cookie: str, path: str | None, count: int) -> list[Tab]:
    tabs = [Tab(url, cookie, path) for _ in range(count)]
    for start in range(0, count, 10):
        await asyncio.gather(*(t.open() for t in tabs[start : start + 10]))
    await asyncio.sleep(SETTLE)
    return tabs


async def run(count: int) -> None:
    with serve("reflex", tasks=2000, messages=4000) as app:
        cookie = session_cookie(app.url, "bench-team@bench.demo")
        path = f"/projects/{app.project_id}/"
        rdb = redis_lib.Redis.from_url(app.env["REDIS_URL"])
        pids = _app_pids(app.env["DATA_DIR"])
        warm = await _open_all(app.url, cookie, path, 5)  # imports, caches, pools
        await asyncio.gather(*(t.close() for t in warm))
        await asyncio.sleep(SETTLE)
        gc.collect()
        rss0, redis0 = _rss_kb(pids), int(rdb.info("memory")["used_memory"])
        states0 = _redis_states(rdb)
        idle = await _open_all(app.url, cookie, None, count)
        rss1 = _rss_kb(pids)
        tabs = await _open_all(app.url, cookie, path, count)
        rss2, redis2 = _rss_kb(pids), int(rdb.info("memory")["used_memory"])
        states2 = _redis_states(rdb)
        print(f"web processes: {len(pids)}, tabs: {count}, load {os.getloadavg()[0]:.2f}")
        print(f"idle socket: {(rss1 - rss0) / count:.1f} KB RSS each")
        redis_kb = (redis2 - redis0) / count / 1024
        print(f"open project tab: {(rss2 - rss1) / count:.1f} KB RSS each, {redis_kb:.1f} KB Redis each")
        for state, size in sorted(states2.items(), key=lambda kv: -kv[1]):
            grown = (size - states0.get(state, 0)) / count / 1024
            print(f"  redis, state {state}: {grown:.2f} KB per tab")
        await asyncio.gather(*(t.close() for t in idle + tabs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tabs", type=int, default=100)
    asyncio.run(run(parser.parse_args().tabs))


if __name__ == "__main__":
    main()
