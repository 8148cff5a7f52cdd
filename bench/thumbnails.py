"""Time to thumbnails for 20 photos (issue 10): twenty 12-megapixel phone-size
JPEGs are uploaded through the REST API, four at a time, and the clock runs
until the project's file list shows a preview for every one of them.

Jobs run in the web process's thread pool (`--jobs inline`, the embedded
default) or in a Celery worker started here (`--jobs celery`, production;
`--broker` names the Redis it uses, `--concurrency` its processes). Files
are on the local store.

Usage: python -m bench.thumbnails [--photos 20] [--jobs inline|celery] [--concurrency 2]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import redis

from bench.common import BENCH_REDIS, api_headers, bench_app
from tests import file_samples as samples
from tests.support import ROOT


def run(photos: int, jobs: str, broker: str, concurrency: int) -> dict[str, float]:
    images = [samples.big_photo(12.0, seed=i) for i in range(photos)]
    with ExitStack() as stack:
        env = {"GRANIAN_WORKERS": "1"}
        if jobs == "celery":
            env["CELERY_BROKER_URL"] = broker
            stack.callback(lambda: redis.Redis.from_url(broker).delete("celery"))
        app = stack.enter_context(bench_app(tasks=50, messages=50, mode="embedded", env=env))
        if jobs == "celery":
            stack.enter_context(_worker(app.env, concurrency)).wait_ready(broker)
        headers = api_headers(app.url, "bench-team@bench.demo")
        url = f"{app.url}/api/projects/{app.project_id}/files"

        def send(index: int) -> int:
            files = {"file": (f"site-{index:02d}.jpg", images[index])}
            response = httpx.post(url, files=files, headers=headers, timeout=120)
            response.raise_for_status()
            return int(response.json()["id"])

        def previews_of(ids: set[int], since: float) -> float:
            while True:
                listed = httpx.get(url, params={"limit": 200}, headers=headers, timeout=30).json()["items"]
                if sum(1 for f in listed if f["id"] in ids and f["has_preview"]) == len(ids):
                    return time.perf_counter() - since
                if time.perf_counter() - since > 600:
                    raise RuntimeError("previews did not arrive within 10 minutes")
                time.sleep(0.1)

        warm = time.perf_counter()  # the first photo loads Pillow in the web process and the worker
        previews_of({send(0)}, warm)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            ids = set(pool.map(send, range(photos)))
        uploaded = time.perf_counter() - started
        done = previews_of(ids, started)
    megabytes = sum(len(i) for i in images) / 1e6
    return {"photos": photos, "megabytes": megabytes, "uploaded": uploaded, "all_previews": done}


class _worker:
    """A Celery worker for the app's broker, stopped afterwards."""

    def __init__(self, env: dict[str, str], concurrency: int) -> None:
        self.env, self.concurrency, self.proc = env, concurrency, None

    def __enter__(self) -> _worker:
        celery = str(ROOT / ".venv" / "bin" / "celery")
        command = [celery, "-A", "worker.app:celery_app", "worker", f"--concurrency={self.concurrency}"]
        self.proc = subprocess.Popen(
            [*command, "--loglevel=WARNING"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def wait_ready(self, broker: str) -> None:
        from celery import Celery

        control = Celery(broker=broker).control
        deadline = time.monotonic() + 120
        while not control.ping(timeout=1.0):
            if time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start")

    def __exit__(self, *_: object) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--jobs", choices=["inline", "celery"], default="inline")
    parser.add_argument("--broker", default=BENCH_REDIS)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    r = run(args.photos, args.jobs, args.broker, args.concurrency)
    print(
        f"jobs={args.jobs} photos={r['photos']} ({r['megabytes']:.0f} MB, 12 MP each): "
        f"uploaded in {r['uploaded']:.1f}s, all previews in {r['all_previews']:.1f}s "
        f"({r['all_previews'] / r['photos']:.2f}s per photo)"
    )


if __name__ == "__main__":
    main()
