"""One provider call with a hard deadline and prompt cancellation.

SDK timeouts apply per read, so a stream that trickles (or stalls between
reads) could run past `AI_TIMEOUT`. The call is read on a helper thread while
this thread watches the clock and the run's cancel flag; on either it closes
the stream, which ends the blocked read at once.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Protocol

from rehome.core.agent import stream
from rehome.core.agent.types import Provider, ProviderError, ProviderRequest, TextDelta, Usage
from rehome.settings import get_settings

_END = object()
POLL = 0.2  # seconds between cancel checks: cancel takes effect well within a second


class Cancelled(Exception):
    """The person stopped the run."""


class Sink(Protocol):
    """Where a call's text goes: the run's Redis stream (`stream.Publisher`),
    or a plain collector for work nobody watches live (digests)."""

    @property
    def text(self) -> str: ...

    def delta(self, text: str) -> None: ...


class Collector:
    """A `Sink` that only keeps the text."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def delta(self, text: str) -> None:
        self._parts.append(text)


def stream_once(provider: Provider, request: ProviderRequest, publisher: Sink, run_id: int) -> Usage | None:
    """Stream one call into `publisher`; returns the usage the provider reported."""
    call = provider.stream(request)
    items: queue.Queue[object] = queue.Queue()

    def pump() -> None:
        try:
            for event in call:
                items.put(event)
            items.put(_END)
        except BaseException as error:  # handed to the watching thread
            items.put(error)

    threading.Thread(target=pump, name=f"agent-run-{run_id}", daemon=True).start()
    deadline = time.monotonic() + get_settings().ai_timeout
    next_check = 0.0
    started = bool(publisher.text)
    usage: Usage | None = None
    while True:
        if time.monotonic() >= next_check:  # one Redis read per POLL, not per delta
            if stream.cancel_requested(run_id):
                call.close()
                raise Cancelled
            next_check = time.monotonic() + POLL
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            call.close()
            raise ProviderError(
                "The provider did not finish in time.", retryable=not started, started=started
            )
        try:
            item = items.get(timeout=min(POLL, remaining))
        except queue.Empty:
            continue
        if item is _END:
            return usage
        if isinstance(item, ProviderError):
            item.started = item.started or started
            raise item
        if isinstance(item, BaseException):
            raise ProviderError(f"{type(item).__name__}: {item}", retryable=False, started=started)
        if isinstance(item, TextDelta) and item.text:
            publisher.delta(item.text)
            started = True
        elif isinstance(item, Usage):
            usage = item
