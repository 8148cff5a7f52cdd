"""The production stack of `render.yaml` on loopback, with the real web app:
two `reflex run --env prod` processes (one Granian worker each, so two web
processes; each browser is sent to its own port, as a load balancer would
spread tabs), PostgreSQL (its own database), its own Redis server, a Celery
worker and beat, and the fake LLM of this test process. It is the fault
suite's `bench.stack.Stack` with the Reflex app instead of the bare API."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys

import psycopg

from bench.stack import PG_ADMIN, Stack
from tests.e2e.appserver import PYTHON, REFLEX, app_env, free_port, start_app, wait_ready
from tests.support import ROOT


class ProdStack(Stack):
    def __init__(self, name: str) -> None:
        super().__init__(name=name)
        self.web_ports = [free_port(), free_port()]
        self.urls = [f"http://localhost:{port}" for port in self.web_ports]

    def web_env(self, port: int, web_dir: str = "") -> dict[str, str]:
        """`app_env`'s PATH and bun, the stack's services, production mode, one Granian worker."""
        env = {**app_env(self.dir, port), **self.env, "APP_URL": f"http://localhost:{port}"}
        env["PATH"] = app_env(self.dir, port)["PATH"]
        env |= {"GRANIAN_WORKERS": "1", "LOG_JSON": "false", "LOG_LEVEL": "WARNING"}
        return env | ({"REFLEX_WEB_WORKDIR": web_dir} if web_dir else {})

    def start(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        self.start_redis()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        env = self.web_env(self.web_ports[0])
        for command in ([REFLEX, "db", "migrate"], [PYTHON, "-m", "rehome", "demo"]):
            subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        self.start_worker()
        beat = [str(ROOT / ".venv" / "bin" / "celery"), "-A", "worker.app:celery_app", "beat",
                "--schedule", str(self.dir / "beat-schedule"), "--loglevel=INFO"]  # fmt: skip
        self._spawn("beat", beat)
        for index, port in enumerate(self.web_ports):  # one after the other: each builds its frontend
            web_dir = self.dir / f"web-{index}"  # each process serves its own copy of the build
            shutil.copytree(ROOT / ".web", web_dir, symlinks=True)
            self._start_web(index, port, str(web_dir))
        self.wait_worker_ready()

    def _start_web(self, index: int, port: int, web_dir: str, attempts: int = 3) -> None:
        """Start one web process; again if its build's prerender timed out. React Router
        gives each prerendered page 10 s and no retry, which a loaded machine can miss."""
        log = self.dir / f"web{index}.log"
        for attempt in range(1, attempts + 1):
            self.procs[f"web{index}"] = start_app(self.web_env(port, web_dir), port, log)
            try:
                wait_ready(self.urls[index], self.procs[f"web{index}"], log)
                return
            except RuntimeError:
                if attempt == attempts or "Prerender: Request" not in log.read_text(errors="replace"):
                    raise
