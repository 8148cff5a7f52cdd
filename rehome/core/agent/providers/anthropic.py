"""Anthropic Messages API, streamed, behind the `Provider` protocol.

The SDK's own retries are off (`max_retries=0`): the runner retries, with
backoff, a circuit breaker and fallback, and retries must live in one layer
only (F-36). Every failure leaves here as a `ProviderError` that says whether
a retry could help and whether text had already been streamed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2

from rehome.core.agent.providers import (
    CallAbort,
    abortable_http_client,
    parse_retry_after,
    retryable_status,
    sdk_timeout,
)
from rehome.core.agent.types import ProviderError, ProviderRequest, StreamEvent, TextDelta, Usage

# An `error` event inside a 200 stream carries only a type; the SDK reports it
# with the stream's status (200), so the status it stands for comes from here.
_STATUS_BY_ERROR_TYPE = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}


class AnthropicProvider:
    """Streams answers from Anthropic; one SDK client shared by all calls."""

    name = "anthropic"

    def __init__(self, *, api_key: str, base_url: str | None = None, timeout: float = 60.0) -> None:
        self._client = anthropic.Anthropic(
            api_key=api_key,
            base_url=base_url,
            max_retries=0,
            timeout=sdk_timeout(timeout),
            http_client=abortable_http_client(timeout),
        )

    def stream(self, request: ProviderRequest) -> AnthropicStream:
        """A call that starts when iterated; nothing is sent before."""
        return AnthropicStream(self._client, request)


class AnthropicStream:
    """One streamed call: `TextDelta`s, then one `Usage`. Iterate once.

    `close()` (from any thread) makes the iteration stop promptly and quietly:
    the caller closed it, so it knows why."""

    def __init__(self, client: anthropic.Anthropic, request: ProviderRequest) -> None:
        self._client = client
        self._request = request
        self._abort = CallAbort()

    def close(self) -> None:
        self._abort.abort()

    def __iter__(self) -> Iterator[StreamEvent]:
        if self._abort.aborted:
            return
        request = self._request
        started = False
        finished = False
        input_tokens = output_tokens = 0
        sdk_stream: Any = None
        try:
            with self._abort.active():
                sdk_stream = self._client.messages.create(
                    model=request.model,
                    max_tokens=request.max_tokens,
                    system=request.system or anthropic.omit,
                    messages=[{"role": turn.role, "content": turn.content} for turn in request.turns],
                    stream=True,
                    # SDK 1.x dropped the `temperature` keyword (newer models reject
                    # non-default sampling); the API still takes it for the models
                    # we price, so it goes in the body as it always went on the wire.
                    extra_body={"temperature": request.temperature},
                )
            for event in sdk_stream:
                if event.type == "message_start":
                    input_tokens = _input_tokens(event.message.usage)
                    output_tokens = event.message.usage.output_tokens or 0
                elif event.type == "content_block_delta":
                    if event.delta.type == "text_delta" and event.delta.text:
                        started = True
                        yield TextDelta(event.delta.text)
                elif event.type == "message_delta":
                    output_tokens = event.usage.output_tokens  # cumulative
                elif event.type == "message_stop":
                    finished = True
        except Exception as error:
            if self._abort.aborted:
                return
            raise map_error(error, started=started) from error
        finally:
            if sdk_stream is not None:
                sdk_stream.close()
        if self._abort.aborted:
            return
        if not finished:
            raise ProviderError(
                "anthropic: the stream ended before message_stop", retryable=True, started=started
            )
        yield Usage(input_tokens=input_tokens, output_tokens=output_tokens)


def _input_tokens(usage: Any) -> int:
    """Billed input: plain plus cache writes and reads, when reported."""
    return sum(
        getattr(usage, field, None) or 0
        for field in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    )


def map_error(error: Exception, *, started: bool) -> ProviderError:
    """The `ProviderError` for anything the SDK or the transport raised."""
    if isinstance(error, anthropic.APIStatusError):
        status = error.status_code
        if status < 400:  # an `error` event inside the stream
            status = _STATUS_BY_ERROR_TYPE.get(str(error.type or ""), 500)
        detail = error.api_message or error.type or error.message
        return ProviderError(
            f"anthropic: HTTP {status}: {detail}",
            retryable=retryable_status(status),
            status=status,
            retry_after=parse_retry_after(error.response.headers) if status == 429 else None,
            started=started,
        )
    # Reads of the body happen outside the SDK's request wrapper, so a stalled
    # or dropped stream surfaces as a raw httpx2 error rather than APIConnectionError.
    if isinstance(error, anthropic.APITimeoutError | httpx2.TimeoutException):
        return ProviderError("anthropic: timed out waiting for the API", retryable=True, started=started)
    if isinstance(error, anthropic.APIConnectionError | httpx2.RequestError):
        return ProviderError(f"anthropic: connection failed ({error})", retryable=True, started=started)
    return ProviderError(
        f"anthropic: unexpected {type(error).__name__}: {error}", retryable=False, started=started
    )
