"""OpenAI Chat Completions, streamed, behind the `Provider` protocol (the
fallback provider).

As for Anthropic: SDK retries off (the runner is the one retry layer), usage
requested in the stream (`include_usage`) so cost is the billed one, and every
failure mapped to a `ProviderError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import httpx2
import openai

from rehome.core.agent.providers import (
    CallAbort,
    abortable_http_client,
    parse_retry_after,
    retryable_status,
    sdk_timeout,
)
from rehome.core.agent.types import ProviderError, ProviderRequest, StreamEvent, TextDelta, Usage

# An error chunk inside a 200 stream carries a type or code, no status.
_STATUS_BY_ERROR_TYPE = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "invalid_api_key": 401,
    "permission_error": 403,
    "not_found_error": 404,
    "rate_limit_exceeded": 429,
    "insufficient_quota": 429,
    "server_error": 500,
}


class OpenAIProvider:
    """Streams answers from OpenAI; one SDK client shared by all calls."""

    name = "openai"

    def __init__(self, *, api_key: str, base_url: str | None = None, timeout: float = 60.0) -> None:
        self._client = openai.OpenAI(
            api_key=api_key,
            base_url=base_url,
            max_retries=0,
            timeout=sdk_timeout(timeout),
            http_client=abortable_http_client(timeout),
        )

    def stream(self, request: ProviderRequest) -> OpenAIStream:
        """A call that starts when iterated; nothing is sent before."""
        return OpenAIStream(self._client, request)


class OpenAIStream:
    """One streamed call: `TextDelta`s, then one `Usage`. Iterate once.

    `close()` (from any thread) makes the iteration stop promptly and quietly."""

    def __init__(self, client: openai.OpenAI, request: ProviderRequest) -> None:
        self._client = client
        self._request = request
        self._abort = CallAbort()

    def close(self) -> None:
        self._abort.abort()

    def __iter__(self) -> Iterator[StreamEvent]:
        if self._abort.aborted:
            return
        request = self._request
        messages: list[Any] = [{"role": "system", "content": request.system}] if request.system else []
        messages += [{"role": turn.role, "content": turn.content} for turn in request.turns]
        started = False
        finished = False
        usage: Usage | None = None
        chars = 0
        sdk_stream: Any = None
        try:
            with self._abort.active():
                sdk_stream = self._client.chat.completions.create(
                    model=request.model,
                    messages=messages,
                    max_completion_tokens=request.max_tokens,
                    temperature=request.temperature,
                    stream=True,
                    stream_options={"include_usage": True},
                )
            for chunk in sdk_stream:
                if chunk.usage is not None:
                    usage = Usage(chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
                    finished = True
                for choice in chunk.choices:
                    if choice.index == 0 and choice.delta is not None and choice.delta.content:
                        started = True
                        chars += len(choice.delta.content)
                        yield TextDelta(choice.delta.content)
                    if choice.finish_reason is not None:
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
                "openai: the stream ended before the answer did", retryable=True, started=started
            )
        # A compatible server that ignores `include_usage` sends none: estimate
        # (about four characters a token) rather than record a free call.
        yield usage or Usage(_estimate(request), math.ceil(chars / 4))


def _estimate(request: ProviderRequest) -> int:
    return math.ceil((len(request.system) + sum(len(turn.content) for turn in request.turns)) / 4)


def map_error(error: Exception, *, started: bool) -> ProviderError:
    """The `ProviderError` for anything the SDK or the transport raised."""
    if isinstance(error, openai.APIStatusError):
        status = error.status_code
        return ProviderError(
            f"openai: HTTP {status}: {_detail(error)}",
            retryable=retryable_status(status),
            status=status,
            retry_after=parse_retry_after(error.response.headers) if status == 429 else None,
            started=started,
        )
    # Timeouts before APIConnectionError: it is their base class.
    if isinstance(error, openai.APITimeoutError | httpx2.TimeoutException):
        return ProviderError("openai: timed out waiting for the API", retryable=True, started=started)
    if isinstance(error, openai.APIConnectionError | httpx2.RequestError):
        return ProviderError(f"openai: connection failed ({error})", retryable=True, started=started)
    if isinstance(error, openai.APIError):  # an error chunk inside the stream
        status = _STATUS_BY_ERROR_TYPE.get(str(error.code or ""), 0) or _STATUS_BY_ERROR_TYPE.get(
            str(error.type or ""), 500
        )
        return ProviderError(
            f"openai: error in stream ({error.type or error.code or 'unknown'}): {error.message}",
            retryable=retryable_status(status),
            status=status,
            started=started,
        )
    return ProviderError(
        f"openai: unexpected {type(error).__name__}: {error}", retryable=False, started=started
    )


def _detail(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return error.message
