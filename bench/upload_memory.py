"""Peak memory of the web process during a 50 MB upload (issue 10: < 30 MB over idle).

The app runs as in production (`reflex run --env prod`, one Granian worker so
the upload lands in a known process) on the embedded SQLite database, with
jobs sent to a Celery broker that no worker reads (`--broker`; so only the
upload itself runs in the web process, as in production where previews are
made by the worker), and files on the local store or, with `--store s3`, on
moto's S3 server behind the test gate (multipart upload through boto3). The file is a 50 MB JPEG
with a GPS location, so the whole path runs: multipart parsing to disk,
spooling, sniffing, lossless location removal, hashing, storing.

For every process of the app: resident memory after a warm-up upload
("idle"), then the high-water mark is reset (`/proc/<pid>/clear_refs`), the
50 MB file is uploaded, and the new high-water mark is read.

Usage: python -m bench.upload_memory [--store local|s3] [--runs 3] [--broker redis://...]
"""

from __future__ import annotations

import argparse
import io
import time
from contextlib import ExitStack

import httpx
import redis
from PIL import Image
from PIL.ExifTags import IFD

from bench import procs
from bench.common import BENCH_REDIS, api_headers, bench_app
from tests.fakes.s3_gate import S3Gate

TARGET = 50_000_000  # bytes: just under UPLOAD_MAX_MB=50 (52,428,800)


def big_jpeg() -> bytes:
    """A camera-like JPEG (colour noise, GPS in EXIF) of 45-50 MB."""
    exif = Image.Exif()
    exif[IFD.GPSInfo] = {1: "N", 2: (52.0, 22.0, 1.5), 3: "E", 4: (4.0, 53.0, 0.0)}
    side = 5600
    while True:
        height = side * 3 // 4
        image = Image.merge("RGB", [Image.effect_noise((side, height), 90 + 7 * i) for i in range(3)])
        out = io.BytesIO()
        image.save(out, "JPEG", quality=100, exif=exif)
        if out.tell() <= TARGET:
            return out.getvalue()
        side -= 200


def run(store: str, runs: int, broker: str, verbose: bool = False) -> list[dict[str, float]]:
    data = big_jpeg()
    results = []
    with ExitStack() as stack:
        stack.callback(lambda: redis.Redis.from_url(broker).delete("celery"))  # the unread jobs
        env = {"GRANIAN_WORKERS": "1", "CELERY_BROKER_URL": broker, "UPLOAD_MAX_MB": "50"}
        if store == "s3":
            env.update(stack.enter_context(S3Gate()).env())
        app = stack.enter_context(bench_app(tasks=50, messages=50, mode="embedded", env=env))
        headers = api_headers(app.url, "bench-team@bench.demo")
        url = f"{app.url}/api/projects/{app.project_id}/files"
        root = _app_root(app)
        for attempt in range(runs + 1):  # the first run warms the process up
            pids = procs.descendants(root)
            idle = {pid: procs.rss(pid) for pid in pids}
            for pid in pids:
                procs.reset_peak(pid)
            started = time.perf_counter()
            response = httpx.post(
                url, files={"file": (f"drone-{attempt}.jpg", data)}, headers=headers, timeout=120
            )
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            grown = {pid: procs.peak(pid) - idle[pid] for pid in pids}
            worst = max(grown, key=lambda pid: grown[pid])
            if verbose:
                for pid in pids:
                    mb = f"idle={idle[pid] / 2**20:.0f} MB +{grown[pid] / 2**20:.1f} MB"
                    print(f"  pid {pid} {mb} {procs.command(pid)[:90]}")
            if attempt:
                results.append(
                    {
                        "size_mb": len(data) / 1e6,
                        "idle_mb": idle[worst] / 2**20,
                        "peak_over_idle_mb": grown[worst] / 2**20,
                        "seconds": elapsed,
                        "process": procs.command(worst)[:60],
                    }
                )
    return results


def _app_root(app: object) -> int:
    """The `reflex run` process serving the app (found by its port)."""
    port = str(app.url.rsplit(":", 1)[1])  # type: ignore[attr-defined]
    for pid in procs.descendants(1):
        try:
            cmd = procs.command(pid)
        except OSError:
            continue
        if "reflex run" in cmd and f"--backend-port {port}" in cmd:
            return pid
    raise RuntimeError("the app's process was not found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", choices=["local", "s3"], default="local")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--broker", default=BENCH_REDIS, help="a Redis for Celery's queue (emptied after)")
    parser.add_argument("--verbose", action="store_true", help="every process of the app, every run")
    args = parser.parse_args()
    for row in run(args.store, args.runs, args.broker, args.verbose):
        print(
            f"store={args.store} file={row['size_mb']:.1f} MB upload={row['seconds']:.2f}s "
            f"idle={row['idle_mb']:.0f} MB peak over idle={row['peak_over_idle_mb']:.1f} MB "
            f"({row['process']})"
        )


if __name__ == "__main__":
    main()
