"""Local stand-ins for mail: Resend's HTTP API (for the real `resend` SDK)
and an SMTP server (aiosmtpd). Use them from a test module with

    pytest_plugins = ["tests.fakes.mail_servers"]

then take `fake_resend` (settings point `RESEND_API_URL` at it, with a key)
or `smtp_server` (settings point `SMTP_URL` at it) as an argument.

The Resend fake checks each request the way the API would (bearer key, JSON
body with from/to/subject, html or text) and answers 422 when it is wrong;
`fake_resend.queue(500, 200)` sets the next statuses. Every request is kept.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import email
import email.policy
import itertools
import json
import socket
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.support import apply_env

API_KEY = "re_test_key"


@dataclass
class ResendRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeResend:
    url: str = ""
    requests: list[ResendRequest] = field(default_factory=list)
    statuses: deque[int] = field(default_factory=deque)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def queue(self, *statuses: int) -> None:
        self.statuses.extend(statuses)

    @property
    def delivered(self) -> list[ResendRequest]:
        """Requests that were accepted (answered 200)."""
        return [r for r in self.requests if r.headers.get("x-fake-status") == "200"]


def _problem(request: ResendRequest) -> str | None:
    """What the real API would refuse in this request, or None."""
    body = request.body
    if request.headers.get("authorization") != f"Bearer {API_KEY}":
        return "missing or wrong API key"
    if request.path != "/emails":
        return f"unexpected path {request.path}"
    if not body.get("from") or not body.get("subject") or not isinstance(body.get("to"), list):
        return "from, to (a list) and subject are required"
    if not (body.get("html") or body.get("text")):
        return "html or text is required"
    return None


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        fake: FakeResend = self.server.fake
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = ResendRequest(self.path, headers, json.loads(raw or b"{}"))
        problem = _problem(request)
        status = 422 if problem else (fake.statuses.popleft() if fake.statuses else 200)
        request.headers["x-fake-status"] = str(status)
        fake.requests.append(request)
        if status == 200:
            answer: dict[str, Any] = {"id": f"re_{next(fake._ids)}"}
        else:
            name = "validation_error" if status == 422 else "internal_server_error"
            answer = {"statusCode": status, "name": name, "message": problem or "fake failure"}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def fake_resend() -> Iterator[FakeResend]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    fake = FakeResend(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.fake = fake  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    apply_env(RESEND_API_KEY=API_KEY, RESEND_API_URL=fake.url, SMTP_URL="")
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class SmtpServer:
    url: str
    messages: list[EmailMessage] = field(default_factory=list)
    fail_next: deque[str] = field(default_factory=deque)  # SMTP replies to give DATA first, e.g. "451 ..."


class _SmtpHandler:
    def __init__(self, box: SmtpServer) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.box.fail_next:
            return self.box.fail_next.popleft()
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.box.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    port = _free_port()
    box = SmtpServer(url=f"smtp://127.0.0.1:{port}")
    controller = Controller(_SmtpHandler(box), hostname="127.0.0.1", port=port)
    controller.start()
    apply_env(SMTP_URL=box.url, RESEND_API_KEY="")
    try:
        yield box
    finally:
        controller.stop()
