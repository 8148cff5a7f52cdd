"""Digests in Chromium (F-33, F-10): an admin writes a project's digest on the
assistant page; a team member's open project page shows it live, verdict
first, and its citations open the task and the message they cite."""

from __future__ import annotations

import re

import pytest

from tests.e2e import live_helpers as h
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e


def test_an_admin_writes_a_digest_and_another_browser_sees_it_live(app_url, browser) -> None:
    pid = h.project_id(app_url, h.api_token(app_url, "admin@oakline.demo"))
    admin_context = browser.new_context(viewport={"width": 1280, "height": 900})
    team_context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    team = sign_in(team_context, app_url, "team@oakline.demo")
    team.goto(f"{app_url}/projects/{pid}?tab=agent")
    team.locator("#tab-digest").click()
    team.locator("#digest, #digest-empty").first.wait_for(timeout=30_000)
    shown = team.locator("#digest")
    before = shown.get_attribute("data-summary-id") if shown.count() else None

    admin = sign_in(admin_context, app_url, "admin@oakline.demo")
    admin.goto(f"{app_url}/admin/agent?project={pid}&tab=daily")
    admin.locator("#write-daily").click()
    admin_card = admin.locator("#admin-digest")
    admin_card.wait_for(timeout=60_000)
    written = admin_card.get_attribute("data-summary-id")
    assert written
    assert written != before
    verdict = admin.locator("#admin-digest .digest-verdict").inner_text()
    assert verdict in ("on track", "at risk", "off track")

    card = team.locator(f'#digest[data-summary-id="{written}"]')
    card.wait_for(timeout=30_000)  # live: no reload on the team member's page
    lead = card.locator(".md p").first.inner_text()
    assert re.match(r"^(On track|At risk|Off track): ", lead)  # verdict first, with its reason
    text = card.inner_text()
    assert "Blockers (" in text
    assert "Due next (7 days, " in text

    task_link = card.locator('a[href*="?task="]').first
    task_href = task_link.get_attribute("href")
    task_id = task_href.split("task=")[1]
    task_link.click()
    team.wait_for_url(f"**/projects/{pid}?task={task_id}", timeout=30_000)
    dialog = team.get_by_role("dialog")
    dialog.wait_for(timeout=30_000)
    assert dialog.locator("#task-history").count() == 1  # the cited task's own detail

    team.go_back()
    team.locator("#tab-digest").click()
    message_link = team.locator('#digest a[href*="message="]').first
    message_link.wait_for(timeout=30_000)  # the demo's digest cites a decision from the chat
    message_id = message_link.get_attribute("href").split("message=")[1]
    message_link.click()
    team.wait_for_url(f"**tab=chat&message={message_id}", timeout=30_000)
    team.locator(f'[data-message-id="{message_id}"]').wait_for(timeout=30_000)
    admin_context.close()
    team_context.close()
