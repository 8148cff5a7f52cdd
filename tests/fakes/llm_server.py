"""A local fake of the Anthropic Messages and OpenAI Chat Completions streaming
APIs, so the real SDKs can be tested without a network.

One threaded HTTP server on 127.0.0.1 (a free port) per test process:

- POST /v1/messages          Anthropic SSE (message_start … message_stop)
- POST /v1/chat/completions  OpenAI SSE chunks, usage chunk, [DONE]

The `fake_llm` fixture resets it, points the settings at it (base URLs and
non-empty API keys, so `make_provider("anthropic"|"openai", ...)` talks to
it) and yields the `FakeLLM`. Use it from another test module with

    pytest_plugins = ["tests.fakes.llm_server"]      # at the top of the module

then take `fake_llm` as an argument (import `FakeLLM` for the annotation).
Importing the fixture itself also works but needs `# noqa: F401` on the
import and `# noqa: F811` on every test taking it. Without pytest,
`shared_fake_llm()` returns the started server.

Set `fake.scenario` (see SCENARIOS) for every following request, or
`fake.queue("overloaded", "ok")` for the next requests in order (then back to
`scenario`). `fake.chunks`, `fake.input_tokens`, `fake.output_tokens`,
`fake.retry_after`, `fake.stall_seconds`, `fake.chunk_delay` shape the
answers; `fake.requests` records each request (path, headers, JSON body).

A request whose last message is the assistant's (a prefill: "continue from
here", what a worker taking over a run sends) gets only the rest of the
answer when the answer starts with that text, as a model would write on.

PYTEST_DONT_REWRITE: this module is a plugin that test modules also import
(for the `FakeLLM` type), which would otherwise make pytest warn.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from rehome.settings import get_settings

SCENARIOS = (
    "ok",  # several text deltas, then usage
    "rate_limited",  # 429 with retry-after, before the stream
    "overloaded",  # Anthropic 529 overloaded_error / OpenAI 503, before the stream
    "server_error",  # 500 before the stream
    "unauthorized",  # 401
    "error_mid_stream",  # some text, then an error event (Anthropic) / error chunk (OpenAI)
    "error_before_text",  # stream opens, then an error event before any text
    "drop_mid_stream",  # some text, then the connection is cut (no end of body)
    "stall",  # the first delta, then silence for `stall_seconds`
    "stall_headers",  # silence for `stall_seconds` before the response headers
    "utf8_split",  # "Café 🏠 ok" with the 🏠's bytes split across two TCP writes
)
UTF8_TEXT = ["Café ", "🏠", " ok"]
ANTHROPIC_PATH = "/v1/messages"
OPENAI_PATH = "/v1/chat/completions"


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    received_at: float = 0.0  # time.monotonic(): the provider's own time to first byte, for benchmarks
    first_byte_at: float | None = None


class FakeLLM:
    """The server and its switches; one per process (`shared_fake_llm`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[str] = deque()
        self._release = threading.Event()
        self.requests: list[RecordedRequest] = []
        self.reset()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.fake = self
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, name="fake-llm", daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def anthropic_base_url(self) -> str:
        return self.base_url  # the SDK appends /v1/messages

    @property
    def openai_base_url(self) -> str:
        return self.base_url + "/v1"  # the SDK appends /chat/completions

    def reset(self) -> None:
        """Defaults again; requests stalled by the last test are let go."""
        self._release.set()
        with self._lock:
            self._release = threading.Event()
            self._queue.clear()
            self.requests.clear()
        self.scenario = "ok"
        self.chunks = ["Hello", ", ", "world", "!"]
        self.input_tokens, self.output_tokens = 21, 7
        self.retry_after = "7"
        self.stall_seconds = 30.0
        self.chunk_delay = 0.0  # seconds between deltas: a slow model, for streaming in a browser

    def queue(self, *scenarios: str) -> None:
        if unknown := set(scenarios) - set(SCENARIOS):
            raise ValueError(f"unknown scenarios {unknown}")
        with self._lock:
            self._queue.extend(scenarios)

    def release(self) -> None:
        """End every stall now (the stalled stream then finishes normally)."""
        self._release.set()

    def text(self) -> str:
        """The full answer a normal stream carries."""
        return "".join(UTF8_TEXT if self.scenario == "utf8_split" else self.chunks)

    def _next(self, request: RecordedRequest) -> tuple[str, threading.Event]:
        with self._lock:
            self.requests.append(request)
            scenario = self._queue.popleft() if self._queue else self.scenario
            return scenario, self._release


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeLLM

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-stream is what several scenarios are about


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        recorded = RecordedRequest(
            self.path, {k.lower(): v for k, v in self.headers.items()}, json.loads(raw), time.monotonic()
        )
        fake = self.server.fake
        scenario, release = fake._next(recorded)
        self.close_connection = True
        anthropic = self.path == ANTHROPIC_PATH
        if not anthropic and self.path != OPENAI_PATH:
            return self._json(404, {"error": {"type": "not_found_error", "message": "no such path"}})
        if scenario == "stall_headers":
            release.wait(fake.stall_seconds)
        if (error := _error_response(scenario, anthropic)) is not None:
            status, body = error
            headers = {"retry-after": fake.retry_after} if status == 429 else {}
            return self._json(status, body, headers)
        writer = _AnthropicWriter(self, recorded.body) if anthropic else _OpenAIWriter(self, recorded.body)
        self._stream(fake, scenario, release, writer, recorded)
        return None

    def _stream(
        self,
        fake: FakeLLM,
        scenario: str,
        release: threading.Event,
        writer: _Writer,
        recorded: RecordedRequest,
    ) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("connection", "close")
        self.end_headers()
        writer.start(fake.input_tokens)
        if scenario == "error_before_text":
            return writer.error()
        chunks = UTF8_TEXT if scenario == "utf8_split" else _after_prefill(fake.chunks, writer.body)
        for index, chunk in enumerate(chunks):
            if scenario == "utf8_split" and chunk == "🏠":
                data = writer.delta_bytes(chunk)
                cut = data.index("🏠".encode()) + 2  # inside the 4-byte character
                self.chunk(data[:cut])
                time.sleep(0.05)
                self.chunk(data[cut:])
            else:
                self.chunk(writer.delta_bytes(chunk))
            if recorded.first_byte_at is None:
                recorded.first_byte_at = time.monotonic()
            if fake.chunk_delay:
                time.sleep(fake.chunk_delay)
            if index == 0 and scenario == "stall":
                release.wait(fake.stall_seconds)
            if index == 1 and scenario == "error_mid_stream":
                return writer.error()
            if index == 1 and scenario == "drop_mid_stream":
                self.connection.shutdown(socket.SHUT_RDWR)
                return None
        writer.finish(fake.input_tokens, fake.output_tokens)
        self.chunk(b"")
        return None

    def chunk(self, data: bytes) -> None:
        """One HTTP/1.1 chunk, flushed at once (empty: the last chunk)."""
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _after_prefill(chunks: list[str], body: dict[str, Any]) -> list[str]:
    """The chunks still to send when the request ends with the answer's start."""
    messages = body.get("messages") or []
    last = messages[-1] if messages else {}
    prefill = last.get("content") if last.get("role") == "assistant" else None
    if not isinstance(prefill, str) or not "".join(chunks).startswith(prefill):
        return chunks
    rest, skip = [], len(prefill)
    for chunk in chunks:
        if skip >= len(chunk):
            skip -= len(chunk)
            continue
        rest.append(chunk[skip:])
        skip = 0
    return rest


def _error_response(scenario: str, anthropic: bool) -> tuple[int, dict[str, Any]] | None:
    """Status and body of the errors that come before any stream."""
    kinds = {
        "rate_limited": (429, "rate_limit_error", "rate_limit_exceeded"),
        "overloaded": (529 if anthropic else 503, "overloaded_error", "server_error"),
        "server_error": (500, "api_error", "server_error"),
        "unauthorized": (401, "authentication_error", "invalid_api_key"),
    }
    if scenario not in kinds:
        return None
    status, anthropic_type, openai_code = kinds[scenario]
    message = f"fake {scenario.replace('_', ' ')}"
    if anthropic:
        return status, {"type": "error", "error": {"type": anthropic_type, "message": message}}
    return status, {"error": {"message": message, "type": openai_code, "param": None, "code": openai_code}}


class _Writer:
    def __init__(self, handler: _Handler, body: dict[str, Any]) -> None:
        self.handler, self.body = handler, body
        self.model = str(body.get("model", "fake-model"))

    def send(self, data: dict[str, Any], event: str | None = None) -> None:
        self.handler.chunk(self.encode(data, event))

    @staticmethod
    def encode(data: dict[str, Any], event: str | None = None) -> bytes:
        line = f"data: {json.dumps(data, ensure_ascii=False)}\n\n"  # raw UTF-8, as the APIs send
        return ((f"event: {event}\n" if event else "") + line).encode()


class _AnthropicWriter(_Writer):
    def start(self, input_tokens: int) -> None:
        message = {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": 1},
        }
        self.send({"type": "message_start", "message": message}, "message_start")
        block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
        self.send(block, "content_block_start")
        self.send({"type": "ping"}, "ping")

    def delta_bytes(self, text: str) -> bytes:
        delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}}
        return self.encode(delta, "content_block_delta")

    def error(self) -> None:
        error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        self.send(error, "error")
        self.handler.chunk(b"")

    def finish(self, _input_tokens: int, output_tokens: int) -> None:
        self.send({"type": "content_block_stop", "index": 0}, "content_block_stop")
        delta = {"stop_reason": "end_turn", "stop_sequence": None}
        self.send(
            {"type": "message_delta", "delta": delta, "usage": {"output_tokens": output_tokens}},
            "message_delta",
        )
        self.send({"type": "message_stop"}, "message_stop")


