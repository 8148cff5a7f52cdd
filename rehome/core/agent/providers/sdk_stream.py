"""The life of one streamed SDK call, shared by the network providers.

Both SDKs stream the same way from our side: open the call under a
`CallAbort` (so `close()` from another thread cuts it within a second), turn
the SDK's events into `TextDelta`s, always close the SDK stream, stay quiet
when the caller aborted (it knows why), treat a stream that ends without its
closing event as a retryable failure, and end with exactly one `Usage`. Only
the request, the event shapes and the error mapping differ per provider.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from rehome.core.agent.providers.http import CallAbort, abortable_http_client, sdk_timeout
from rehome.core.agent.types import ProviderError, ProviderRequest, StreamEvent, TextDelta, Usage


@dataclass
class Progress:
    """What a stream has shown so far; the provider's `_events` fills it in."""

    started: bool = False  # text was streamed (a retry would repeat it)
    finished: bool = False  # the provider's end-of-answer event arrived
    input_tokens: int = 0
    output_tokens: int | None = None  # None: the provider reported no usage
    chars: int = 0

    def text(self, piece: str) -> TextDelta:
        self.started = True
        self.chars += len(piece)
        return TextDelta(piece)


class SdkStream(ABC):
    """One streamed call: `TextDelta`s, then one `Usage`. Iterate once.

    `close()` (from any thread) makes the iteration stop promptly and quietly."""

    name: ClassVar[str]

    def __init__(self, client: Any, request: ProviderRequest) -> None:
        self._client = client
        self._request = request
        self._abort = CallAbort()

    def close(self) -> None:
        self._abort.abort()

    @abstractmethod
    def _open(self) -> Any:
        """Send the request; the SDK's stream of events."""

    @abstractmethod
    def _events(self, sdk_stream: Any, progress: Progress) -> Iterator[TextDelta]:
        """The text in the SDK's events, noting usage and the end in `progress`."""

    @abstractmethod
    def _map_error(self, error: Exception, *, started: bool) -> ProviderError:
        """The `ProviderError` for anything the SDK or the transport raised."""

    def __iter__(self) -> Iterator[StreamEvent]:
        if self._abort.aborted:
            return
        progress = Progress()
        sdk_stream: Any = None
        try:
            with self._abort.active():
                sdk_stream = self._open()
            yield from self._events(sdk_stream, progress)
        except Exception as error:
            if self._abort.aborted:
                yield from self._reported(progress)
                return
            failure = self._map_error(error, started=progress.started)
            failure.usage = next(iter(self._reported(progress)), None)
            raise failure from error
        finally:
            if sdk_stream is not None:
                sdk_stream.close()
        if self._abort.aborted:
            yield from self._reported(progress)
            return
        if not progress.finished:
            ended = f"{self.name}: the stream ended before the answer did"
            failure = ProviderError(ended, retryable=True, started=progress.started)
            failure.usage = next(iter(self._reported(progress)), None)
            raise failure
        yield self._usage(progress)

    @staticmethod
    def _reported(progress: Progress) -> list[Usage]:
        """The usage the provider reported before the call ended early (partial
        answers are billed on it, not on an estimate), if it reported any."""
        if progress.output_tokens is None and not progress.input_tokens:
            return []
        return [Usage(progress.input_tokens, progress.output_tokens or 0)]

    def _usage(self, progress: Progress) -> Usage:
        if progress.output_tokens is not None:
            return Usage(progress.input_tokens, progress.output_tokens)
        # A compatible server that reports no usage: estimate rather than
        # record a free call.
        return Usage(self._request.prompt_tokens(), math.ceil(progress.chars / 4))


class SdkProvider:
    """A provider over an official SDK: one client shared by all calls.

    The SDK's own retries are off (`max_retries=0`): the runner retries, with
    backoff, a circuit breaker and fallback, and retries live in one layer
    only (F-36)."""

    name: ClassVar[str]
    sdk_client: ClassVar[Callable[..., Any]]
    stream_class: ClassVar[type[SdkStream]]

    def __init__(self, *, api_key: str, base_url: str | None = None, timeout: float = 60.0) -> None:
        self._client = type(self).sdk_client(
            api_key=api_key,
            base_url=base_url,
            max_retries=0,
            timeout=sdk_timeout(timeout),
            http_client=abortable_http_client(timeout),
        )

    def stream(self, request: ProviderRequest) -> SdkStream:
        """A call that starts when iterated; nothing is sent before."""
        return self.stream_class(self._client, request)
