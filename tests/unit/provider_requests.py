"""A provider request and the text of a stream, for the provider tests."""

from __future__ import annotations

from rehome.core.agent.types import ChatTurn, ProviderRequest, StreamEvent, TextDelta


def provider_request(**overrides: object) -> ProviderRequest:
    fields: dict[str, object] = {
        "model": "test-model",
        "system": "You are the project assistant.",
        "turns": [ChatTurn("user", "Hi"), ChatTurn("assistant", "Hello!"), ChatTurn("user", "Status?")],
        "max_tokens": 256,
        "temperature": 0.3,
    }
    fields.update(overrides)
    return ProviderRequest(**fields)  # type: ignore[arg-type]


def text_of(events: list[StreamEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))
