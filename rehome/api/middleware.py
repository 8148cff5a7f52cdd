"""Pure ASGI middleware (no buffering, safe for SSE and websockets): request
ids and access logs, security headers (with the Content-Security-Policy of
`csp`), and a request body size limit.

The FastAPI app is Reflex's `api_transformer`: Reflex mounts its own backend,
and in production (`reflex run --env prod`) the compiled frontend pages, inside
it, so this middleware sees every HTTP response, pages included."""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rehome.api import csp
from rehome.core.infra import metrics
from rehome.logs import request_id, set_request_id
from rehome.settings import Settings, get_settings

log = logging.getLogger("rehome.access")
_LIMITED_PREFIXES = ("/api/", "/auth/")
_UPLOAD_PATH = re.compile(r"^/api/projects/\d{1,10}/files/?$")
UPLOAD_ENVELOPE = 64 * 1024  # multipart boundaries, headers and the small form fields


def _security_headers() -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if get_settings().secure_cookies:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


def _frontend_dir() -> Path:
    """Where Reflex put the built pages (REFLEX_WEB_WORKDIR or .web)."""
    from reflex.constants import Dirs
    from reflex.utils.prerequisites import get_web_dir

    return get_web_dir() / Dirs.STATIC


class _Policies:
    """The CSP header for a path: JSON API answers allow nothing, pages get the
    page policy with the current build's inline-script hashes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.frontend = _frontend_dir()
        self._page: tuple[tuple[str, ...], bytes] | None = None

    def for_path(self, path: str) -> bytes:
        if path.startswith("/api/docs"):
            return csp.DOCS_POLICY.encode()
        if path.startswith(_LIMITED_PREFIXES) or path in ("/health", "/metrics"):
            return csp.API_POLICY.encode()
        hashes = csp.built_script_hashes(self.frontend)
        if self._page is None or self._page[0] != hashes:
            self._page = (hashes, csp.page_policy(self.settings, hashes).encode())
        return self._page[1]


class RequestContextMiddleware:
    """Correlation id in, out and in every log line; one access log per API call."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.extra_headers = _security_headers()
        self.policies = _Policies(get_settings())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = set_request_id(incoming)
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode()))
                headers.extend(self.extra_headers)
                headers.append((b"content-security-policy", self.policies.for_path(scope.get("path", ""))))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            elapsed = time.perf_counter() - started
            metrics.observe_request(scope.get("method", ""), route_template(scope), status, elapsed)
            path = scope.get("path", "")
            if path.startswith(_LIMITED_PREFIXES) or path == "/health":
                log.info(
                    "request",
                    extra={
                        "method": scope.get("method"),
                        "path": path,
                        "status": status,
                        "ms": round(elapsed * 1000, 2),
                    },
                )


def route_template(scope: Scope) -> str:
    """The matched route's template (`/api/tasks/{task_id}`), never the raw
    URL, so the label set stays bounded; what no route of ours matched (pages,
    Reflex's own mounts, 404s) is `other`."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(template) if template else "other"


class BodyLimitMiddleware:
    """Refuse API bodies over MAX_REQUEST_BYTES before they are read whole; file
    uploads may be as large as UPLOAD_MAX_MB (plus the multipart envelope)."""

    def __init__(self, app: ASGIApp, max_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes or get_settings().max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(_LIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        limit, refusal = self.max_bytes, f"The request body is larger than {self.max_bytes} bytes."
        if scope.get("method") == "POST" and _UPLOAD_PATH.match(scope.get("path", "")):
            most = get_settings().upload_max_mb
            limit, refusal = most * 1024 * 1024 + UPLOAD_ENVELOPE, f"Files can be at most {most} MB."
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, refusal)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge(refusal)
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge as error:
            await _too_large(send, str(error.detail))


class _BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing re-raises it as a 413."""

    def __init__(self, message: str = "The request body is too large.") -> None:
        super().__init__(413, message)


async def _too_large(send: Send, message: str) -> None:
    body = json.dumps(
        {
            "error": {
                "code": "payload_too_large",
                "message": message,
                "request_id": request_id(),
            }
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
