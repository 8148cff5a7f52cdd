"""A tab's state tree in a unit test: Reflex states without a server.

`tab(cookie, path)` builds a root state as Reflex would for a new tab, with
the request headers and page path a browser's socket would carry, so guarded
handlers and the owner check can be called directly.
"""

from __future__ import annotations

from typing import Any, TypeVar

import reflex as rx

import rehome.rehome  # noqa: F401  (registers every page state)
from rehome.core.auth.sessions import create_session
from rehome.core.infra.db import session_scope
from rehome.core.models import User

S = TypeVar("S", bound=rx.State)


def tab(cookie: str = "", path: str = "/projects") -> rx.State:
    root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
    data = {"headers": {"cookie": cookie}, "pathname": path, "asPath": path}
    root.router_data = root._update_router_vars(data, {})
    return root


def state_of(root: rx.State, cls: type[S]) -> S:
    return root.get_substate(cls.get_full_name().split("."))  # type: ignore[return-value]


def session_cookie(user_id: int) -> str:
    with session_scope() as s:
        user = s.get(User, user_id)
        assert user is not None
        return f"rehome_session={create_session(s, user)}"


def call(state: rx.State, handler: str, **payload: Any) -> Any:
    """Call a handler the way Reflex does: the registered function, by keyword."""
    return type(state).event_handlers[handler].fn(state, **payload)
