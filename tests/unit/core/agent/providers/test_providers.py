"""Providers: the real Anthropic and OpenAI SDKs against a local fake server
(normal streams, each error class, stalls, split UTF-8, cancel from another
thread), the price table, and the offline provider's answers."""

from __future__ import annotations

import threading
import time

import pytest

from rehome.core.agent.providers import make_provider
from rehome.core.agent.providers.http import parse_retry_after
from rehome.core.agent.providers.prices import DEFAULT_PRICE, PRICES, cost_cents, price_for
from rehome.core.agent.types import (
    ProviderError,
    StreamEvent,
    TextDelta,
    Usage,
)
from tests.fakes.llm_server import FakeLLM
from tests.unit.provider_requests import provider_request, text_of

pytest_plugins = ["tests.fakes.llm_server"]

NETWORK = ["anthropic", "openai"]


def _collect(name: str, *, timeout: float = 5.0) -> list[StreamEvent]:
    return list(make_provider(name, timeout=timeout).stream(provider_request()))


def _error(name: str, *, timeout: float = 5.0) -> tuple[ProviderError, list[StreamEvent]]:
    events: list[StreamEvent] = []
    call = make_provider(name, timeout=timeout).stream(provider_request())
    with pytest.raises(ProviderError) as caught:
        events.extend(call)  # extend keeps what came before the error
    return caught.value, events


# --- network providers -------------------------------------------------------------------------


