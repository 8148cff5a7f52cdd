"""One provider call with deadlines, prompt cancellation and hand-over.

SDK timeouts apply per read, so a stream that trickles (or stalls between
reads) could run past `AI_TIMEOUT`. The call is read on a helper thread while
this thread watches the clock and the run's lease; on a deadline, a stop, a
lost lease or a worker shutting down it closes the stream, which ends the
blocked read at once.

Two deadlines: the first token must come within `AI_FIRST_BYTE_TIMEOUT`
(a call hanging before its headers is given up early and retried or failed
over, issue 9), the whole call within `AI_TIMEOUT`. Stop flags and the lease
are read by the lease keeper, so waiting here costs Redis nothing.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Protocol

from rehome.core.agent import shutdown
from rehome.core.agent.lease import Handle
from rehome.core.agent.types import Provider, ProviderError, ProviderRequest, TextDelta, Usage
from rehome.core.infra import metrics
from rehome.settings import get_settings

_END = object()
POLL = 0.1  # seconds between checks: a stop takes effect well within a second
USAGE_GRACE = 0.5  # seconds to wait for the usage of a call we cut short


class Interrupted(Exception):
    """The call was cut short on purpose; `usage` is what the provider reported."""

    def __init__(self, usage: Usage | None = None) -> None:
        super().__init__(type(self).__name__)
        self.usage = usage


class Cancelled(Interrupted):
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


class LeaseLost(Interrupted):
    """Another worker took the run over: this one must store nothing."""


class HandOff(Interrupted):
    """The worker is shutting down: the run goes back to the queue."""


def stream_once(
    provider: Provider,
    request: ProviderRequest,
    publisher: Sink,
    handle: Handle,
    strip_leading: bool = False,
) -> Usage | None:
    """Stream one call into `publisher`; returns the usage the provider reported.

    `strip_leading`: the call continues an answer whose trailing whitespace
    was left out of the prefill, so the continuation's leading whitespace
    (already shown) is dropped."""
    call = provider.stream(request)
    items: queue.Queue[object] = queue.Queue()

    def pump() -> None:
        try:
            for event in call:
                items.put(event)
            items.put(_END)
        except BaseException as error:  # handed to the watching thread
            items.put(error)

    threading.Thread(target=pump, name=f"agent-run-{handle.run_id}", daemon=True).start()
    settings = get_settings()
    started_at = time.monotonic()
    deadline = started_at + settings.ai_timeout
    first_byte = started_at + min(settings.ai_first_byte_timeout, settings.ai_timeout)
    started, got_text = bool(publisher.text), False
    usage: Usage | None = None
    while True:
        if (stop := _stop_reason(handle)) is not None:
            call.close()
            raise stop(_late_usage(items))
        now = time.monotonic()
        if now >= deadline or (not got_text and now >= first_byte):
            call.close()
            message = (
                "The provider did not finish in time."
                if got_text
                else f"The provider sent nothing for {now - started_at:.0f} s."
            )
            error = ProviderError(message, retryable=not started, started=started)
            error.usage = _late_usage(items)
            raise error
        try:
            item = items.get(timeout=min(POLL, max(0.0, deadline - now)))
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
            text = item.text
            if strip_leading and not got_text:
                text = text.lstrip()
            if not got_text:
                metrics.first_token(provider.name, time.monotonic() - started_at)
            got_text = True
            if text:
                publisher.delta(text)
                started = True
        elif isinstance(item, Usage):
            usage = item


def _stop_reason(handle: Handle) -> type[Interrupted] | None:
    if handle.lost.is_set():
        return LeaseLost
    if handle.cancelled.is_set():
        return Cancelled
    if shutdown.hand_off_due():
        return HandOff
    return None


def _late_usage(items: queue.Queue[object]) -> Usage | None:
    """The usage a closed call still reports (it comes within moments, if at all)."""
    until = time.monotonic() + USAGE_GRACE
    while (left := until - time.monotonic()) > 0:
        try:
            item = items.get(timeout=left)
        except queue.Empty:
            return None
        if isinstance(item, Usage):
            return item
        if item is _END or isinstance(item, BaseException):
            return None
    return None
