"""The owner check that runs before every event: a tree is bound to the
session that first used it, and emptied (backend vars too) before anything is
sent when another session, or none, uses it later."""

from __future__ import annotations

import asyncio

import pytest
from reflex_base.event import Event

from rehome.core.auth.sessions import revoke_session
from rehome.core.infra.db import session_scope
from rehome.ui import guard
from rehome.ui.account.state import AccountState
from rehome.ui.owner import OwnerBinding
from rehome.ui.project.board_state import BoardState
from rehome.ui.project.models import Card
from rehome.ui.session import SessionState, cookie_value
from tests.unit.ui.tab import session_cookie, state_of, tab
from tests.world import World, build_world

HYDRATE = "reflex___state____state.hydrate"
OTHER = "reflex___state____state.rehome___ui___session____session_state.dismiss_flash"


@pytest.fixture
def world(db: str) -> World:
    return build_world()


def _event(name: str) -> Event:
    return Event(name=name, payload={})


def _run(root, name: str) -> object:
    """The check as Reflex runs it, and what it hands the event's guard."""

    async def event() -> object:
        await OwnerBinding().preprocess(None, root, _event(name))  # type: ignore[arg-type]
        return guard.resolved.get()

    return asyncio.run(event())


def _fill_with_secrets(root) -> None:
    board = state_of(root, BoardState)
    board.col_todo = [Card(id=1, title="Margin is tight CANARY", status="todo", position=1.0)]  # type: ignore[typeddict-item]
    board._where = {1: "todo"}
    state_of(root, AccountState).token_error = "CANARY"


def _swap_cookie(root, cookie: str) -> None:
    data = {**root.router_data, "headers": {"cookie": cookie}}
    root.router_data = root._update_router_vars(data, root.router_data)


def test_a_new_tree_is_bound_to_its_session_without_being_emptied(world: World) -> None:
    root = tab(session_cookie(world.users["admin"]))
    _fill_with_secrets(root)
    handed = _run(root, HYDRATE)
    top = state_of(root, SessionState)
    assert top._bound
    assert top._owner
    assert state_of(root, BoardState).col_todo  # nothing was reset
    assert handed is not None
    assert handed[1].user_id == world.users["admin"]  # type: ignore[index]


def test_a_socket_without_the_cookie_finds_the_tree_empty(world: World) -> None:
    root = tab(session_cookie(world.users["admin"]))
    _run(root, HYDRATE)
    _fill_with_secrets(root)
    _swap_cookie(root, "")
    _run(root, OTHER)
    board = state_of(root, BoardState)
    assert board.col_todo == []
    assert board._where == {}
    assert state_of(root, AccountState).token_error == ""
    assert state_of(root, SessionState)._owner == ""


def test_another_users_session_finds_the_tree_empty(world: World) -> None:
    root = tab(session_cookie(world.users["admin"]))
    _run(root, HYDRATE)
    _fill_with_secrets(root)
    _swap_cookie(root, session_cookie(world.users["client_b"]))
    _run(root, OTHER)
    assert state_of(root, BoardState).col_todo == []


def test_a_revoked_session_reconnecting_finds_the_tree_empty(world: World) -> None:
    cookie = session_cookie(world.users["admin"])
    root = tab(cookie)
    _run(root, HYDRATE)
    _fill_with_secrets(root)
    with session_scope() as s:
        revoke_session(s, cookie_value(cookie, "rehome_session"))
    _run(root, HYDRATE)  # same cookie, but the session is gone
    assert state_of(root, BoardState).col_todo == []


def test_the_same_session_keeps_its_tree_and_is_not_looked_up_again(world: World) -> None:
    root = tab(session_cookie(world.users["admin"]))
    _run(root, HYDRATE)
    _fill_with_secrets(root)
    handed = _run(root, OTHER)
    assert state_of(root, BoardState).col_todo
    assert handed is None  # the handler's guard resolves it, once
