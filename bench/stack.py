"""The production setup on loopback, for the fault suite: PostgreSQL (its own
database), its own Redis server, two web processes (Granian serving the API
and streams), a Celery worker and beat, and the local fake provider (in this
process). Every process it starts is stopped by `close()`."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg
import redis

from tests.e2e.appserver import PYTHON, free_port
from tests.fakes.llm_server import FakeLLM, shared_fake_llm
from tests.support import BASE_ENV, ROOT

PG_ADMIN = os.environ.get("FAULTS_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
VENV_BIN = ROOT / ".venv" / "bin"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Stack:
    def __init__(self, name: str = "rehome_faults", worker_env: dict[str, str] | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="rehome-faults-"))
        self.db_name = name
        self.db_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        self.redis_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.fake: FakeLLM = shared_fake_llm()
        self.procs: dict[str, subprocess.Popen] = {}
        self.web_ports = [free_port(), free_port()]
        self.env = {
            **os.environ,
            **BASE_ENV,
            "APP_ENV": "production",
            "APP_URL": "http://localhost",
            "LOG_JSON": "true",
            "LOG_LEVEL": "INFO",
            "DATA_DIR": str(self.dir / "data"),
            "DATABASE_URL": self.db_url,
            "REDIS_URL": self.redis_url,
            "CELERY_BROKER_URL": self.redis_url,
            "ANTHROPIC_API_KEY": "fake-key",
            "ANTHROPIC_BASE_URL": self.fake.anthropic_base_url,
            "AI_PROVIDER": "anthropic",
            "AI_FALLBACK_PROVIDER": "",
            "AI_TIMEOUT": "40",
            "AI_FIRST_BYTE_TIMEOUT": "3",
            "AI_RUN_DEADLINE": "120",
            "WORKER_SHUTDOWN_GRACE": "3",
            "API_RATE_PER_MINUTE": "100000",
            "AGENT_RATE_PER_MINUTE": "1000",
            "AGENT_RATE_PER_DAY": "100000",
            "AGENT_RATE_WORKSPACE_PER_DAY": "100000",
            "AI_BUDGET_USER_DAY_CENTS": "10000000",
            "AI_BUDGET_WORKSPACE_DAY_CENTS": "10000000",
            "AI_BUDGET_WORKSPACE_MONTH_CENTS": "100000000",
            "PYTHONPATH": str(ROOT),
            **(worker_env or {}),
        }

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        # A SIGTERM (a timeout, Ctrl-C's cousin) still runs `close()`: nothing is left behind.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        self.start_redis()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        for command in ([str(VENV_BIN / "alembic"), "upgrade", "head"], [PYTHON, "-m", "rehome", "demo"]):
            subprocess.run(command, cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=300)
        for index, port in enumerate(self.web_ports):
            self._spawn(
                f"web{index}",
                [
                    str(VENV_BIN / "granian"),
                    "--interface",
                    "asgi",
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    "1",
                    "bench.webapp:app",
                ],
            )
        self.start_worker()
        self._spawn(
            "beat",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "worker.app:celery_app",
                "beat",
                "--schedule",
                str(self.dir / "beat-schedule"),
                "--loglevel=INFO",
            ],
        )
        for port in self.web_ports:
            self._wait(lambda p=port: httpx.get(f"http://127.0.0.1:{p}/health", timeout=2).status_code == 200)
        self.wait_worker_ready()

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)
        try:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        except psycopg.Error:
            pass

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.dir / f"{name}.log").open("a")
        proc = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def stop(self, name: str, sig: int = signal.SIGTERM, wait: float = 30.0) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def log(self, name: str) -> str:
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @staticmethod
    def _wait(check, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            with contextlib.suppress(Exception):  # not up yet
                if check():
                    return
            time.sleep(0.3)
        raise TimeoutError("a service did not come up in time")

    # --- redis --------------------------------------------------------------------------------

    def start_redis(self, empty: bool = False) -> None:
        data = self.dir / "redis"
        if empty:
            shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True, exist_ok=True)
        command = ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "yes", "--appendfsync", "always", "--dir", str(data),
                   "--daemonize", "no"]  # fmt: skip
        self._spawn("redis", command)
        self._wait(lambda: redis.Redis(port=self.redis_port).ping(), 20)

    def redis(self) -> redis.Redis:
        return redis.Redis(port=self.redis_port, decode_responses=True, socket_timeout=3)

    # --- worker -------------------------------------------------------------------------------

    def start_worker(self, pool: str = "threads", name: str = "worker") -> None:
        concurrency = "128" if pool == "threads" else "2"
        self._spawn(name, [str(VENV_BIN / "celery"), "-A", "worker.app:celery_app", "worker",
                           f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=INFO",
                           f"--hostname={name}-{time.monotonic_ns()}@localhost"])  # fmt: skip

    def wait_worker_ready(self, timeout: float = 60.0) -> None:
        before = time.time()
        self._wait(lambda: float(self.redis().get("rehome:worker:heartbeat") or 0) >= before - 5, timeout)
        time.sleep(1.0)  # the consumer is connected a moment after the heartbeat starts

    def pool_children(self, name: str = "worker") -> list[int]:
        proc = self.procs[name]
        return _children(proc.pid)

    # --- postgres ------------------------------------------------------------------------------

    def terminate_backends(self) -> int:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.db_name,),
            ).fetchall()
        return len(rows)

    def query(self, sql: str, *params: object) -> list[tuple]:
        with psycopg.connect(self.db_url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()