class _OpenAIWriter(_Writer):
    def _chunk(self, choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": self.model,
            "choices": choices,
            **extra,
        }

    def start(self, _input_tokens: int) -> None:
        choice = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        self.send(self._chunk([choice]))

    def delta_bytes(self, text: str) -> bytes:
        return self.encode(self._chunk([{"index": 0, "delta": {"content": text}, "finish_reason": None}]))

    def error(self) -> None:
        # What OpenAI sends when a stream fails after it started: a data line with `error`.
        self.send({"error": {"message": "The server had an error", "type": "server_error", "code": None}})
        self.handler.chunk(b"")

    def finish(self, input_tokens: int, output_tokens: int) -> None:
        self.send(self._chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}]))
        if (self.body.get("stream_options") or {}).get("include_usage"):
            usage = {
                "prompt_tokens": input_tokens,
                "completion_tokens": output_tokens,
                "total_tokens": input_tokens + output_tokens,
            }
            self.send(self._chunk([], usage=usage))
        self.handler.chunk(b"data: [DONE]\n\n")


_shared: FakeLLM | None = None
_shared_lock = threading.Lock()


def shared_fake_llm() -> FakeLLM:
    """The process's fake server, started on first use (a daemon thread)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = FakeLLM()
        return _shared


FAKE_ENV = {
    "ANTHROPIC_API_KEY": "test-anthropic-key",
    "OPENAI_API_KEY": "test-openai-key",
}


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    """The reset fake server, with settings pointed at it for this test."""
    fake = shared_fake_llm()
    fake.reset()
    env = {
        **FAKE_ENV,
        "ANTHROPIC_BASE_URL": fake.anthropic_base_url,
        "OPENAI_BASE_URL": fake.openai_base_url,
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    get_settings.cache_clear()
    try:
        yield fake
    finally:
        fake.reset()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
