"""Anthropic Messages API, streamed, behind the `Provider` protocol.

The call's life cycle (abort, closing, usage) is `SdkStream`'s; this module
knows the Messages API's events and maps every failure to a `ProviderError`
that says whether a retry could help and whether text had been streamed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2

from rehome.core.agent.providers.http import parse_retry_after, retryable_status
from rehome.core.agent.providers.sdk_stream import Progress, SdkProvider, SdkStream
from rehome.core.agent.types import ProviderError, TextDelta

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


class AnthropicStream(SdkStream):
    name = "anthropic"

    def _open(self) -> Any:
        request = self._request
        return self._client.messages.create(
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

    def _events(self, sdk_stream: Any, progress: Progress) -> Iterator[TextDelta]:
        for event in sdk_stream:
            if event.type == "message_start":
                progress.input_tokens = _input_tokens(event.message.usage)
                progress.output_tokens = event.message.usage.output_tokens or 0
            elif event.type == "content_block_delta":
                if event.delta.type == "text_delta" and event.delta.text:
                    yield progress.text(event.delta.text)
            elif event.type == "message_delta":
                progress.output_tokens = event.usage.output_tokens  # cumulative
            elif event.type == "message_stop":
                progress.finished = True

    def _map_error(self, error: Exception, *, started: bool) -> ProviderError:
        return map_error(error, started=started)


class AnthropicProvider(SdkProvider):
    """Streams answers from Anthropic."""

    name = "anthropic"
    sdk_client = anthropic.Anthropic
    stream_class = AnthropicStream


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
