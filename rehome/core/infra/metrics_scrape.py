"""What a scrape returns: every process's recorded metrics plus the values
that are read, not recorded, at scrape time (queue depth, breaker state).

Those two live in shared places (the broker's Redis lists, the breaker's
Redis hash), so whichever process answers the scrape reads the same truth,
and a scrape never fails because Redis is away: the sample is left out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import lru_cache

import redis
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import REGISTRY, Collector

from rehome.core.infra import breaker, jobs, metrics
from rehome.core.infra.kv import redis_errors
from rehome.settings import get_settings

log = logging.getLogger(__name__)
PROVIDERS = ("anthropic", "openai")
BREAKER_STATES = ("closed", "half_open", "open")
# kombu's Redis transport keeps priorities in sibling lists: "celery", "celery\x06\x163", ...
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
CELERY_QUEUE = "celery"


@lru_cache(maxsize=4)
def _broker(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def queue_depths() -> dict[str, int]:
    """Jobs waiting: the Celery queue in the broker, or this process's pool."""
    url = get_settings().celery_broker_url
    if not url:
        return {"local": jobs.backlog()}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return {}
    client = _broker(url)
    pipe = client.pipeline(transaction=False)
    for suffix in _PRIORITY_SUFFIXES:
        pipe.llen(CELERY_QUEUE + suffix)
    return {CELERY_QUEUE: sum(int(n) for n in pipe.execute())}


class Sampled(Collector):
    """Queue depth and breaker state, read when Prometheus asks."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("rehome_queue_depth", "Jobs waiting to run.", labels=["queue"])
        try:
            for queue, size in queue_depths().items():
                depth.add_metric([queue], size)
        except (redis.RedisError, OSError) as error:
            log.warning("queue depth not sampled", extra={"error": type(error).__name__})
        yield depth
        state = GaugeMetricFamily(
            "rehome_breaker_state",
            "1 for the provider's current circuit state.",
            labels=["provider", "state"],
        )
        for provider in PROVIDERS:
            try:
                current = breaker.state(provider)
            except redis_errors():
                continue
            for name in BREAKER_STATES:
                state.add_metric([provider, name], 1.0 if name == current else 0.0)
        yield state


def registry() -> CollectorRegistry:
    """All processes' metrics (multiprocess mode) or this one's, plus samples."""
    if metrics.multiproc_dir():
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected, path=metrics.multiproc_dir())
    else:
        collected = CollectorRegistry()
        collected.register(_Default())
    collected.register(Sampled())
    return collected


class _Default(Collector):
    """This process's in-memory metrics (the default registry), re-exposed."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition() -> tuple[bytes, str]:
    """The scrape body and its content type."""
    return generate_latest(registry()), CONTENT_TYPE_LATEST
