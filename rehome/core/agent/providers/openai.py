"""OpenAI Chat Completions, streamed, behind the `Provider` protocol (the
fallback provider).

As for Anthropic: SDK retries off (the runner is the one retry layer), usage
requested in the stream (`include_usage`) so cost is the billed one, and every
failure mapped to a `ProviderError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import openai

from rehome.core.agent.providers.http import parse_retry_after, retryable_status
from rehome.core.agent.providers.sdk_stream import Progress, SdkProvider, SdkStream
from rehome.core.agent.types import ProviderError, TextDelta

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


class OpenAIStream(SdkStream):
    name = "openai"

    def _open(self) -> Any:
        request = self._request
        messages: list[Any] = [{"role": "system", "content": request.system}] if request.system else []
        messages += [{"role": turn.role, "content": turn.content} for turn in request.turns]
        return self._client.chat.completions.create(
            model=request.model,
            messages=messages,
            max_completion_tokens=request.max_tokens,
            temperature=request.temperature,
            stream=True,
            stream_options={"include_usage": True},  # the billed usage, in the last chunk
        )

    def _events(self, sdk_stream: Any, progress: Progress) -> Iterator[TextDelta]:
        for chunk in sdk_stream:
            if chunk.usage is not None:
                progress.input_tokens = chunk.usage.prompt_tokens or 0
                progress.output_tokens = chunk.usage.completion_tokens or 0
                progress.finished = True
            for choice in chunk.choices:
                if choice.index == 0 and choice.delta is not None and choice.delta.content:
                    yield progress.text(choice.delta.content)
                if choice.finish_reason is not None:
                    progress.finished = True

    def _map_error(self, error: Exception, *, started: bool) -> ProviderError:
        return map_error(error, started=started)


class OpenAIProvider(SdkProvider):
    """Streams answers from OpenAI."""

    name = "openai"
    sdk_client = openai.OpenAI
    stream_class = OpenAIStream


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
