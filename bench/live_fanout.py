"""How fast a task move reaches everyone watching the project (F-10, F-50).

50 viewers of one project (5,000 tasks, 20,000 messages) on PostgreSQL and
Redis: 49 raw websocket clients speaking Reflex's protocol, plus one real
Chromium page. Each move goes through the REST API; we time from the request
until each viewer's state holds the card in its new column (websocket
clients) or the card is in the new column of the DOM (the browser).

Usage: python -m bench.live_fanout [--viewers 50] [--moves 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from typing import Any

import httpx
import socketio
from playwright.async_api import async_playwright

from bench.common import api_headers, bench_app, fmt, percentiles, session_cookie
from rehome.ui.project.page_state import ProjectPageState
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.raw_socket import connect_tab

STATUSES = ("backlog", "todo", "in_progress", "blocked", "done")


class Viewer:
    """One browser tab's websocket, without the browser."""

    def __init__(self, url: str, cookie: str, project_id: int) -> None:
        self.url, self.cookie, self.project_id = url, cookie, project_id
        self.client = socketio.AsyncClient(reconnection=False)
        self.seen: dict[tuple[int, str], float] = {}
        self.client.on("event", self._on_update, namespace="/_event")

    async def _on_update(self, update: Any) -> None:
        now = time.time()
        for substate in (update.get("delta") or {}).values():
            for key, value in substate.items():
                if key.startswith("col_") and isinstance(value, list):
                    self._saw(key, value, now)
                elif key.startswith("patch_rx_") and isinstance(value, dict):  # a list patch
                    for name, op in value.get("ops", {}).items():
                        self._saw(name, [item for _, item in op.get("put", [])], now)

    def _saw(self, key: str, cards: list[Any], now: float) -> None:
        if key.startswith("col_"):
            status = key[4:].split("_rx_")[0]
            for card in cards:
                self.seen.setdefault((int(card["id"]), status), now)

    async def open(self) -> None:
        await connect_tab(self.client, self.url, self.cookie, wait=20)
        path = f"/projects/{self.project_id}/"
        for state, handler in ((ProjectPageState, "load"),):  # it starts the relay itself
            await self.client.emit(
                "event",
                {
                    "name": f"{state.get_full_name()}.{handler}",
                    "payload": {},
                    "router_data": {"pathname": path, "asPath": path},
                },
                namespace="/_event",
            )

    def forget(self) -> None:
        self.seen.clear()


async def _browser_viewer(playwright: Any, url: str, cookie: str, project_id: int) -> tuple[Any, Any]:
    browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    name, value = cookie.split("=", 1)
    await context.add_cookies([{"name": name, "value": value, "url": url}])
    page = await context.new_page()
    await page.goto(f"{url}/projects/{project_id}")
    await page.wait_for_selector(".task-card", timeout=30_000)
    await page.evaluate("""() => {
        window.__seen = {};
        new MutationObserver(() => {
          for (const el of document.querySelectorAll('[data-task-id]')) {
            const col = el.closest('.kanban-column');
            const key = el.dataset.taskId + ':' + (col ? col.dataset.status : '');
            if (!(key in window.__seen)) window.__seen[key] = Date.now();
          }
        }).observe(document.body, {childList: true, subtree: true, attributes: true});
    }""")
    return browser, page


async def run(viewers: int, moves: int, mode: str, rounds: int = 1) -> list[dict[str, Any]]:
    with bench_app(mode=mode) as app:
        cookie = session_cookie(app.url, "bench-team@bench.demo")
        headers = api_headers(app.url, "bench-admin@bench.demo")
        crowd = [Viewer(app.url, cookie, app.project_id) for _ in range(viewers - 1)]
        await asyncio.gather(*(v.open() for v in crowd))
        async with async_playwright() as playwright:
            browser, page = await _browser_viewer(playwright, app.url, cookie, app.project_id)
            await asyncio.sleep(5)  # every relay running
            tasks = httpx.get(
                f"{app.url}/api/projects/{app.project_id}/tasks?status=todo&limit=50", headers=headers
            ).json()["items"]
            rounds_out = []
            async with httpx.AsyncClient(base_url=app.url, headers=headers) as api:
                for r in range(rounds):
                    socket_ms, browser_ms = [], []
                    for i in range(r * moves, (r + 1) * moves):
                        task = tasks[i % len(tasks)]
                        target = STATUSES[(STATUSES.index(task["status"]) + 1 + i % 3) % 5]
                        started = time.time()
                        moved = await api.patch(
                            f"/api/tasks/{task['id']}", json={"status": target, "position": 0}
                        )
                        moved.raise_for_status()
                        task["status"] = target
                        await asyncio.sleep(1.5)
                        for viewer in crowd:
                            if (task["id"], target) in viewer.seen:
                                socket_ms.append((viewer.seen[(task["id"], target)] - started) * 1000)
                        seen = json.loads(await page.evaluate("JSON.stringify(window.__seen)"))
                        if f"{task['id']}:{target}" in seen:
                            browser_ms.append(seen[f"{task['id']}:{target}"] - started * 1000)
                    rounds_out.append(
                        {
                            "sockets": percentiles(socket_ms),
                            "browser": percentiles(browser_ms) if browser_ms else None,
                            "missed": moves * (viewers - 1) - len(socket_ms),
                        }
                    )
            await browser.close()
        return rounds_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1, help="sets of moves on the same server")
    parser.add_argument("--mode", choices=["redis", "embedded"], default="redis")
    args = parser.parse_args()
    rounds = asyncio.run(run(args.viewers, args.moves, args.mode, args.rounds))
    print(f"viewers={args.viewers} moves={args.moves} rounds={args.rounds} load average={os.getloadavg()}")
    for i, result in enumerate(rounds, 1):
        print(f"round {i}: missed={result['missed']}")
        print("  websocket viewers:", fmt(result["sockets"]))
        if result["browser"]:
            print("  chromium viewer:  ", fmt(result["browser"]))
    for who in ("sockets", "browser"):
        values = [r[who]["p95"] for r in rounds if r[who]]
        if values:
            low, high, mid = min(values), max(values), statistics.median(values)
            print(f"{who} p95: median {mid:.1f} ms (min {low:.1f}, max {high:.1f})")


if __name__ == "__main__":
    main()
