"""Helpers for the two-browser live tests: API lookups and board gestures."""

from __future__ import annotations

from typing import Any

import httpx

from rehome.core.demo.content import DEMO_PASSWORD

KITCHEN = "Kitchen remodel · 14 Elm Street"


def api_token(app_url: str, email: str) -> dict[str, str]:
    response = httpx.post(
        f"{app_url}/api/login", json={"email": email, "password": DEMO_PASSWORD}, timeout=10
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def project_id(app_url: str, headers: dict[str, str], name: str = KITCHEN) -> int:
    projects = httpx.get(f"{app_url}/api/projects", headers=headers, timeout=10).json()["items"]
    return next(p["id"] for p in projects if p["name"] == name)


def me(app_url: str, headers: dict[str, str]) -> dict[str, Any]:
    return httpx.get(f"{app_url}/api/me", headers=headers, timeout=10).json()


def first_task(
    app_url: str, headers: dict[str, str], pid: int, status: str, not_assignee: int
) -> dict[str, Any]:
    tasks = httpx.get(
        f"{app_url}/api/projects/{pid}/tasks?status={status}&limit=200", headers=headers, timeout=10
    ).json()["items"]
    return next(
        t
        for t in sorted(tasks, key=lambda t: t["position"])
        if not t["internal"] and t["assignee_id"] != not_assignee
    )


def task(app_url: str, headers: dict[str, str], task_id: int) -> dict[str, Any]:
    return httpx.get(f"{app_url}/api/tasks/{task_id}", headers=headers, timeout=10).json()


def open_project(context: Any, app_url: str, pid: int) -> Any:
    page = context.new_page()
    page.goto(f"{app_url}/projects/{pid}")
    page.locator(".task-card").first.wait_for(timeout=30_000)
    return page


def card(page: Any, task_id: int, column: str | None = None) -> Any:
    scope = f"#column-{column} " if column else ""
    return page.locator(f'{scope}[data-task-id="{task_id}"]')


def drag(page: Any, source: Any, target: Any) -> None:
    """A mouse drag in small steps, as dnd-kit's pointer sensor needs."""
    start, end = source.bounding_box(), target.bounding_box()
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + 20
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + 30
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x0 + (x1 - x0) * step / 20, y0 + (y1 - y0) * step / 20)
        page.wait_for_timeout(15)
    page.mouse.up()
