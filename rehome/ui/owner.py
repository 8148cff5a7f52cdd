"""Every tab's state tree belongs to one session, checked before any event runs.

Reflex keys a tab's state tree only by a token the client keeps in
`sessionStorage` and sends itself, and its first event (`hydrate`) sends the
whole tree back. Without this check, the sign-in page of a tab that was just
signed out, or a socket with no cookie replaying a closed tab's token, received
the previous user's board, chat and secrets.

`OwnerBinding` runs before Reflex's own handling of every event. It compares
the digest of the session cookie on the socket with the owner recorded in the
tree. On a new tree it records the owner; on the first event of a connection
(hydrate) or whenever they differ, it resolves the session in the database,
and if the tree belonged to someone else (or to a session that is no longer
valid) it empties the whole tree before anything is sent. The actor it
resolved is handed to the event's guard, so it is not looked up twice.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import reflex as rx
from reflex.middleware import Middleware
from reflex_base.utils.format import format_event_handler

from rehome.core.access import Actor
from rehome.core.auth.secrets import digest
from rehome.core.auth.sessions import resolve_session
from rehome.core.infra.db import session_scope
from rehome.settings import get_settings
from rehome.ui import guard
from rehome.ui.session import SessionState, cookie_value

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState, StateUpdate
    from reflex_base.event import Event


def _connect_events() -> frozenset[str]:
    return frozenset(
        format_event_handler(rx.State.event_handlers[name]) for name in ("hydrate", "hydrate_and_load")
    )


def _resolve(token: str | None) -> Actor | None:
    with session_scope() as db:
        return resolve_session(db, token)


def descendants(cls: type[BaseState]) -> list[type[BaseState]]:
    """Every registered state class below `cls`, parents before children."""
    out: list[type[BaseState]] = []
    for sub in sorted(cls.get_substates(), key=lambda c: c.get_full_name()):
        out += [sub, *descendants(sub)]
    return out


async def empty_tree(root: BaseState) -> None:
    """Reset every page state of the tree to its defaults (backend vars too).

    Substates not yet loaded are loaded first, so nothing of the previous
    owner survives in a part of the tree this event did not touch.
    """
    top = await root.get_state(SessionState)
    for cls in descendants(SessionState):
        await root.get_state(cls)
    top.reset()


class OwnerBinding(Middleware):
    """Bind each state tree to its session; empty it when they differ."""

    def __init__(self) -> None:
        self._connect = _connect_events()

    async def preprocess(self, app: App, state: BaseState, event: Event) -> StateUpdate | None:
        top = await state.get_state(SessionState)
        token = cookie_value(state.router.headers.cookie, get_settings().session_cookie_name)
        sid = digest(token) if token else ""
        if top._bound and top._owner == sid and event.name not in self._connect:
            guard.resolved.set(None)  # the usual case: same session as before; the guard re-checks it
            return None
        actor = await asyncio.to_thread(_resolve, token)
        owner = sid if actor is not None else ""
        if top._bound and top._owner != owner:
            await empty_tree(state)
        top._owner, top._bound = owner, True
        guard.resolved.set((sid, actor))
        return None


def install(app: Any) -> None:
    """First in line, before Reflex answers the connection's hydrate."""
    app.add_middleware(OwnerBinding(), index=0)


async def drop_tab(tab: str, session_token: str | None) -> None:
    """On sign-out: empty the tab's tree now, if it belongs to that session
    (anyone can name any tab, so a tree bound to someone else is left alone)."""
    if not tab or not session_token:
        return
    from reflex_base.registry import RegistrationContext

    try:
        app = RegistrationContext.get().app
    except LookupError:
        return
    async with app.modify_state(rx.BaseStateToken(ident=tab, cls=SessionState)) as root:
        top = await root.get_state(SessionState)
        if top._bound and top._owner == digest(session_token):
            await empty_tree(root)
            top._owner, top._bound = "", True
