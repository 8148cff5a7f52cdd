"""The Content-Security-Policy of every response.

Pages may load only this site's scripts, styles and images (plus `data:`/`blob:`
images and the file storage host), talk only to this site and its websocket,
and never be framed. That is what stops a chat message or an assistant answer
from making the reader's browser call another host.

Why script-src is not as strict as it could be:
- The pages Reflex prerenders hold a few inline scripts (theme, scroll
  restoration, the router's context). They are the same for every request, so
  they are allowed by their SHA-256, read from the built frontend; no
  'unsafe-inline'.
- Reflex runs `rx.call_script` / `rx.call_function` with `eval` in its client
  (`.web/utils/state.js`), and the sign-in forms and chat scrolling use them,
  so script-src keeps 'unsafe-eval'. The code evaluated is what our own event
  handlers send; injected markup still cannot run a script.
- Emotion and Radix set inline styles, so style-src keeps 'unsafe-inline'
  (styles cannot send data anywhere: img-src and connect-src still hold).

JSON API answers get a policy allowing nothing at all.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from rehome.settings import Settings

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# FastAPI's Swagger page (served outside production only) loads its code from a CDN.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def storage_sources(settings: Settings) -> list[str]:
    """Where stored files are served from, if an S3 bucket is configured."""
    if settings.s3_endpoint_url:
        origin = _origin(settings.s3_endpoint_url)
        return [origin] if origin else []
    if settings.s3_bucket:
        bucket, region = settings.s3_bucket, settings.aws_region
        return [f"https://{bucket}.s3.{region}.amazonaws.com", f"https://{bucket}.s3.amazonaws.com"]
    return []


def websocket_origin(app_url: str) -> str:
    """The websocket twin of APP_URL (Reflex's events, the answer token socket)."""
    origin = _origin(app_url)
    if origin.startswith("https://"):
        return "wss://" + origin.removeprefix("https://")
    if origin.startswith("http://"):
        return "ws://" + origin.removeprefix("http://")
    return ""


def page_policy(settings: Settings, script_hashes: tuple[str, ...] = ()) -> str:
    images = ["'self'", "data:", "blob:", *storage_sources(settings)]
    connect = ["'self'", websocket_origin(settings.app_url)]
    scripts = ["'self'", "'unsafe-eval'", *(f"'sha256-{h}'" for h in script_hashes)]
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(scripts),
        "style-src 'self' 'unsafe-inline'",
        "img-src " + " ".join(images),
        "font-src 'self' data:",
        "connect-src " + " ".join(filter(None, connect)),
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


class _InlineScripts(HTMLParser):
    """The text of every <script> without a src, exactly as the browser hashes it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def _digest(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


@lru_cache(maxsize=4)
def _hashes_of(static_dir: Path, built_at: float) -> tuple[str, ...]:
    """SHA-256 of every inline script in the built pages (one build, one answer)."""
    found: set[str] = set()
    for page in sorted(static_dir.rglob("*.html")):
        parser = _InlineScripts()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        found.update(_digest(script) for script in parser.scripts)
    return tuple(sorted(found))


def built_script_hashes(static_dir: Path) -> tuple[str, ...]:
    """The hashes for the frontend build in `static_dir` (none before a build);
    a new build (its index.html rewritten) is read again."""
    index = static_dir / "index.html"
    try:
        built_at = index.stat().st_mtime
    except OSError:
        return ()
    return _hashes_of(static_dir, built_at)
