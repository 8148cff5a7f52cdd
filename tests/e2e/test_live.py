"""Two browsers on one project, an admin and a client: what one does, the other
sees without reloading; a client's forged websocket event changes nothing."""

from __future__ import annotations

import uuid

import pytest

from rehome.ui.project.board_state import BoardState
from tests.e2e import live_helpers as h
from tests.e2e.pages import sign_in
from tests.e2e.raw_socket import call_handlers_sync, handler_name

pytestmark = pytest.mark.e2e


def run_live_scenario(admin_url: str, client_url: str, browser) -> None:
    """The shared scenario; the Redis test runs it across two web processes."""
    admin_api, client_api = (
        h.api_token(admin_url, "admin@oakline.demo"),
        h.api_token(client_url, "client@oakline.demo"),
    )
    pid = h.project_id(admin_url, admin_api)
    admin_id, client_id = h.me(admin_url, admin_api)["id"], h.me(client_url, client_api)["id"]
    moving = h.first_task(admin_url, admin_api, pid, "backlog", not_assignee=client_id)
    dragged = h.first_task(admin_url, admin_api, pid, "todo", not_assignee=client_id)
    hidden = h.first_task(admin_url, admin_api, pid, "in_progress", not_assignee=client_id)

    admin_ctx, client_ctx = (
        browser.new_context(viewport={"width": 1440, "height": 900}),
        browser.new_context(viewport={"width": 820, "height": 1180}),
    )
    sign_in(admin_ctx, admin_url, "admin@oakline.demo").close()
    sign_in(client_ctx, client_url, "client@oakline.demo").close()
    admin, client = h.open_project(admin_ctx, admin_url, pid), h.open_project(client_ctx, client_url, pid)

    # presence: each sees the other online
    client.locator(f'#online-people [data-user-id="{admin_id}"]').wait_for(timeout=20_000)
    admin.locator(f'#online-people [data-user-id="{client_id}"]').wait_for(timeout=20_000)

    # a move through the card menu reaches the client's board
    admin_card = h.card(admin, moving["id"], "backlog")
    admin_card.locator(".card-menu").click()
    admin.get_by_role("menuitem", name="Move to").hover()
    admin.get_by_role("menuitem", name="Done").click()
    h.card(client, moving["id"], "done").wait_for(timeout=10_000)

    # a drag and drop reaches it too
    h.drag(admin, h.card(admin, dragged["id"], "todo"), admin.locator("#column-blocked .kanban-column-body"))
    h.card(client, dragged["id"], "blocked").wait_for(timeout=10_000)
    assert h.task(admin_url, admin_api, dragged["id"])["status"] == "blocked"

    # chat: typing shows, the message arrives
    admin.get_by_role("tab", name="Chat").click()
    client.get_by_role("tab", name="Chat").click()
    text = f"Tiles arrive at 9 {uuid.uuid4().hex[:6]}"
    admin.locator("#chat-draft").fill(text)
    client.locator("#typing-indicator").get_by_text("Olivia Oak").wait_for(timeout=10_000)
    admin.locator("#chat-send").click()
    client.locator(".chat-line").get_by_text(text).wait_for(timeout=10_000)

    # marking a task internal takes it off the client's board, live
    admin.get_by_role("tab", name="Board").click()
    client.get_by_role("tab", name="Board").click()
    h.card(client, hidden["id"]).wait_for(timeout=10_000)
    h.card(admin, hidden["id"]).locator(".card-menu").click()
    admin.get_by_role("menuitem", name="Edit").click()
    admin.locator("#task-form button[role=checkbox]").click()
    admin.locator("#save-task").click()
    h.card(client, hidden["id"]).wait_for(state="detached", timeout=10_000)

    # the client forges a move of a task that is not theirs: refused, nothing changes
    cookie = next(c for c in client_ctx.cookies() if c["name"] == "rehome_session")
    before = h.task(admin_url, admin_api, moving["id"])
    call_handlers_sync(
        client_url,
        f"rehome_session={cookie['value']}",
        [
            (
                handler_name(BoardState, "move"),
                {"item_id": str(moving["id"]), "column_id": "backlog", "index": 0},
            )
        ],
        path=f"/projects/{pid}/",
    )
    after = h.task(admin_url, admin_api, moving["id"])
    assert (
        (after["status"], after["position"])
        == (before["status"], before["position"])
        == ("done", before["position"])
    )
    admin_ctx.close()
    client_ctx.close()


def test_admin_and_client_see_each_other_live(app_url, browser) -> None:
    run_live_scenario(app_url, app_url, browser)


@pytest.mark.integration
def test_live_updates_cross_two_web_processes_through_redis(two_web_processes, browser) -> None:
    admin_url, client_url = two_web_processes
    run_live_scenario(admin_url, client_url, browser)
