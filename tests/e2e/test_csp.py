"""Issue 8, item 6 in Chromium: every page carries a Content-Security-Policy
that the app runs under without a single violation, and an image from another
host in a chat message or an assistant answer is shown as a link and never
fetched (a local server on another port stands in for the outside logger)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.e2e import live_helpers as h
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e

# Recorded before any page script runs, so a violation during start-up counts too.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(' '));
});
"""


class _Logger(ThreadingHTTPServer):
    hits: list[str]


class _Record(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a")

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def outside_logger() -> Iterator[_Logger]:
    """An 'outside host': any request it receives is a leak."""
    server = _Logger(("127.0.0.1", 0), _Record)
    server.hits = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _watched_context(browser: Any) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    context.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return context, console


def _violations(page: Any) -> list[str]:
    return page.evaluate("window.__csp || []")


def test_pages_carry_a_csp_and_run_under_it(app_url, browser) -> None:
    headers = httpx.get(f"{app_url}/login/", timeout=10).headers
    policy = headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in policy
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'sha256-" in script_src  # Reflex's prerendered inline scripts, by hash
    api = httpx.get(f"{app_url}/api/me", timeout=10).headers["content-security-policy"]
    assert api.startswith("default-src 'none'")

    pid = h.project_id(app_url, h.api_token(app_url, "admin@oakline.demo"))
    context, console = _watched_context(browser)
    page = context.new_page()
    seen: dict[str, list[str]] = {}
    page.goto(f"{app_url}/login")
    page.locator("input[name=email]").wait_for()
    seen["/login"] = _violations(page)
    page.fill("input[name=email]", "admin@oakline.demo")
    page.fill("input[name=password]", "renovate-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/projects/**")
    page.locator(".project-card").first.wait_for()
    seen["/projects"] = _violations(page)
    for path, ready in (
        (f"/projects/{pid}", ".task-card"),
        (f"/projects/{pid}?tab=chat", ".chat-line"),
        (f"/projects/{pid}?tab=agent", "#agent-question"),
        ("/admin", "text=Projects"),
        ("/account", "#password-form"),
    ):
        page.goto(f"{app_url}{path}")
        page.locator(ready).first.wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        seen[path] = _violations(page)
    context.close()
    assert all(not v for v in seen.values()), seen
    assert not console, console


def test_an_outside_image_in_chat_is_a_link_and_never_loads(app_url, browser, outside_logger) -> None:
    team = h.api_token(app_url, "team@oakline.demo")
    pid = h.project_id(app_url, team)
    outside = f"http://127.0.0.1:{outside_logger.server_address[1]}"
    body = f"Site photo ![pixel]({outside}/pixel.gif?who=reader) and a local one ![logo](/favicon.ico)"
    url = f"{app_url}/api/projects/{pid}/messages"
    posted = httpx.post(url, json={"body": body}, headers=team, timeout=10)
    assert posted.status_code == 201, posted.text
    message_id = posted.json()["id"]

    context, console = _watched_context(browser)
    outgoing: list[str] = []
    context.on("request", lambda request: outgoing.append(request.url) if outside in request.url else None)
    page = sign_in(context, app_url, "client@oakline.demo")
    page.goto(f"{app_url}/projects/{pid}?tab=chat")
    line = page.locator(f'.chat-line[data-message-id="{message_id}"]')
    line.wait_for(timeout=30_000)
    link = line.locator("a.md-image-link")
    link.wait_for()
    assert link.get_attribute("href") == f"{outside}/pixel.gif?who=reader"
    assert "pixel" in link.inner_text()
    assert line.locator(f'img[src^="{outside}"]').count() == 0
    assert line.locator('img[src="/favicon.ico"]').count() == 1  # this site's own images still show
    page.wait_for_timeout(1000)
    context.close()
    assert outgoing == []
    assert outside_logger.hits == []
    assert not console, console


def test_an_outside_image_in_an_answer_is_a_link_while_streaming_and_after(
    app_url, browser, llm, outside_logger
) -> None:
    outside = f"http://127.0.0.1:{outside_logger.server_address[1]}"
    image = f"![chart]({outside}/c.png?tasks=Internal+margins)"
    llm.chunks = ["Summary: ", image, " then", *(f" w{i}" for i in range(24)), " end of answer."]
    llm.chunk_delay = 0.25  # about 6 s of streaming after the image
    pid = h.project_id(app_url, h.api_token(app_url, "team@oakline.demo"))
    context, console = _watched_context(browser)
    outgoing: list[str] = []
    context.on("request", lambda request: outgoing.append(request.url) if outside in request.url else None)
    page = sign_in(context, app_url, "team@oakline.demo")
    page.goto(f"{app_url}/projects/{pid}?tab=agent")
    page.locator("#agent-question").fill("Show me a chart")
    page.locator("#agent-ask").click()
    page.locator("#agent-streaming .live-answer a.md-image-link").wait_for(timeout=20_000)
    answer = page.locator(".agent-answer").filter(has_text="end of answer.")
    answer.wait_for(timeout=30_000)
    href = answer.locator("a.md-image-link").get_attribute("href")
    assert href == f"{outside}/c.png?tasks=Internal+margins"
    assert page.locator(f'img[src^="{outside}"]').count() == 0
    page.wait_for_timeout(500)
    context.close()
    assert outgoing == []
    assert outside_logger.hits == []
    assert not console, console