@pytest.mark.parametrize("name", NETWORK)
def test_a_normal_stream_yields_the_deltas_then_the_usage(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.chunks = ["The ", "tiles ", "arrive ", "Thursday."]
    fake_llm.input_tokens, fake_llm.output_tokens = 321, 45
    events = _collect(name)
    assert [e for e in events if isinstance(e, TextDelta)] == [TextDelta(c) for c in fake_llm.chunks]
    assert events[-1] == Usage(input_tokens=321, output_tokens=45)
    assert sum(isinstance(e, Usage) for e in events) == 1
    [sent] = fake_llm.requests  # one request: the SDK's own retries are off
    body = sent.body
    assert (body["model"], body["temperature"], body["stream"]) == ("test-model", 0.3, True)
    turns = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
    turns.append({"role": "user", "content": "Status?"})
    if name == "anthropic":
        assert sent.path == "/v1/messages"
        assert (body["system"], body["max_tokens"], body["messages"]) == (
            "You are the project assistant.",
            256,
            turns,
        )
    else:
        assert sent.path == "/v1/chat/completions"
        assert body["messages"] == [{"role": "system", "content": "You are the project assistant."}, *turns]
        assert body["max_completion_tokens"] == 256
        assert body["stream_options"] == {"include_usage": True}
    assert sent.headers["x-stainless-retry-count"] == "0"


@pytest.mark.parametrize("name", NETWORK)
def test_429_is_retryable_with_the_retry_after_header(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.scenario, fake_llm.retry_after = "rate_limited", "7"
    error, events = _error(name)
    assert events == []
    assert (error.status, error.retryable, error.retry_after, error.started) == (429, True, 7.0, False)
    assert len(fake_llm.requests) == 1  # no hidden SDK retry behind the runner's


@pytest.mark.parametrize(("name", "status"), [("anthropic", 529), ("openai", 503)])
def test_overloaded_is_retryable(fake_llm: FakeLLM, name: str, status: int) -> None:
    fake_llm.scenario = "overloaded"
    error, _ = _error(name)
    assert (error.status, error.retryable, error.retry_after, error.started) == (status, True, None, False)
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("name", NETWORK)
def test_500_is_retryable_and_401_is_not(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.scenario = "server_error"
    error, _ = _error(name)
    assert (error.status, error.retryable, error.started) == (500, True, False)
    fake_llm.scenario = "unauthorized"
    error, _ = _error(name)
    assert (error.status, error.retryable, error.started) == (401, False, False)
    assert "test-" not in str(error)  # the key is not echoed into run records


@pytest.mark.parametrize("name", NETWORK)
def test_an_error_in_the_middle_of_the_stream_is_marked_started(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.scenario = "error_mid_stream"
    error, events = _error(name)
    assert text_of(events) == "Hello, "
    assert error.started is True
    assert error.retryable is True  # overloaded / server_error; `started` is what stops a retry
    assert error.status == (529 if name == "anthropic" else 500)


@pytest.mark.parametrize("name", NETWORK)
def test_an_error_event_before_any_text_is_not_started(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.scenario = "error_before_text"
    error, events = _error(name)
    assert events == []
    assert (error.started, error.retryable) == (False, True)


@pytest.mark.parametrize("name", NETWORK)
def test_a_connection_cut_mid_stream_is_a_started_network_error(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.scenario = "drop_mid_stream"
    error, events = _error(name)
    assert text_of(events) == "Hello, "
    assert (error.status, error.retryable, error.started) == (None, True, True)


@pytest.mark.parametrize("name", NETWORK)
@pytest.mark.parametrize(("scenario", "started"), [("stall", True), ("stall_headers", False)])
def test_a_stalled_stream_times_out_after_about_the_timeout(
    fake_llm: FakeLLM, name: str, scenario: str, started: bool
) -> None:
    fake_llm.scenario = scenario
    began = time.monotonic()
    error, events = _error(name, timeout=0.5)
    elapsed = time.monotonic() - began
    assert 0.4 <= elapsed < 1.5
    assert text_of(events) == ("Hello" if started else "")
    assert (error.status, error.retryable, error.started) == (None, True, started)
    assert "timed out" in str(error)


@pytest.mark.parametrize("name", NETWORK)
def test_a_character_split_across_tcp_writes_arrives_whole(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.scenario = "utf8_split"
    events = _collect(name)
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["Café ", "🏠", " ok"]
    assert text_of(events) == "Café 🏠 ok"


@pytest.mark.parametrize("name", NETWORK)
@pytest.mark.parametrize("scenario", ["stall", "stall_headers"])
def test_close_from_another_thread_stops_iteration_within_a_second(
    fake_llm: FakeLLM, name: str, scenario: str
) -> None:
    fake_llm.scenario = scenario
    call = make_provider(name, timeout=30).stream(provider_request())
    events: list[StreamEvent] = []
    errors: list[BaseException] = []
    ended = threading.Event()

    def pump() -> None:
        try:
            events.extend(call)
        except BaseException as error:
            errors.append(error)
        ended.set()

    threading.Thread(target=pump, daemon=True).start()
    _wait_for(lambda: fake_llm.requests and (scenario == "stall_headers" or events))
    time.sleep(0.2)  # the reader is now blocked in recv()
    closed_at = time.monotonic()
    call.close()
    assert ended.wait(1.0), "iteration did not stop within a second of close()"
    assert time.monotonic() - closed_at < 1.0
    assert errors == []  # stopping quietly: the caller knows it closed the call
    assert text_of(events) == ("Hello" if scenario == "stall" else "")
    # A call cut short reports only the usage the provider had sent (Anthropic's
    # message_start), which partial answers are billed on; never an estimate.
    usages = [e for e in events if isinstance(e, Usage)]
    assert all(u.input_tokens == fake_llm.input_tokens for u in usages)
    assert not usages or (name, scenario) == ("anthropic", "stall")


@pytest.mark.parametrize("name", NETWORK)
def test_close_before_iterating_sends_nothing(fake_llm: FakeLLM, name: str) -> None:
    call = make_provider(name, timeout=5).stream(provider_request())
    call.close()
    assert list(call) == []
    assert fake_llm.requests == []


@pytest.mark.parametrize("name", NETWORK)
def test_closing_one_call_leaves_a_concurrent_one_alone(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.queue("stall", "ok")
    provider = make_provider(name, timeout=10)
    stalled = provider.stream(provider_request())
    stalled_events: list[StreamEvent] = []
    thread = threading.Thread(target=lambda: stalled_events.extend(stalled), daemon=True)
    thread.start()
    _wait_for(lambda: stalled_events)
    assert (
        text_of(list(provider.stream(provider_request()))) == "Hello, world!"
    )  # same provider, other thread
    stalled.close()
    thread.join(1.0)
    assert not thread.is_alive()
    assert text_of(stalled_events) == "Hello"


def _wait_for(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


# --- choosing a provider, prices ---------------------------------------------------------------


@pytest.mark.parametrize("name", NETWORK)
def test_a_network_provider_without_a_key_is_not_built(name: str) -> None:
    with pytest.raises(ValueError, match=f"{name.upper()}_API_KEY"):
        make_provider(name, timeout=5)


def test_unknown_provider_names_are_refused_and_offline_needs_nothing() -> None:
    with pytest.raises(ValueError, match="Unknown AI provider"):
        make_provider("gemini", timeout=5)
    assert make_provider("offline", timeout=5).name == "offline"


def test_providers_are_reused_per_configuration(fake_llm: FakeLLM) -> None:
    assert make_provider("openai", timeout=5) is make_provider("openai", timeout=5)
    assert make_provider("openai", timeout=5) is not make_provider("openai", timeout=6)
    assert make_provider("anthropic", timeout=5).name == "anthropic"


def test_cost_is_priced_per_million_tokens() -> None:
    assert PRICES["claude-3-5-haiku-20241022"] == (1.00, 5.00)
    assert PRICES["gpt-4o-mini"] == (0.15, 0.60)
    assert cost_cents("claude-3-5-haiku-20241022", 1_000_000, 1_000_000) == pytest.approx(600.0)
    assert cost_cents("claude-3-5-haiku-20241022", 2_000, 500) == pytest.approx(0.45)
    assert cost_cents("gpt-4o-mini", 10_000, 2_000) == pytest.approx(0.27)
    assert cost_cents("offline", 10_000, 2_000) == 0


def test_an_unknown_model_is_priced_like_the_dearest_known_one() -> None:
    assert price_for("some-new-model") == DEFAULT_PRICE
    assert DEFAULT_PRICE.input >= max(p.input for p in PRICES.values())
    assert DEFAULT_PRICE.output >= max(p.output for p in PRICES.values())
    assert cost_cents("some-new-model", 1_000_000, 0) == pytest.approx(100.0)


def test_retry_after_reads_seconds_milliseconds_and_dates() -> None:
    assert parse_retry_after({"retry-after": "7"}) == 7.0
    assert parse_retry_after({"retry-after": "1.5"}) == 1.5
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None
