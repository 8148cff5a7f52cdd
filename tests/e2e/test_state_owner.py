"""A tab's state tree belongs to one session (issue 8, items 1 and 2).

Reflex keeps each tab's tree on the server under a token the browser picks.
These tests attack that: a signed-out tab, a socket without a cookie that
replays a closed tab's token, another firm's user on that token, and a client
of another firm who points the live relay at a project that is not theirs.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from rehome.ui.project.board_state import BoardState
from rehome.ui.project.chat_state import ChatState
from rehome.ui.project.live import LiveState
from rehome.ui.project.page_state import ProjectPageState
from tests.e2e import live_helpers as h
from tests.e2e.pages import sign_in
from tests.e2e.raw_socket import call_handlers_sync, handler_name, hydrate_name

pytestmark = pytest.mark.e2e


def _internal_titles(app_url: str, headers: dict[str, str], pid: int) -> list[str]:
    url = f"{app_url}/api/projects/{pid}/tasks?limit=200"
    tasks = httpx.get(url, headers=headers, timeout=10).json()["items"]
    titles = [t["title"] for t in tasks if t["internal"]]
    assert titles, "the demo project has internal tasks"
    return titles


def _admin_with_secrets(browser: Any, app_url: str) -> tuple[Any, Any, int, list[str], str]:
    """An admin who has the board (with internal cards) open and made an API token."""
    headers = h.api_token(app_url, "admin@oakline.demo")
    pid = h.project_id(app_url, headers)
    internal = _internal_titles(app_url, headers, pid)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    sign_in(context, app_url, "admin@oakline.demo").close()
    page = context.new_page()
    page.goto(f"{app_url}/account")
    page.fill("input[name=token_name]", "Site tablet")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    page.goto(f"{app_url}/projects/{pid}")
    page.locator(".task-card").first.wait_for(timeout=30_000)
    return context, page, pid, internal, token


def test_a_signed_out_tab_receives_nothing_of_the_previous_user(app_url, browser) -> None:
    context, page, _, internal, token = _admin_with_secrets(browser, app_url)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    page.locator("button[aria-label=Menu]").click()
    page.get_by_text("Sign out").click()
    page.wait_for_url("**/login**")
    page.locator("input[name=email]").wait_for()
    page.wait_for_timeout(1500)  # let every frame of the sign-in page arrive
    received = "\n".join(frames)
    assert frames, "the sign-in page talked to the backend"
    assert token not in received
    assert not [title for title in internal if title in received]
    context.close()


def test_a_closed_tabs_token_gives_other_sockets_nothing(app_url, browser) -> None:
    context, page, pid, internal, token = _admin_with_secrets(browser, app_url)
    tab = page.evaluate("window.sessionStorage.getItem('token')")
    context.close()
    # no cookie at all, replaying the closed tab's token
    anonymous = call_handlers_sync(app_url, "", [(hydrate_name(), {})], token=tab, path=f"/projects/{pid}/")
    # another firm's client, on the same token, calling handlers of the admin's page
    other = browser.new_context()
    sign_in(other, app_url, "client@northbeam.demo").close()
    cookie = next(c for c in other.cookies() if c["name"] == "rehome_session")
    foreign = call_handlers_sync(
        app_url,
        f"rehome_session={cookie['value']}",
        [
            (hydrate_name(), {}),
            (handler_name(BoardState, "load_board"), {}),
            (handler_name(ChatState, "load_older"), {}),
        ],
        token=tab,
        path=f"/projects/{pid}/",
    )
    other.close()
    for updates in (anonymous, foreign):
        dump = json.dumps(updates, ensure_ascii=False)
        assert updates, "the backend answered"
        assert token not in dump
        assert not [title for title in internal if title in dump]
        assert h.KITCHEN.split(" · ")[0] not in dump


def test_a_client_cannot_point_the_live_relay_at_another_firms_project(app_url, browser) -> None:
    oak_headers = h.api_token(app_url, "admin@oakline.demo")
    oak_pid = h.project_id(app_url, oak_headers)
    typist = h.me(app_url, oak_headers)["name"]
    north_headers = h.api_token(app_url, "client@northbeam.demo")
    north = httpx.get(f"{app_url}/api/projects", headers=north_headers, timeout=10).json()["items"][0]
    north_pid = north["id"]
    intruder = browser.new_context()
    sign_in(intruder, app_url, "client@northbeam.demo").close()
    cookie = next(c for c in intruder.cookies() if c["name"] == "rehome_session")
    calls = [
        (handler_name(ProjectPageState, "load"), {}, f"/projects/{north_pid}/"),  # their own project
        (handler_name(ProjectPageState, "load"), {}, f"/projects/{oak_pid}/"),  # another firm's: refused
        (handler_name(LiveState, "run"), {}, f"/projects/{north_pid}/"),
    ]
    with ThreadPoolExecutor(max_workers=1) as pool:
        listening = pool.submit(
            call_handlers_sync,
            app_url,
            f"rehome_session={cookie['value']}",
            calls,
            path=f"/projects/{north_pid}/",
            wait=12.0,
        )
        admin_ctx = browser.new_context()
        sign_in(admin_ctx, app_url, "admin@oakline.demo").close()
        admin = h.open_project(admin_ctx, app_url, oak_pid)
        admin.get_by_role("tab", name="Chat").click()
        for word in ("Quote", "for", "the", "tiles", "is", "final"):  # typing, a few seconds long
            admin.locator("#chat-draft").press_sequentially(f"{word} ", delay=60)
            admin.wait_for_timeout(700)
        updates = listening.result()
        admin_ctx.close()
    intruder.close()
    dump = json.dumps(updates, ensure_ascii=False)
    assert north["name"] in dump, "the intruder's own project opened"
    assert typist not in dump  # the other firm's admin typing never reaches them
    assert h.KITCHEN.split(" · ")[0] not in dump
