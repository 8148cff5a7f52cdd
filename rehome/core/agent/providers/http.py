"""The HTTP plumbing the network providers share: which statuses are worth a
retry, reading `Retry-After`, the SDK timeout, and cancelling a call.

Cancelling a call (F-31: "within a second") needs more than the SDKs offer:
closing a response from another thread closes its socket, but on Linux that
does not wake a thread blocked in `recv()`; it waits for the read timeout.
`CallAbort` records the sockets of one call (through httpcore's `trace`
extension, so also while waiting for the response headers) and shuts them
down, which does wake the reader at once.
"""

from __future__ import annotations

import contextlib
import email.utils
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

import httpx2


def retryable_status(status: int) -> bool:
    """429, request timeout and server-side failures (incl. Anthropic's 529
    overloaded) may succeed later; other 4xx (bad request, auth) never will."""
    return status in (408, 429) or (status >= 500 and status != 501)


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from `retry-after-ms`, `retry-after` (seconds or an
    HTTP date), or None when absent or unreadable."""
    if not headers:
        return None
    with contextlib.suppress(TypeError, ValueError):
        millis = headers.get("retry-after-ms")
        if millis is not None:
            return max(float(millis) / 1000, 0.0)
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max(when.timestamp() - time.time(), 0.0)
    return None


def sdk_timeout(timeout: float) -> httpx2.Timeout:
    """Per-read timeout `timeout`, connecting within at most 10 s. Both SDKs
    run on httpx2 and reject `httpx.Timeout` objects (a different package)."""
    return httpx2.Timeout(timeout, connect=min(10.0, timeout))


_CURRENT_ABORT: ContextVar[CallAbort | None] = ContextVar("rehome_provider_call_abort", default=None)


class CallAbort:
    """Aborts one HTTP call from another thread by shutting its sockets down."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.aborted = False

    def abort(self) -> None:
        with self._lock:
            self.aborted = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Requests sent by this thread inside the block belong to this call."""
        token = _CURRENT_ABORT.set(self)
        try:
            yield
        finally:
            _CURRENT_ABORT.reset(token)

    def track(self, network_stream: Any) -> None:
        sock = network_stream.get_extra_info("socket") if network_stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock)
            aborted = self.aborted
        if aborted:  # closed while connecting: stop before anything is sent
            _shutdown(sock)

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore trace hook: a new connection's stream, plain then TLS."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self.track(info.get("return_value"))


def _shutdown(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for an SSLSocket: SSLSocket.shutdown
    # would drop its SSL object under the thread that is reading with it. A
    # socket closed meanwhile has fd -1, so a reused fd number is never hit.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _AbortableTransport(httpx2.BaseTransport):
    """Attaches the current thread's `CallAbort` to each request it sends."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        call = _CURRENT_ABORT.get()
        if call is None:
            return self._inner.handle_request(request)
        if call.aborted:
            raise httpx2.ConnectError("call aborted before it was sent", request=request)
        request.extensions = {**request.extensions, "trace": call.trace}
        response = self._inner.handle_request(request)
        call.track(response.extensions.get("network_stream"))
        return response

    def close(self) -> None:
        self._inner.close()


def abortable_http_client(timeout: float) -> httpx2.Client:
    """An httpx2 client for an SDK whose calls `CallAbort` can cut short.

    Connections are not kept alive: a reused connection is never "connected",
    so its socket could only be found once the response headers arrived. A
    fresh TLS handshake per call costs little next to a model's answer.
    (A custom transport also means proxy environment variables are ignored.)"""
    inner = httpx2.HTTPTransport(
        limits=httpx2.Limits(max_connections=100, max_keepalive_connections=0),
        socket_options=[(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)],
    )
    return httpx2.Client(
        transport=_AbortableTransport(inner), timeout=sdk_timeout(timeout), follow_redirects=True
    )
