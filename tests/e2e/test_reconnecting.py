"""A connection blip in the browser (issue 9): the page says it is
reconnecting, and a task typed into the dialog is still there afterwards."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e


class Blip:
    """Reflex's websocket through Playwright: cut it, refuse new ones, let them in again."""

    def __init__(self) -> None:
        self.down = False
        self.open: list[Any] = []

    def route(self, socket: Any) -> None:
        if self.down:
            socket.close()  # the server is unreachable
            return
        socket.connect_to_server()
        self.open.append(socket)

    def cut(self) -> None:
        self.down = True
        for socket in self.open:
            socket.close()
        self.open.clear()


def test_a_blip_shows_reconnecting_and_keeps_the_typed_task(app_url, browser) -> None:
    context = browser.new_context()
    blip = Blip()
    context.route_web_socket(re.compile(r".*/_event.*"), blip.route)
    page = sign_in(context, app_url, "team@oakline.demo")
    page.locator(".project-card").first.click()
    page.locator("#new-task").click()
    page.locator("#title").fill("Order the tiles before Friday")
    blip.cut()
    page.locator("#rehome-reconnecting").wait_for(timeout=30_000)
    page.keyboard.press("Escape")  # the dialog goes while offline: its draft stays
    blip.down = False
    page.locator("#rehome-reconnecting").wait_for(state="detached", timeout=30_000)
    page.locator("#new-task").click()
    assert page.locator("#title").input_value() == "Order the tiles before Friday"
    page.keyboard.press("Escape")  # closed while connected: the draft is forgotten
    page.locator("#title").wait_for(state="detached")
    page.wait_for_timeout(1500)  # a closed dialog's draft is dropped after a second
    page.locator("#new-task").click()
    assert page.locator("#title").input_value() == ""
    context.close()
