"""Changes reach other viewers as patches, not whole lists (issue 13, item 2):
a chat line and a new card reach a second viewer's socket as a small `patch`
frame (no `lines` or column var in it), and a client-role viewer's socket
never carries a task it may not see (an internal one)."""

from __future__ import annotations

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import socketio

from rehome.core.demo.content import DEMO_PASSWORD
from rehome.ui.project.page_state import ProjectPageState
from tests.e2e import live_helpers as h
from tests.e2e.raw_socket import connect_tab

pytestmark = pytest.mark.e2e


def _cookie(app_url: str, email: str) -> str:
    response = httpx.post(
        f"{app_url}/auth/login", json={"email": email, "password": DEMO_PASSWORD}, timeout=10
    )
    response.raise_for_status()
    return f"rehome_session={response.cookies['rehome_session']}"


class Tab:
    """A project page's websocket, without the browser: it records every update."""

    def __init__(self, app_url: str, cookie: str, pid: int) -> None:
        self.app_url, self.cookie, self.pid = app_url, cookie, pid
        self.client = socketio.AsyncClient(reconnection=False)
        self.updates: list[dict[str, Any]] = []
        self.client.on("event", self._on_update, namespace="/_event")

    async def _on_update(self, update: Any) -> None:
        self.updates.append(update)

    async def open(self) -> None:
        await connect_tab(self.client, self.app_url, self.cookie, wait=10)
        path = f"/projects/{self.pid}/"
        await self.client.emit(
            "event",
            {
                "name": f"{ProjectPageState.get_full_name()}.load",
                "payload": {},
                "router_data": {"pathname": path, "asPath": path},
            },
            namespace="/_event",
        )

    def vars_sent(self) -> set[str]:
        return {
            key.split("_rx_state_")[0]
            for u in self.updates
            for sub in (u.get("delta") or {}).values()
            for key in sub
        }

    def text(self) -> str:
        return json.dumps(self.updates)


async def _scenario(app_url: str) -> tuple[Tab, Tab, dict[str, Any], dict[str, Any], str]:
    admin_api = h.api_token(app_url, "admin@oakline.demo")
    pid = h.project_id(app_url, admin_api)
    team = Tab(app_url, _cookie(app_url, "team@oakline.demo"), pid)
    client = Tab(app_url, _cookie(app_url, "client@oakline.demo"), pid)
    await asyncio.gather(team.open(), client.open())
    await asyncio.sleep(4)  # pages open, relays reading
    team.updates.clear()
    client.updates.clear()
    word = uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(base_url=app_url, headers=admin_api, timeout=10) as api:
        line = (await api.post(f"/api/projects/{pid}/messages", json={"body": f"Grout {word}"})).json()
        await asyncio.sleep(2)
        secret = (
            await api.post(
                f"/api/projects/{pid}/tasks",
                json={"title": f"Margin review {word}", "status": "todo", "internal": True},
            )
        ).json()
        await asyncio.sleep(2)
    await asyncio.gather(team.client.disconnect(), client.client.disconnect())
    return team, client, line, secret, word


def test_changes_arrive_as_patches_and_never_leak(app_url) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        team, client, line, secret, word = pool.submit(asyncio.run, _scenario(app_url)).result()
    assert secret["internal"] is True

    # the second viewer got the line and the card, each as a patch of its list
    assert f"Grout {word}" in team.text()
    assert f"Margin review {word}" in team.text()
    sent = team.vars_sent()
    assert "patch" in sent
    assert not sent & {"lines", "col_todo"}, sent
    patches = [
        value
        for u in team.updates
        for sub in (u.get("delta") or {}).values()
        for key, value in sub.items()
        if key.startswith("patch_rx_state_")
    ]
    assert any(
        item["id"] == line["id"] for p in patches for _, item in p["ops"].get("lines", {}).get("put", [])
    )
    assert any(
        item["id"] == secret["id"] for p in patches for _, item in p["ops"].get("col_todo", {}).get("put", [])
    )
    # each frame is about one item's size, not the list's
    assert max(len(json.dumps(u)) for u in team.updates) < 3000

    # the client saw the chat line, and nothing of the internal task
    assert f"Grout {word}" in client.text()
    assert word not in client.text().replace(f"Grout {word}", "")
    assert str(secret["id"]) not in {str(i) for i in _ids(client.updates)}


def _ids(value: Any) -> list[Any]:
    if isinstance(value, dict):
        own = [value["id"]] if "id" in value else []
        return own + [i for inner in value.values() for i in _ids(inner)]
    if isinstance(value, list):
        return [i for inner in value for i in _ids(inner)]
    return []
