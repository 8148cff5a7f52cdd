"""One provider call with deadlines, prompt cancellation and hand-over.

SDK timeouts apply per read, so a stream that trickles (or stalls between
reads) could run past `AI_TIMEOUT`. The call is read (and its text published)
on a helper thread while this thread watches the clock and the run's lease;
on a deadline, a stop, a lost lease or a worker shutting down it closes the
stream, which ends the blocked read at once.

Two deadlines: the first token must come within `AI_FIRST_BYTE_TIMEOUT`
(a call hanging before its headers is given up early and retried or failed
over, issue 9), the whole call within `AI_TIMEOUT`. Stop flags and the lease
are read by the lease keeper, so waiting here costs Redis nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Protocol

from rehome.core.agent import shutdown
from rehome.core.agent.lease import Handle
from rehome.core.agent.types import Provider, ProviderError, ProviderRequest, TextDelta, Usage
from rehome.core.infra import metrics
from rehome.settings import get_settings

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


class _Pump(threading.Thread):
    """Reads the call and publishes its text as it comes, on its own thread.

    Publishing here, not on the watching thread, spares every delta a hand-off
    between threads (at 100 streams in one process each hand-off waits its
    turn for the interpreter, issue 9). After `stop` it publishes nothing more,
    so the run's publisher has one user again."""

    def __init__(self, call: Iterable[object], publisher: Sink, strip_leading: bool, provider: str) -> None:
        super().__init__(name="agent-call", daemon=True)
        self.call, self.publisher, self.provider = call, publisher, provider
        self.strip_leading = strip_leading
        self.started_at = time.monotonic()
        self.started = bool(publisher.text)  # text was shown: a retry would repeat it
        self.got_text = False
        self.usage: Usage | None = None
        self.error: BaseException | None = None
        self.ended = threading.Event()
        self._lock = threading.Lock()
        self._stopped = False

    def run(self) -> None:
        try:
            for item in self.call:
                if isinstance(item, TextDelta) and item.text:
                    self._text(item.text)
                elif isinstance(item, Usage):
                    self.usage = item
        except BaseException as error:  # handed to the watching thread
            self.error = error
        finally:
            self.ended.set()

    def _text(self, text: str) -> None:
        if self.strip_leading and not self.got_text:
            text = text.lstrip()
        if not self.got_text:
            metrics.first_token(self.provider, time.monotonic() - self.started_at)
        self.got_text = True
        with self._lock:
            if text and not self._stopped:
                self.publisher.delta(text)
                self.started = True

    def stop(self) -> Usage | None:
        """Publish nothing more (waits for a delta being sent), and the usage
        the closed call still reports (it comes within moments, if at all)."""
        with self._lock:
            self._stopped = True
        self.ended.wait(USAGE_GRACE)
        return self.usage

    def result(self) -> Usage | None:
        """Once ended: the usage, or the call's failure as a `ProviderError`."""
        error = self.error
        if isinstance(error, ProviderError):
            error.started = error.started or self.started
            raise error
        if error is not None:
            raise ProviderError(f"{type(error).__name__}: {error}", retryable=False, started=self.started)
        return self.usage


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
    pump = _Pump(call, publisher, strip_leading, provider.name)
    pump.start()
    settings = get_settings()
    deadline = pump.started_at + settings.ai_timeout
    first_byte = pump.started_at + min(settings.ai_first_byte_timeout, settings.ai_timeout)
    while True:
        if (stop := _stop_reason(handle)) is not None:
            call.close()
            raise stop(pump.stop())
        now = time.monotonic()
        limit = deadline if pump.got_text else first_byte
        if now >= limit:
            call.close()
            message = (
                "The provider did not finish in time."
                if pump.got_text
                else f"The provider sent nothing for {now - pump.started_at:.0f} s."
            )
            usage = pump.stop()
            error = ProviderError(message, retryable=not pump.started, started=pump.started)
            error.usage = usage
            raise error
        if pump.ended.is_set():  # checked after the clock: a call cut at its deadline says so
            return pump.result()
        pump.ended.wait(min(POLL, limit - now))


def _stop_reason(handle: Handle) -> type[Interrupted] | None:
    if handle.lost.is_set():
        return LeaseLost
    if handle.cancelled.is_set():
        return Cancelled
    if shutdown.hand_off_due():
        return HandOff
    return None
