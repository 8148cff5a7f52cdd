"""Small page helpers shared by the browser tests."""

from __future__ import annotations

from typing import Any

from rehome.core.demo.content import DEMO_PASSWORD


def sign_in(context: Any, app_url: str, email: str, password: str = DEMO_PASSWORD) -> Any:
    page = context.new_page()
    page.goto(f"{app_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/projects/**", timeout=30_000)
    return page
