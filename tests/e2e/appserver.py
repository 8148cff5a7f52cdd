"""Start and stop the real app as a subprocess (browser tests and benchmarks)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from tests.support import BASE_ENV, ROOT

REFLEX = str(ROOT / ".venv" / "bin" / "reflex")
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    bun_bin = ROOT / ".tools" / "bun" / "node_modules" / ".bin"
    venv_bin = ROOT / ".venv" / "bin"
    return {
        **os.environ,
        **BASE_ENV,
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'rehome.db'}",
        "APP_URL": f"http://localhost:{port}",
        "LOG_LEVEL": "WARNING",
        "PATH": f"{bun_bin}:{venv_bin}:{os.environ.get('PATH', '')}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        **extra,
    }


def prepare(env: dict[str, str]) -> None:
    """Migrate the schema and load the demo workspaces."""
    for command in ([REFLEX, "db", "migrate"], [PYTHON, "-m", "rehome", "demo"]):
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)


def start_app(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    return subprocess.Popen(
        [REFLEX, "run", "--env", "prod", "--frontend-port", str(port), "--backend-port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_ready(url: str, proc: subprocess.Popen, log_path: Path, timeout: float = 420) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log_path.read_text()[-4000:]}")
        try:
            if (
                httpx.get(f"{url}/health", timeout=2).status_code == 200
                and httpx.get(f"{url}/login/", timeout=5).status_code == 200
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the app did not come up in {timeout}s:\n{log_path.read_text()[-4000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
