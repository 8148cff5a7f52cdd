"""Fault suite (issue 9): the production setup on loopback, each usual fault
injected mid-stream, and every promise checked.

    python -m bench.faults [scenario ...]        (all by default; ~3 minutes)

Per scenario: every run ends in a final state within its deadline plus 30 s;
exactly one stored answer per completed run, equal to what the provider
sent; one charge (cost recorded once, the budget counter equal to what was
spent: no reservation left behind); an SSE viewer on the other web process
ends with that same text exactly once; no acknowledged write lost; no 500.
Results are printed as a table (RELIABILITY.md has the last run).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.stack import Stack
from rehome.core.agent.governance import MICRO
from rehome.core.demo.content import DEMO_PASSWORD

ANSWER = [f"word{i:02d} " for i in range(60)]  # what the provider sends, 60 deltas
EXPECTED = "".join(ANSWER)
SLACK = 30.0  # seconds past a run's deadline by which it must be final
OUTAGE = 30.0  # seconds Redis stays down (the issue: at least 30 s for the worker, 20 s in the suite)


@dataclass
class Viewer:
    """An SSE client on the thread's stream; reconnects with Last-Event-ID."""

    base: str
    token: str
    thread_id: int
    text: str = ""
    done: str | None = None
    first_at: float | None = None
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    last_id: str | None = None
    seen: set[tuple[int, int]] = field(default_factory=set)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        until = time.monotonic() + 200
        while self.done is None and time.monotonic() < until:
            headers = {"Authorization": f"Bearer {self.token}"}
            if self.last_id:
                headers["Last-Event-ID"] = self.last_id  # resume where the dropped connection was
            try:
                url = f"{self.base}/api/agent/threads/{self.thread_id}/stream"
                with httpx.stream("GET", url, headers=headers, timeout=40) as response:
                    if response.status_code != 200:
                        self.errors.append(f"HTTP {response.status_code}")
                        time.sleep(0.5)
                        continue
                    self._read(response)
            except httpx.HTTPError as error:
                self.errors.append(type(error).__name__)
                time.sleep(0.5)

    def _read(self, response: httpx.Response) -> None:
        event = ""
        for line in response.iter_lines():
            if line.startswith("id: "):
                self.last_id = line[4:]
            elif line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
                if event == "snapshot":
                    self.text = data["text"]
                elif event == "delta":
                    if (data["run_id"], data["seq"]) in self.seen:
                        self.duplicates += 1  # across reconnections too
                    self.seen.add((data["run_id"], data["seq"]))
                    if self.first_at is None and data["text"]:
                        self.first_at = time.monotonic()
                    self.text += data["text"]
                elif event == "done" and data.get("run_id"):
                    self.done = data["status"]
                    return


