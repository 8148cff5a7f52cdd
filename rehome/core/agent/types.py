"""The shapes the agent's parts agree on: what a provider is asked and answers,
and what the context builder hands over."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


@dataclass(frozen=True, slots=True)
class ChatTurn:
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class ContextItem:
    """One quoted piece of project data; `ref` is what answers cite, e.g. T-42."""

    kind: Literal["task", "message", "file", "event", "project", "person", "figures"]
    id: int
    ref: str
    text: str
    tokens: int
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BuiltContext:
    """The data block for the prompt, what went in (for `context_used`), and
    the refs an answer may cite (any other citation is removed)."""

    text: str
    items: list[ContextItem]
    used: dict[str, Any]
    tokens: int
    refs: frozenset[str]
    project_id: int | None


@dataclass(frozen=True, slots=True)
class ProviderRequest:
    model: str
    system: str
    turns: list[ChatTurn]
    max_tokens: int
    temperature: float
    context: BuiltContext | None = None  # the offline provider reads items from here
    brief: str | None = None  # a digest's factual draft: the offline provider returns it as written

    def prompt_tokens(self) -> int:
        """Input tokens when a provider reports none: about four characters a
        token over what is sent (the system prompt already holds the context)."""
        chars = len(self.system) + sum(len(turn.content) for turn in self.turns)
        return math.ceil(chars / 4)


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int
    output_tokens: int


StreamEvent = TextDelta | Usage


class ProviderError(Exception):
    """A failed provider call. `retryable`: 429, 5xx, overloaded, network.
    `started`: text was already streamed, so the call must not be retried."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
        started: bool = False,
    ) -> None:
        super().__init__(message)
        self.retryable, self.status, self.retry_after, self.started = retryable, status, retry_after, started
        self.usage: Usage | None = None  # what the provider reported before failing, if anything


class ProviderStream(Protocol):
    def __iter__(self) -> Iterator[StreamEvent]: ...

    def close(self) -> None:
        """Abort the call from another thread (cancel, deadline); iteration then stops."""


class Provider(Protocol):
    @property
    def name(self) -> str:
        """ "anthropic", "openai" or "offline" (a class attribute in each provider)."""

    def stream(self, request: ProviderRequest) -> ProviderStream: ...
