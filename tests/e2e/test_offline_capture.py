"""Offline capture on the site tablet (issue 12), in Chromium: a team member
goes offline, writes a message, creates a task and adds a photo; each shows
as pending and is kept in IndexedDB. Back online, each arrives exactly once
(checked through the API) and a second member's browser shows it live. An
item the server refuses shows the server's message and can be retried or
discarded; what an earlier visit left behind is sent when the page starts."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests import file_samples as samples
from tests.e2e import live_helpers as h
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e
BANNER = "You're offline. Messages, new tasks and photos are saved on this tablet"
STORED = """() => new Promise((done, fail) => {
    const open = indexedDB.open("rehome-offline");
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const read = open.result.transaction("outbox").objectStore("outbox").getAll();
      read.onsuccess = () => done(read.result.map((i) => [i.kind, i.status, i.key]));
    };
})"""


def _api_list(app_url: str, headers: dict[str, str], path: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{app_url}{path}", headers=headers, timeout=10)
    response.raise_for_status()
    return list(response.json()["items"])


def _arrived(app_url: str, headers: dict[str, str], pid: int, text: str, title: str, photo: str) -> None:
    messages = _api_list(app_url, headers, f"/api/projects/{pid}/messages?limit=200")
    tasks = _api_list(app_url, headers, f"/api/projects/{pid}/tasks?status=blocked&limit=200")
    files = _api_list(app_url, headers, f"/api/projects/{pid}/files?limit=200")
    assert [m["body"] for m in messages].count(text) == 1
    assert [t["title"] for t in tasks].count(title) == 1
    assert [f["name"] for f in files].count(photo) == 1


def _go_offline(context: Any, page: Any) -> None:
    context.set_offline(True)
    page.locator("#offline-banner").get_by_text(BANNER).wait_for(timeout=10_000)


def test_captured_offline_arrives_once_and_live(app_url, browser, tmp_path) -> None:
    api = h.api_token(app_url, "team@oakline.demo")
    pid = h.project_id(app_url, api)
    tag = uuid.uuid4().hex[:6]
    text, title, photo = f"Leak under the sink {tag}", f"Replace the trap {tag}", f"sink-{tag}.jpg"
    a_ctx, b_ctx = browser.new_context(viewport={"width": 820, "height": 1180}), browser.new_context()
    sign_in(a_ctx, app_url, "team@oakline.demo").close()
    sign_in(b_ctx, app_url, "team2@oakline.demo").close()
    a, b = h.open_project(a_ctx, app_url, pid), h.open_project(b_ctx, app_url, pid)
    a2 = h.open_project(a_ctx, app_url, pid)  # a second tab of A's: both flush at once, in turn
    a.locator(".offline-panel").wait_for(state="attached", timeout=10_000)

    _go_offline(a_ctx, a)
    a.locator("#offline-message").fill(text)
    a.locator("#offline-save-message").click()
    a.locator("#offline-task-title").fill(title)
    a.locator("#offline-task-column").select_option("blocked")
    a.locator("#offline-save-task").click()
    a.locator("#offline-photos").set_input_files(
        files=[{"name": photo, "mimeType": "image/jpeg", "buffer": samples.photo()}]
    )
    pending = a.locator('#offline-outbox .offline-item[data-status="pending"]')
    pending.nth(2).wait_for(timeout=10_000)
    assert pending.count() == 3
    assert [i.inner_text().split("\n")[0] for i in pending.locator(".offline-summary").all()] == [
        f"Message: {text}",
        f"Task: {title}",
        f"Photo: {photo}",
    ]
    a.screenshot(path=str(tmp_path / "offline-pending.png"))
    stored = a.evaluate(STORED)
    assert sorted((kind, status) for kind, status, _ in stored) == [
        ("message", "pending"),
        ("photo", "pending"),
        ("task", "pending"),
    ]
    a2.locator('#offline-outbox .offline-item[data-status="pending"]').nth(2).wait_for(timeout=10_000)
    a.wait_for_timeout(1500)  # nothing leaks out while offline
    messages = _api_list(app_url, api, f"/api/projects/{pid}/messages?limit=200")
    assert text not in [m["body"] for m in messages]

    a_ctx.set_offline(False)  # the `online` event sends them
    a.locator("#offline-outbox").wait_for(state="detached", timeout=20_000)
    a2.locator("#offline-outbox").wait_for(state="detached", timeout=20_000)
    _arrived(app_url, api, pid, text, title, photo)
    assert a.evaluate(STORED) == []

    # B sees each one live, without reloading
    b.locator("#column-blocked .task-card").get_by_text(title).wait_for(timeout=15_000)
    assert b.locator(".task-card").get_by_text(title).count() == 1
    b.get_by_role("tab", name="Chat").click()
    b.locator(".chat-line").get_by_text(text).wait_for(timeout=15_000)
    assert b.locator(".chat-line").get_by_text(text).count() == 1
    b.get_by_role("tab", name="Files").click()
    b.locator(".file-tile .file-name").get_by_text(photo).wait_for(timeout=15_000)
    assert b.locator(".file-tile .file-name").get_by_text(photo).count() == 1
    # A, too, once its live connection is back: once each, not doubled by the outbox
    a.get_by_role("tab", name="Chat").click()
    a.locator(".chat-line").get_by_text(text).wait_for(timeout=30_000)
    assert a.locator(".chat-line").get_by_text(text).count() == 1
    _arrived(app_url, api, pid, text, title, photo)  # still once each after every tab settled
    a_ctx.close()
    b_ctx.close()


def test_a_refused_item_shows_why_and_can_be_discarded(app_url, browser, tmp_path) -> None:
    api = h.api_token(app_url, "team@oakline.demo")
    pid = h.project_id(app_url, api)
    tag = uuid.uuid4().hex[:6]
    text, broken = f"Delivery moved to Monday {tag}", f"broken-{tag}.jpg"
    context = browser.new_context()
    sign_in(context, app_url, "team@oakline.demo").close()
    page = h.open_project(context, app_url, pid)
    _go_offline(context, page)
    page.locator("#offline-message").fill(text)
    page.locator("#offline-save-message").click()
    page.locator("#offline-photos").set_input_files(
        files=[{"name": broken, "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff\xe0" + b"\x00" * 64}]
    )
    page.locator("#offline-outbox .offline-item").nth(1).wait_for(timeout=10_000)
    page.close()  # the tablet is put away with both still waiting

    context.set_offline(False)
    page = context.new_page()  # the next visit sends them on start
    page.goto(f"{app_url}/projects/{pid}")
    failed = page.locator('#offline-outbox .offline-item[data-status="failed"]')
    failed.wait_for(timeout=30_000)
    assert "is not a type ReHome accepts" in failed.locator(".offline-state").inner_text()
    page.screenshot(path=str(tmp_path / "offline-failed.png"))
    assert page.locator("#offline-outbox .offline-item").count() == 1  # the message went
    messages = _api_list(app_url, api, f"/api/projects/{pid}/messages?limit=200")
    assert [m["body"] for m in messages].count(text) == 1

    failed.locator(".offline-retry").click()  # tried again: refused again, still shown
    page.locator('#offline-outbox .offline-item[data-status="failed"]').wait_for(timeout=10_000)
    assert page.locator("#offline-outbox .offline-item").count() == 1
    page.locator(".offline-discard").click()
    page.locator("#offline-outbox").wait_for(state="detached", timeout=10_000)
    assert page.evaluate(STORED) == []
    files = _api_list(app_url, api, f"/api/projects/{pid}/files?limit=200")
    assert broken not in [f["name"] for f in files]
    context.close()
