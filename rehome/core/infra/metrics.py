"""Every Prometheus metric ReHome records, defined once (issue 12).

Web workers are separate processes, so with `PROMETHEUS_MULTIPROC_DIR` set
each process writes its samples to files there and a scrape of any one of
them adds them all up (prometheus-client's multiprocess mode). The setting is
pushed into the environment before the first metric exists, because the
library picks its storage when a metric is created. A process that exits is
marked dead so its live gauges drop out; counters and histograms keep their
totals, as Prometheus expects.

Queue depth and breaker state live in Redis (or, embedded, in this process's
thread pool), so they are read at scrape time (`Sampled`), not recorded.
Labels are few and bounded: route templates, handler names, statuses.
"""

from __future__ import annotations

import atexit
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import values
from prometheus_client.metrics import Counter, Histogram

from rehome.settings import get_settings

_MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiproc_dir() -> str:
    """The shared directory, or "" for single-process (in-memory) metrics."""
    return os.environ.get(_MULTIPROC_ENV, "")


def _prepare_storage() -> None:
    configured = get_settings().prometheus_multiproc_dir
    if configured and not os.environ.get(_MULTIPROC_ENV):
        os.environ[_MULTIPROC_ENV] = configured
    if multiproc_dir():
        Path(multiproc_dir()).mkdir(parents=True, exist_ok=True)
        values.ValueClass = values.get_value_class()  # in case prometheus-client was imported earlier
        atexit.register(_mark_dead)


def _mark_dead() -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(os.getpid(), multiproc_dir())


_prepare_storage()

_FAST = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_SLOW = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)

REQUEST_SECONDS = Histogram(
    "rehome_http_request_duration_seconds",
    "HTTP request latency by route template (never the raw URL).",
    ["method", "route", "status"],
    buckets=_FAST,
)
HANDLER_SECONDS = Histogram(
    "rehome_event_handler_duration_seconds",
    "Reflex event handler time, measured in the guard decorators.",
    ["handler"],
    buckets=_FAST,
)
FANOUT_DELAY_SECONDS = Histogram(
    "rehome_live_fanout_delay_seconds",
    "From an event's publication on the bus to its delivery to a viewer.",
    buckets=_FAST,
)
AGENT_RUNS = Counter("rehome_agent_runs_total", "Agent runs finished, by final status.", ["status"])
AGENT_TOKENS = Counter(
    "rehome_agent_tokens_total", "Tokens billed for agent work.", ["provider", "direction"]
)
AGENT_COST_CENTS = Counter("rehome_agent_cost_cents_total", "What agent work cost, in cents.", ["provider"])
FIRST_TOKEN_SECONDS = Histogram(
    "rehome_agent_first_token_seconds",
    "From a provider call's start to its first text.",
    ["provider"],
    buckets=_SLOW,
)
BREAKER_OPENED = Counter("rehome_breaker_opened_total", "Times a provider's circuit opened.", ["provider"])
MAIL = Counter("rehome_mail_total", "Mails finished, by outcome (sent or failed).", ["status", "transport"])


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(method, route, str(status)).observe(seconds)


@contextmanager
def handler_timer(handler: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        HANDLER_SECONDS.labels(handler).observe(time.perf_counter() - started)


def observe_fanout(published_ms: int, now: float | None = None) -> None:
    """`published_ms`: the bus event's Redis stream id time (Redis's clock)."""
    delay = (now if now is not None else time.time()) - published_ms / 1000
    FANOUT_DELAY_SECONDS.observe(max(0.0, delay))


def run_finished(status: str, provider: str, tokens_in: int, tokens_out: int, cost_cents: float) -> None:
    AGENT_RUNS.labels(status).inc()
    name = provider or "none"
    AGENT_TOKENS.labels(name, "in").inc(max(0, tokens_in))
    AGENT_TOKENS.labels(name, "out").inc(max(0, tokens_out))
    AGENT_COST_CENTS.labels(name).inc(max(0.0, cost_cents))


def first_token(provider: str, seconds: float) -> None:
    FIRST_TOKEN_SECONDS.labels(provider or "unknown").observe(seconds)


def breaker_opened(provider: str) -> None:
    BREAKER_OPENED.labels(provider).inc()


def mail_finished(status: str, transport: str) -> None:
    MAIL.labels(status, transport or "none").inc()
