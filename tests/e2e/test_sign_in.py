"""Signing in through the real app in Chromium, and sessions that must die."""

from __future__ import annotations

import httpx
import pytest

from rehome.ui.account.state import AccountState
from rehome.ui.projects.state import ProjectsState
from tests.e2e.pages import sign_in
from tests.e2e.raw_socket import call_handlers_sync, delta_values, handler_name, redirects

pytestmark = pytest.mark.e2e


def test_client_signs_in_and_sees_only_their_projects(app_url, browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{app_url}/projects")
    page.wait_for_url("**/login**")  # not signed in yet
    page.fill("input[name=email]", "client@oakline.demo")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    page.get_by_text("Email or password is incorrect.").wait_for()
    page.fill("input[name=password]", "renovate-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/projects/**")
    page.locator(".project-card").first.wait_for()
    names = page.locator(".project-card h3, .project-card .rt-Heading").all_inner_texts()
    assert names == ["Kitchen remodel · 14 Elm Street"]
    cookie = next(c for c in context.cookies() if c["name"] == "rehome_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    context.close()


@pytest.mark.parametrize(
    "target", ["/%09/evil.example", "/%5Cevil.example", "//evil.example", "/%0A/evil.example"]
)
def test_sign_in_never_leaves_the_site_whatever_next_says(app_url, browser, target: str) -> None:
    """`next=/%09/host` decodes to "/<tab>/host", which a browser reads as "//host"."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{app_url}/login?next={target}")
    page.fill("input[name=email]", "client@oakline.demo")
    page.fill("input[name=password]", "renovate-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/projects**")
    assert page.url.startswith(app_url + "/")
    assert "evil" not in page.url
    context.close()


def test_admin_sees_every_project_of_their_workspace_only(app_url, browser) -> None:
    context = browser.new_context()
    page = sign_in(context, app_url, "admin@northbeam.demo")
    page.locator(".project-card").first.wait_for()
    assert page.locator(".project-card").count() == 3
    assert "Kitchen remodel" not in page.content()
    context.close()


def test_logged_out_cookie_is_dead_in_the_browser_and_over_the_websocket(app_url, browser) -> None:
    context = browser.new_context()
    page = sign_in(context, app_url, "team@oakline.demo")
    stolen = next(c for c in context.cookies() if c["name"] == "rehome_session")
    cookie_header = f"rehome_session={stolen['value']}"
    load = handler_name(ProjectsState, "load")
    before = call_handlers_sync(app_url, cookie_header, [(load, {})])
    assert any(delta_values(before, "cards")), "a live cookie loads the projects"

    page.locator("button[aria-label=Menu]").click()
    page.get_by_text("Sign out").click()
    page.wait_for_url("**/login**")

    replay = browser.new_context()
    replay.add_cookies([stolen])
    replayed = replay.new_page()
    replayed.goto(f"{app_url}/projects")
    replayed.wait_for_url("**/login**")
    after = call_handlers_sync(app_url, cookie_header, [(load, {})])
    assert any("/login" in target for target in redirects(after))
    assert not any(delta_values(after, "cards")), "no project data for a revoked session"
    context.close()
    replay.close()


def test_api_token_made_on_the_account_page_works_until_revoked(app_url, browser) -> None:
    context = browser.new_context()
    page = sign_in(context, app_url, "consultant@oakline.demo")
    page.goto(f"{app_url}/account")
    page.fill("input[name=token_name]", "Tablet")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("rh_")
    me = httpx.get(f"{app_url}/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == "consultant@oakline.demo"
    page.get_by_role("button", name="Revoke").first.click()
    page.wait_for_timeout(500)
    assert httpx.get(f"{app_url}/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    context.close()


def test_handlers_refuse_a_client_without_a_session(app_url) -> None:
    revoke = handler_name(AccountState, "revoke_token")
    updates = call_handlers_sync(app_url, "", [(revoke, {"token_id": 1})])
    assert any("/login" in target for target in redirects(updates))
