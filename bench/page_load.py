"""How fast the project page of a 5,000-task, 20,000-message project becomes
interactive (F-50): board cards on screen and the live relay connected, then
the chat tab with its newest messages.

Each sample is a fresh navigation in Chromium, timed inside the page from
navigation start (`performance.now()`), so the numbers are what a person sees.
The floor is measured in the same run, sample for sample: the same cards as
plain HTML from a bare server (`bench.baselines.plain_board`, same database).
`--rounds 3` repeats the whole set on the same server (one build), for
medians with min-max; the websocket bytes of each page load are counted too.

Usage: python -m bench.page_load [--runs 10] [--rounds 3] [--mode redis|embedded]
"""

from __future__ import annotations

import argparse
import os
import statistics
from typing import Any

from playwright.sync_api import sync_playwright

from bench.baselines import plain_board
from bench.common import bench_app, fmt, percentiles, session_cookie
from tests.e2e.appserver import free_port
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS


def _round(page: Any, url: str, plain_url: str, runs: int, wire: list[int]) -> dict[str, dict[str, float]]:
    board_ms, online_ms, chat_ms, plain_ms, kb = [], [], [], [], []
    for _ in range(runs):
        page.goto(plain_url, wait_until="commit")
        page.wait_for_selector(".task-card", timeout=30_000)
        plain_ms.append(page.evaluate("performance.now()"))
        wire.clear()
        page.goto(url, wait_until="commit")
        page.wait_for_selector(".task-card", timeout=30_000)
        board_ms.append(page.evaluate("performance.now()"))
        page.wait_for_selector("#online-people .online-person", timeout=30_000)
        online_ms.append(page.evaluate("performance.now()"))
        kb.append(sum(wire) / 1024)
        started = page.evaluate("performance.now()")
        page.get_by_role("tab", name="Chat").click()
        page.wait_for_selector(".chat-line", timeout=30_000)
        chat_ms.append(page.evaluate("performance.now()") - started)
    return {
        "board": percentiles(board_ms),
        "live": percentiles(online_ms),
        "chat": percentiles(chat_ms),
        "plain": percentiles(plain_ms),
        "ws_kb": percentiles(kb),
    }


def run(runs: int, mode: str, rounds: int = 1) -> list[dict[str, dict[str, float]]]:
    with bench_app(mode=mode) as app, sync_playwright() as playwright:
        plain_port = free_port()
        plain = plain_board.serve(app.env["DATABASE_URL"], plain_port)
        plain_url = f"http://127.0.0.1:{plain_port}/projects/{app.project_id}"
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        name, value = session_cookie(app.url, "bench-team@bench.demo").split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": app.url}])
        page = context.new_page()
        wire: list[int] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: wire.append(len(frame))))
        url = f"{app.url}/projects/{app.project_id}"
        page.goto(url)  # warm the server and the browser cache
        page.wait_for_selector(".task-card")
        page.goto(plain_url)
        results = [_round(page, url, plain_url, runs, wire) for _ in range(rounds)]
        browser.close()
        plain.shutdown()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--mode", choices=["redis", "embedded"], default="redis")
    args = parser.parse_args()
    results = run(args.runs, args.mode, args.rounds)
    print(f"mode={args.mode} runs={args.runs} rounds={args.rounds} load average={os.getloadavg()}")
    for i, result in enumerate(results, 1):
        print(f"round {i}")
        print("  board cards visible (from navigation start): ", fmt(result["board"]))
        print("  live relay connected (presence shown):       ", fmt(result["live"]))
        print("  chat tab with newest messages (from click):  ", fmt(result["chat"]))
        print("  plain-HTML board, same cards (the floor):    ", fmt(result["plain"]))
        print("  websocket KB received until presence shown:  ", fmt(result["ws_kb"], "KB"))
    for key in ("board", "plain", "live", "chat"):
        for q in ("p50", "p95"):
            values = [r[key][q] for r in results]
            low, high, mid = min(values), max(values), statistics.median(values)
            print(f"{key} {q}: median {mid:.0f} ms (min {low:.0f}, max {high:.0f})")


if __name__ == "__main__":
    main()
