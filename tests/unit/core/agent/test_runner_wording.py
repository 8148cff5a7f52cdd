"""Billing of cut-short answers and the wording of provider errors (issue 9)."""

from __future__ import annotations

from rehome.core.agent import runner, stream
from rehome.core.agent.context import estimate_tokens
from rehome.core.agent.types import ChatTurn, ProviderError, ProviderRequest, Usage
from rehome.core.vocab import RunStatus

REQUEST = ProviderRequest(
    model="m", system="s" * 4000, turns=[ChatTurn("user", "q")], max_tokens=10, temperature=0
)


def _publisher(text: str) -> stream.Publisher:
    return stream.Publisher(1, text=text)


def test_a_cut_short_answer_is_billed_on_the_usage_the_provider_reported(db) -> None:
    outcome = runner._partial(
        _publisher("Half an answer"), REQUEST, RunStatus.FAILED, "anthropic", "m", "x", Usage(1234, 1), ""
    )
    assert outcome.tokens_in == 1234  # reported, not the ~1,000 estimated from the prompt
    assert outcome.tokens_out == estimate_tokens("Half an answer")  # the text is the floor of a running count


def test_without_reported_usage_the_prompt_is_estimated(db) -> None:
    outcome = runner._partial(_publisher("abc"), REQUEST, RunStatus.CANCELLED, "openai", "m", None, None, "")
    assert outcome.tokens_in == REQUEST.prompt_tokens()


def test_a_continued_answer_bills_the_earlier_attempts_text_too(db) -> None:
    outcome = runner._partial(
        _publisher("Hello, world"), REQUEST, RunStatus.FAILED, "anthropic", "m", "x", Usage(50, 2), "Hello, "
    )
    assert outcome.tokens_out == max(2, estimate_tokens("world")) + estimate_tokens("Hello, ")


def test_errors_name_the_provider_once() -> None:
    named = ProviderError("anthropic: HTTP 529: Overloaded", retryable=True)
    bare = ProviderError("The provider sent nothing for 15 s.", retryable=True)
    assert runner._error_text("anthropic", named) == "anthropic: HTTP 529: Overloaded"
    assert runner._error_text("openai", bare) == "openai: The provider sent nothing for 15 s."


def test_a_takeover_asks_for_the_rest_of_the_answer() -> None:
    continued = runner._continuing(REQUEST, "Hello, wor ")
    assert continued.turns[-1] == ChatTurn("assistant", "Hello, wor")  # no trailing whitespace in a prefill
    assert runner._continuing(REQUEST, "") is REQUEST
