"""Bytes one viewer receives per change (issue 13, item 2): one chat message,
one task move, edit and create, and the "Load older" / "Show more" pages, at
short and long lists (50 and 400 chat lines, 25- and 200-card columns).

One raw websocket viewer (Reflex's own protocol, as the browser speaks it)
opens the project page; changes are made by another person through the REST
API, and every socket.io packet the viewer receives in the next 1.5 s is
counted (its payload as it came over the wire). The item's own size is the
compact JSON of the chat line or card as found in what the viewer received.

Usage: BENCH_DB=rehome_bench_x python -m bench.change_bytes
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

import httpx
import socketio

from bench.common import api_headers, bench_app, session_cookie
from rehome.ui.project.board_state import BoardState
from rehome.ui.project.chat_state import ChatState
from rehome.ui.project.page_state import ProjectPageState
from tests.e2e.raw_socket import connect_tab

SETTLE = 1.5  # seconds to collect what one change sends


class CountingClient(socketio.AsyncClient):
    """A socket.io client that counts the bytes of every packet it receives."""

    def __init__(self) -> None:
        super().__init__(reconnection=False)
        self.bytes_in = 0
        self.packets: list[Any] = []

    async def _handle_eio_message(self, data: Any) -> None:  # type: ignore[override]
        self.bytes_in += len(data.encode() if isinstance(data, str) else data)
        await super()._handle_eio_message(data)


def _find(value: Any, item_id: int, key: str) -> dict[str, Any] | None:
    """The dict with this id and key anywhere in what was received."""
    if isinstance(value, dict):
        if value.get("id") == item_id and key in value:
            return value
        value = list(value.values())
    if isinstance(value, list):
        for inner in value:
            found = _find(inner, item_id, key)
            if found is not None:
                return found
    return None


class Viewer:
    def __init__(self, url: str, cookie: str, project_id: int) -> None:
        self.url, self.cookie, self.project_id = url, cookie, project_id
        self.client = CountingClient()
        self.client.on("event", self._on_update, namespace="/_event")
        self.updates: list[Any] = []

    async def _on_update(self, update: Any) -> None:
        self.updates.append(update)

    async def open(self) -> None:
        await connect_tab(self.client, self.url, self.cookie, wait=20)
        await self.call(ProjectPageState, "load")
        await asyncio.sleep(3)

    async def call(self, state: type, handler: str, **payload: Any) -> None:
        path = f"/projects/{self.project_id}/"
        await self.client.emit(
            "event",
            {
                "name": f"{state.get_full_name()}.{handler}",
                "payload": payload,
                "router_data": {"pathname": path, "asPath": path},
            },
            namespace="/_event",
        )

    async def measure(self, change: Any) -> tuple[int, list[Any]]:
        await asyncio.sleep(0.3)
        self.client.bytes_in, self.updates = 0, []
        await change()
        await asyncio.sleep(SETTLE)
        return self.client.bytes_in, self.updates


def _item_size(updates: list[Any], item_id: int, key: str) -> int:
    found = _find(updates, item_id, key)
    return len(json.dumps(found, separators=(",", ":"), ensure_ascii=False).encode()) if found else 0


async def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with bench_app(tasks=2500, messages=600) as app:
        cookie = session_cookie(app.url, "bench-team@bench.demo")
        headers = api_headers(app.url, "bench-admin@bench.demo")
        viewer = Viewer(app.url, cookie, app.project_id)
        await viewer.open()
        async with httpx.AsyncClient(base_url=app.url, headers=headers, timeout=30) as api:
            todo = (await api.get(f"/api/projects/{app.project_id}/tasks?status=todo&limit=100")).json()[
                "items"
            ]

            def record(what: str, size: str, sent: int, updates: list[Any], item_id: int, key: str) -> None:
                item = _item_size(updates, item_id, key)
                rows.append({"change": what, "list": size, "bytes": sent, "item": item})
                ratio = f"{sent / item:.2f}x" if item else "-"
                print(f"{what:<22} {size:<16} {sent:>9,} B  item {item:>5} B  {ratio}", flush=True)

            async def chat_round(size: str) -> None:
                posted: dict[str, Any] = {}

                async def post() -> None:
                    r = await api.post(
                        f"/api/projects/{app.project_id}/messages", json={"body": "Tiles arrive Tuesday."}
                    )
                    posted.update(r.json())

                sent, updates = await viewer.measure(post)
                record("chat message", size, sent, updates, posted["id"], "body")

                async def edit() -> None:
                    await api.patch(f"/api/messages/{posted['id']}", json={"body": "Tiles arrive Wednesday."})

                sent, updates = await viewer.measure(edit)
                record("chat edit", size, sent, updates, posted["id"], "body")

            async def board_round(size: str, task: dict[str, Any]) -> None:
                async def move() -> None:
                    await api.patch(f"/api/tasks/{task['id']}", json={"status": "in_progress", "position": 0})

                sent, updates = await viewer.measure(move)
                record("task move", size, sent, updates, task["id"], "title")

                async def edit() -> None:
                    await api.patch(f"/api/tasks/{task['id']}", json={"title": task["title"] + " (v2)"})

                sent, updates = await viewer.measure(edit)
                record("task edit", size, sent, updates, task["id"], "title")
                created: dict[str, Any] = {}

                async def create() -> None:
                    r = await api.post(
                        f"/api/projects/{app.project_id}/tasks",
                        json={"title": "Order skirting", "status": "todo"},
                    )
                    created.update(r.json())

                sent, updates = await viewer.measure(create)
                record("task create", size, sent, updates, created.get("id", 0), "title")

            await chat_round("50 lines")
            await board_round("25-card columns", todo[0])
            for i in range(7):

                async def older() -> None:
                    await viewer.call(ChatState, "load_older")

                sent, _ = await viewer.measure(older)
                if i == 6:
                    rows.append(
                        {"change": "load older (+50)", "list": "350->400 lines", "bytes": sent, "item": 0}
                    )
                    print(f"load older (+50)       350->400 lines   {sent:>9,} B", flush=True)
            await chat_round("400 lines")
            for i in range(7):
                for status in ("todo", "in_progress", "done", "backlog", "blocked"):

                    async def more(status: str = status) -> None:
                        await viewer.call(BoardState, "show_more", status=status)

                    sent, _ = await viewer.measure(more)
                    if i == 6 and status == "todo":
                        rows.append(
                            {"change": "show more (+25)", "list": "175->200 cards", "bytes": sent, "item": 0}
                        )
                        print(f"show more (+25)        175->200 cards   {sent:>9,} B", flush=True)
            await board_round("200-card columns", todo[1])
        await viewer.client.disconnect()
    return rows


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    asyncio.run(run())


if __name__ == "__main__":
    main()