@dataclass
class Result:
    name: str
    promise: str
    runs: int = 0
    measured: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Client:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.bases = [f"http://127.0.0.1:{port}" for port in stack.web_ports]
        self.statuses: list[int] = []
        login = self.call(
            "POST", "/api/login", json={"email": "team@oakline.demo", "password": DEMO_PASSWORD}
        )
        self.token = login.json()["token"]
        self.user_id = login.json()["user"]["id"]
        projects = self.call("GET", "/api/projects").json()["items"]
        self.project_id = projects[0]["id"]

    def call(self, method: str, path: str, web: int = 0, **kwargs: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if hasattr(self, "token") else {}
        response = httpx.request(method, self.bases[web] + path, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]
        self.statuses.append(response.status_code)
        return response

    def ask(self, question: str = "How is the project going?") -> tuple[int, int, Viewer]:
        """A new thread, a viewer on web 1 watching it, then the question on web 0."""
        run_id, thread_id = self.ask_only(question)
        viewer = Viewer(self.bases[1], self.token, thread_id)
        viewer.start()
        return run_id, thread_id, viewer

    def ask_only(self, question: str) -> tuple[int, int]:
        """The question in a new thread, once accepted (202): (run id, thread id)."""
        thread = self.call("POST", f"/api/projects/{self.project_id}/agent/threads", json={})
        thread_id = thread.json()["id"]
        for _ in range(50):
            answer = self.call("POST", f"/api/agent/threads/{thread_id}/messages", json={"content": question})
            if answer.status_code == 202:
                return answer.json()["run"]["id"], thread_id
            time.sleep(0.5)
        raise RuntimeError(f"could not ask: {answer.status_code} {answer.text[:200]}")


def wait_streaming(viewer: Viewer, chars: int, timeout: float = 30) -> None:
    until = time.monotonic() + timeout
    while len(viewer.text) < chars and time.monotonic() < until:
        time.sleep(0.05)


def check(
    stack: Stack, client: Client, result: Result, runs: list[tuple[int, Viewer]], deadline: float
) -> None:
    """Every promise of the suite, for these runs."""
    result.runs = len(runs)
    until = time.monotonic() + deadline + SLACK
    ids = [run_id for run_id, _ in runs]
    while time.monotonic() < until:
        rows = stack.query("SELECT id, status FROM agent_runs WHERE id = ANY(%s)", ids)
        if all(status not in ("queued", "running") for _, status in rows):
            break
        time.sleep(0.5)
    for run_id, viewer in runs:
        status, attempts, cost, _model, _t_in, _t_out = stack.query(
            "SELECT status, attempts, cost_cents, model, tokens_in, tokens_out FROM agent_runs WHERE id = %s",
            run_id,
        )[0]
        answers = stack.query(
            "SELECT content FROM agent_messages WHERE role = 'assistant' AND (meta->>'run_id')::int = %s",
            run_id,
        )
        if status != "succeeded":
            result.failures.append(f"run {run_id} ended {status}")
        if [a[0] for a in answers] != [EXPECTED]:
            shown = [a[0][:40] + "…" + str(len(a[0])) for a in answers]
            result.failures.append(f"run {run_id}: {len(answers)} stored answers {shown}")
        if cost <= 0:
            result.failures.append(f"run {run_id}: not charged")
        until_viewer = time.monotonic() + 15
        while viewer.done is None and time.monotonic() < until_viewer:
            time.sleep(0.2)
        if viewer.text != EXPECTED or viewer.done != "succeeded" or viewer.duplicates:
            result.failures.append(
                f"run {run_id}: viewer saw {len(viewer.text)} chars, done={viewer.done}, "
                f"repeats={viewer.duplicates}, equal={viewer.text == EXPECTED}"
            )
        result.measured.append(f"run {run_id}: {status}, attempt {attempts}")
    _check_budget(stack, client, result)
    if 500 in client.statuses:
        result.failures.append("the API answered 500")


def _check_budget(stack: Stack, client: Client, result: Result) -> None:
    """One charge: the day's budget counter equals what the runs cost (no
    reservation left behind, nothing counted twice)."""
    day = time.strftime("%Y%m%d", time.gmtime())
    counted = stack.redis().get(f"budget:u:{client.user_id}:{day}")
    rows = stack.query("SELECT cost_cents FROM agent_runs WHERE user_id = %s", client.user_id)
    spent = sum(round(c * MICRO) for (c,) in rows)
    if counted is not None and abs(int(counted) - spent) > len(rows) + 1:
        result.failures.append(f"budget counter {counted} vs spent {spent} (micro-cents)")


# --- scenarios ------------------------------------------------------------------------------------


def pool_child_killed(stack: Stack, client: Client) -> Result:
    result = Result("SIGKILL of the pool child mid-stream", "redelivered at once, taken over, continued")
    stack.stop("worker", signal.SIGTERM)
    stack.start_worker(pool="prefork")
    stack.wait_worker_ready()
    run_id, _, viewer = client.ask()
    wait_streaming(viewer, 150)
    children = stack.pool_children()
    for child in children:
        os.kill(child, signal.SIGKILL)
    result.measured.append(f"killed {len(children)} pool children at {len(viewer.text)} chars")
    check(stack, client, result, [(run_id, viewer)], 60)
    stack.stop("worker", signal.SIGTERM)
    stack.start_worker()
    stack.wait_worker_ready()
    return result


def worker_killed(stack: Stack, client: Client) -> Result:
    result = Result("SIGKILL of the whole worker, then a restart", "sweeper re-queues, next worker continues")
    run_id, _, viewer = client.ask()
    wait_streaming(viewer, 150)
    cut = len(viewer.text)
    stack.stop("worker", signal.SIGKILL)
    stack.start_worker()
    result.measured.append(f"killed at {cut} chars")
    check(stack, client, result, [(run_id, viewer)], 60)
    return result


def deploy_sigterm(stack: Stack, client: Client) -> Result:
    result = Result("SIGTERM deploy mid-stream", "finish within the grace, hand the rest back, continue once")
    stack.fake.chunk_delay = 0.15  # a 9 s answer, longer than the 3 s grace: the rest is handed back
    run_id, _, viewer = client.ask()
    wait_streaming(viewer, 150)
    cut = len(viewer.text)
    started = time.monotonic()
    stack.stop("worker", signal.SIGTERM, wait=60)
    result.measured.append(f"SIGTERM at {cut} chars; worker exited in {time.monotonic() - started:.1f}s")
    stack.start_worker()
    check(stack, client, result, [(run_id, viewer)], 60)
    return result


def redis_down(stack: Stack, client: Client) -> Result:
    result = Result(
        "Redis down 30 s, a run streaming and a write in flight", "worker rides it out; 503 not 500"
    )
    run_id, _, viewer = client.ask()
    wait_streaming(viewer, 150)
    stack.stop("redis", signal.SIGTERM)
    down_at = time.monotonic()
    write = client.call(
        "POST", f"/api/projects/{client.project_id}/tasks", json={"title": "Written in the outage"}
    )
    read = client.call("GET", f"/api/projects/{client.project_id}/tasks?limit=5")
    thread = client.call("POST", f"/api/projects/{client.project_id}/agent/threads", json={})
    ask = client.call("POST", f"/api/agent/threads/{thread.json()['id']}/messages", json={"content": "Hi?"})
    result.measured.append(
        f"during the outage: write {write.status_code}, read {read.status_code}, "
        f"question {ask.status_code} (Retry-After {ask.headers.get('retry-after')})"
    )
    if ask.status_code != 503 or write.status_code != 201 or read.status_code != 200:
        result.failures.append("the API did not answer as promised during the outage")
    time.sleep(max(0.0, OUTAGE - (time.monotonic() - down_at)))
    stack.start_redis()
    check(stack, client, result, [(run_id, viewer)], 60)
    if write.status_code == 201:
        task_id = write.json()["id"]
        if not stack.query("SELECT id FROM tasks WHERE id = %s", task_id):
            result.failures.append("an acknowledged write was lost")
    time.sleep(6)  # one heartbeat period
    age = time.time() - float(stack.redis().get("rehome:worker:heartbeat") or 0)
    exited = stack.procs["worker"].poll()
    if age > 15 or exited is not None:
        result.failures.append(f"the worker did not carry on (heartbeat {age:.0f}s old, exit {exited})")
    after, _, later = client.ask()
    check(stack, client, result, [(after, later)], 60)  # and it still takes new questions
    return result


def redis_restarted_empty(stack: Stack, client: Client) -> Result:
    result = Result("Redis restarted empty", "queued runs re-queued from the database")
    stack.stop("worker", signal.SIGTERM)
    asked = [client.ask() for _ in range(2)]
    stack.stop("redis", signal.SIGKILL)
    stack.start_redis(empty=True)
    stack.start_worker()
    result.measured.append("2 runs queued when Redis lost everything")
    check(stack, client, result, [(run_id, viewer) for run_id, _, viewer in asked], 60)
    return result


def postgres_terminated(stack: Stack, client: Client) -> Result:
    result = Result("PostgreSQL connections terminated at start and at finish", "retried; stored once")
    stop = threading.Event()
    killed = [0]

    def killer(until: float) -> None:
        while time.monotonic() < until and not stop.is_set():
            killed[0] += stack.terminate_backends()
            time.sleep(0.05)

    run_id, _, viewer = client.ask()
    killer(time.monotonic() + 1.0)  # while the run starts
    wait_streaming(viewer, len(EXPECTED) - 60)
    killer(time.monotonic() + 3.0)  # while it finishes
    result.measured.append(f"{killed[0]} backends terminated")
    check(stack, client, result, [(run_id, viewer)], 60)
    return result


def hung_calls(stack: Stack, client: Client) -> Result:
    result = Result("4 hung provider calls + 1 healthy question", "healthy answer waits < 1 s")
    stack.fake.stall_seconds = 60
    stack.fake.queue(*["stall_headers"] * 4)
    hung = [client.ask() for _ in range(4)]
    until = time.monotonic() + 20
    while len(stack.fake.requests) < 4 and time.monotonic() < until:
        time.sleep(0.05)
    asked_at = time.monotonic()
    run_id, _, viewer = client.ask()
    while viewer.first_at is None and time.monotonic() < asked_at + 30:
        time.sleep(0.01)
    wait = (viewer.first_at or time.monotonic()) - asked_at
    result.measured.append(f"healthy question's first token after {wait * 1000:.0f} ms (ask + stream)")
    if wait >= 1.0:
        result.failures.append(f"healthy question waited {wait:.2f}s")
    check(stack, client, result, [(r, v) for r, _, v in hung] + [(run_id, viewer)], 60)
    stack.fake.release()
    return result


SCENARIOS: dict[str, Callable[[Stack, Client], Result]] = {
    "pool-child": pool_child_killed,
    "worker-kill": worker_killed,
    "deploy": deploy_sigterm,
    "redis-down": redis_down,
    "redis-empty": redis_restarted_empty,
    "postgres": postgres_terminated,
    "hung": hung_calls,
}


def run(names: list[str], db_name: str = "rehome_faults") -> list[Result]:
    stack = Stack(db_name)
    results: list[Result] = []
    try:
        stack.fake.reset()
        stack.fake.chunks = list(ANSWER)
        stack.fake.chunk_delay = 0.05  # 3 s an answer: faults land mid-stream
        stack.start()
        client = Client(stack)
        for name in names:
            stack.fake.reset()
            stack.fake.chunks, stack.fake.chunk_delay = list(ANSWER), 0.05
            started = time.monotonic()
            result = SCENARIOS[name](stack, client)
            result.seconds = time.monotonic() - started
            results.append(result)
            print(f"{'FAIL' if result.failures else 'ok  '} {result.name} ({result.seconds:.0f}s): "
                  f"{'; '.join(result.measured)} {result.failures or ''}", flush=True)  # fmt: skip
    finally:
        if any(r.failures for r in results):
            for name in ("worker", "web0", "beat"):
                (Path(tempfile.gettempdir()) / f"rehome-faults-{name}.log").write_text(stack.log(name))
                print(f"--- {name} log (tail) ---\n{stack.log(name)[-3000:]}", file=sys.stderr)
        stack.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scenarios", nargs="*", help="any of " + ", ".join(SCENARIOS) + " (default: all)")
    args = parser.parse_args()
    results = run(args.scenarios or list(SCENARIOS))
    print("\n| fault | promise | measured | data lost |\n|---|---|---|---|")
    for r in results:
        lost = "none" if not r.failures else "; ".join(r.failures)
        print(f"| {r.name} | {r.promise} | {'; '.join(r.measured)} | {lost} |")
    sys.exit(1 if any(r.failures for r in results) else 0)


if __name__ == "__main__":
    main()
