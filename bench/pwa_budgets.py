"""Lighthouse-style budgets for the site tablet (issue 12): how much JavaScript
crosses the network and when the largest paint lands (LCP), on the board of a
5,000-task project at 820 px.

Each run opens a fresh browser context (empty HTTP cache, no service worker)
and loads the board cold; once the service worker controls the page and holds
the shell, the HTTP cache is cleared and the board is loaded again (warm: what
comes back is what the service worker serves from the device).

JS transferred counts the encoded (compressed) bytes of every script response
that crossed the network, from Chromium's Network events. A script the service
worker answered from its cache costs nothing; one it fetched (a cache miss, or
the network-first unhashed files such as /rehome.js) counts at its encoded size.

Usage: python -m bench.pwa_budgets [--runs 3] [--mode redis|embedded] [--messages 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
from typing import Any

from playwright.sync_api import sync_playwright

from bench.common import bench_app, session_cookie
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

TABLET = {"width": 820, "height": 1180}
WATCH_LCP = """
window.__lcp = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__lcp = entry.renderTime || entry.startTime;
}).observe({ type: "largest-contentful-paint", buffered: true });
"""
SW_CACHED = """async () => {
  const urls = [];
  for (const key of await caches.keys()) {
    for (const request of await (await caches.open(key)).keys()) urls.push(request.url);
  }
  return urls;
}"""


class ScriptBytes:
    """Tallies script responses of one page from its CDP Network events."""

    def __init__(self, cdp: Any) -> None:
        self.responses: dict[str, dict[str, Any]] = {}
        self.finished: dict[str, float] = {}
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if event["type"] == "Script" or "javascript" in response.get("mimeType", ""):
            self.responses[event["requestId"]] = response

    def _finished(self, event: dict[str, Any]) -> None:
        self.finished[event["requestId"]] = event["encodedDataLength"]

    def network_bytes(self, sw_cached: set[str]) -> tuple[float, int]:
        """(bytes over the network, scripts served from the worker's cache)."""
        total, from_cache = 0.0, 0
        for request_id, response in self.responses.items():
            url = response["url"]
            if response.get("fromServiceWorker"):
                if url in sw_cached and "/assets/" in url:  # cache first: never left the device
                    from_cache += 1
                    continue
                total += float(response.get("headers", {}).get("content-length") or 0) or self.finished.get(
                    request_id, 0.0
                )
            else:
                total += self.finished.get(request_id, 0.0)
        return total, from_cache


def _load(context: Any, url: str, sw_cached: set[str]) -> dict[str, float]:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    scripts = ScriptBytes(cdp)
    page.goto(url, wait_until="commit")
    page.wait_for_selector(".task-card", timeout=60_000)
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)  # let the last paint settle before reading LCP
    lcp_ms = float(page.evaluate("window.__lcp || 0"))
    js_bytes, from_cache = scripts.network_bytes(sw_cached)
    controlled = bool(page.evaluate("navigator.serviceWorker.controller !== null"))
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
    page.wait_for_timeout(1500)  # the page hands the worker what it loaded
    page.close()
    return {"js_kb": js_bytes / 1024, "lcp_s": lcp_ms / 1000, "sw_hits": from_cache, "controlled": controlled}


def run(runs: int, mode: str, messages: int) -> dict[str, list[dict[str, float]]]:
    results: dict[str, list[dict[str, float]]] = {"cold": [], "warm": []}
    with bench_app(mode=mode, messages=messages) as app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cookie_name, cookie_value = session_cookie(app.url, "bench-team@bench.demo").split("=", 1)
        board = f"{app.url}/projects/{app.project_id}"
        warmup = browser.new_context(viewport=TABLET)  # the server's first build of each page
        warmup.add_cookies([{"name": cookie_name, "value": cookie_value, "url": app.url}])
        _load(warmup, board, set())
        warmup.close()
        for _ in range(runs):
            context = browser.new_context(viewport=TABLET)
            context.add_init_script(WATCH_LCP)
            context.add_cookies([{"name": cookie_name, "value": cookie_value, "url": app.url}])
            results["cold"].append(_load(context, board, set()))
            probe = context.new_page()
            probe.goto(f"{app.url}/offline.html")
            cached = set(probe.evaluate(SW_CACHED))
            context.new_cdp_session(probe).send("Network.clearBrowserCache")
            probe.close()
            results["warm"].append(_load(context, board, cached))
            context.close()
        browser.close()
    return results


def summary(samples: list[dict[str, float]], key: str) -> str:
    """Median and range; a load with no LCP entry (0) is left out and counted."""
    values = [s[key] for s in samples if s[key] > 0 or key != "lcp_s"]
    if not values:
        return "no samples"
    missing = f", {len(samples) - len(values)} without an entry" if len(values) < len(samples) else ""
    return f"median {statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f}{missing})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", choices=["redis", "embedded"], default="redis")
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    results = run(args.runs, args.mode, args.messages)
    load = os.getloadavg()[0]
    print(f"mode={args.mode} runs={args.runs} viewport=820x1180 tasks=5000 messages={args.messages}")
    print(f"load average (1 min) at the end: {load:.1f} on {os.cpu_count()} cores")
    for kind in ("cold", "warm"):
        samples = results[kind]
        print(f"{kind}: JS transferred KB {summary(samples, 'js_kb')}; LCP s {summary(samples, 'lcp_s')}")
        print(f"{kind}: raw {samples}")


if __name__ == "__main__":
    main()
