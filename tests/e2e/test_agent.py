"""The project assistant in Chromium: the answer streams in progressively,
survives a reload mid-stream, and Stop keeps the partial answer."""

from __future__ import annotations

import re

import pytest

from tests.e2e import live_helpers as h
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e
WORDS = [f"word{i} " for i in range(160)]


def _live_text(page) -> str:
    return page.locator("#agent-streaming .live-answer").inner_text()


def _ask(page, question: str) -> None:
    page.locator("#agent-question").fill(question)
    page.locator("#agent-ask").click()


def test_streaming_reload_and_stop(app_url, browser, llm) -> None:
    llm.chunks, llm.chunk_delay = WORDS, 0.06
    pid = h.project_id(app_url, h.api_token(app_url, "client@oakline.demo"))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = sign_in(context, app_url, "client@oakline.demo")
    page.goto(f"{app_url}/projects/{pid}?tab=agent")
    page.locator("#agent-question").wait_for()
    assert "at most" in page.locator("#agent-estimate").inner_text()

    _ask(page, "What is happening on site?")
    page.wait_for_function(
        "document.querySelector('#agent-streaming .live-answer')?.innerText.includes('word5')"
    )
    early = len(_live_text(page))
    page.wait_for_timeout(700)
    assert len(_live_text(page)) > early  # tokens keep arriving: progressive, not all at once

    page.reload()  # mid-stream: the page picks the answer up where it is
    page.wait_for_function(
        "document.querySelector('#agent-streaming .live-answer')?.innerText.includes('word3')", timeout=15_000
    )
    page.locator(".agent-answer").filter(has_text="word159").wait_for(timeout=30_000)
    final = page.locator(".agent-answer").filter(has_text="word159").inner_text()
    assert all(f"word{i}" in final for i in (0, 80, 159))
    assert re.search(r"\d+ in · \d+ out", page.locator(".usage").last.inner_text())

    _ask(page, "And the kitchen?")
    page.wait_for_function(
        "document.querySelector('#agent-streaming .live-answer')?.innerText.includes('word10')"
    )
    page.locator("#agent-stop").click()
    stopped = page.locator(".agent-answer").filter(has=page.get_by_text("stopped", exact=True))
    stopped.wait_for(timeout=10_000)
    text = stopped.inner_text()
    assert "word10" in text
    assert "word159" not in text  # the partial answer is kept, and it is partial
    assert page.locator(".continue").count() == 1
    context.close()
