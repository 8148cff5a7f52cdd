"""A raw Reflex websocket client: what an attacker with a script could send.

It speaks the same socket.io protocol as the browser (namespace and path
`/_event`, a client-chosen state token in the query string) and calls event
handlers by name with arguments of its choosing.
"""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import socketio


async def connect_tab(
    client: socketio.AsyncClient, app_url: str, cookie: str, token: str | None = None, wait: float = 20
) -> None:
    """Connect as a new browser tab would: Reflex's socket path, a state token of its own."""
    await client.connect(
        f"{app_url}?token={token or uuid.uuid4()}",
        socketio_path="/_event",
        namespaces=["/_event"],
        transports=["websocket"],
        headers={"Cookie": cookie} if cookie else {},
        wait_timeout=wait,
    )


def handler_name(state_cls: type, handler: str) -> str:
    return f"{state_cls.get_full_name()}.{handler}"


async def call_handlers(
    app_url: str,
    cookie: str,
    calls: list[tuple[Any, ...]],
    path: str = "/projects/",
    wait: float = 3.0,
    token: str | None = None,
) -> list[dict[str, Any]]:
    """Send events as a browser tab would and collect every update pushed back.

    `token` reuses a tab's state token (one the browser kept in sessionStorage);
    by default each call is a new tab. `calls` may also carry a path of their
    own as a third item."""
    client = socketio.AsyncClient(reconnection=False)
    updates: list[dict[str, Any]] = []

    async def on_event(data: Any) -> None:
        updates.append(data)

    client.on("event", on_event, namespace="/_event")
    await connect_tab(client, app_url, cookie, token, wait=10)
    try:
        for call in calls:
            name, payload, where = call[0], call[1], (call[2] if len(call) > 2 else path)
            await client.emit(
                "event",
                {"name": name, "payload": payload, "router_data": {"pathname": where, "asPath": where}},
                namespace="/_event",
            )
        await asyncio.sleep(wait)
    finally:
        await client.disconnect()
    return updates


def redirects(updates: list[dict[str, Any]]) -> list[str]:
    return [
        event["payload"].get("path", "")
        for update in updates
        for event in update.get("events", [])
        if event.get("name") == "_redirect"
    ]


def delta_values(updates: list[dict[str, Any]], var_suffix: str) -> list[Any]:
    """Every value the backend sent for state vars whose name ends with `var_suffix`."""
    found = []
    for update in updates:
        for substate in (update.get("delta") or {}).values():
            found += [value for key, value in substate.items() if key.startswith(var_suffix)]
    return found


def call_handlers_sync(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """Run `call_handlers` on its own thread (Playwright's sync API owns this one's loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, call_handlers(*args, **kwargs)).result()


def hydrate_name() -> str:
    """The event a (re)connecting tab sends first: Reflex answers it with the whole tree."""
    import reflex as rx
    from reflex_base.utils.format import format_event_handler

    return format_event_handler(rx.State.event_handlers["hydrate"])
