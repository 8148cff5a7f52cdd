"""The guard in front of every handler: who may call it, what it gets, and what
a refusal looks like (one transaction, rolled back, said in words)."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy import event
from sqlmodel import select

from rehome.core.infra.db import get_engine, session_scope
from rehome.core.models import ApiToken, Task
from rehome.ui.account.state import AccountState
from rehome.ui.admin.state_users import AdminUsersState
from rehome.ui.guard import NO_ACCESS, kind_of
from rehome.ui.project.board_state import BoardState
from rehome.ui.session import STALE, SessionState
from tests.unit.ui.tab import call, session_cookie, state_of, tab
from tests.world import World, build_world


@pytest.fixture
def world(db: str) -> World:
    return build_world()


def _redirect_path(result: object) -> str:
    specs = result if isinstance(result, list) else [result]
    for spec in specs:
        args = dict(getattr(spec, "args", ()))
        for name, value in args.items():
            if getattr(name, "_js_expr", str(name)) == "path":
                return str(getattr(value, "_var_value", value))
    return ""


def test_a_guarded_handler_shows_reflex_only_the_client_arguments() -> None:
    params = list(BoardState.event_handlers["move"].get_parameters())
    assert params == ["self", "item_id", "column_id", "index"]
    assert kind_of(BoardState.event_handlers["move"].fn) == "project"
    assert "ctx" not in inspect.get_annotations(BoardState.event_handlers["move"].fn)


def test_without_a_session_it_goes_to_sign_in_and_marks_the_tree_stale(world: World) -> None:
    root = tab(path="/projects/1")
    board = state_of(root, BoardState)
    result = call(board, "load_board")
    assert "/login" in _redirect_path(result)
    assert state_of(root, SessionState)._owner == STALE


def test_a_refusal_rolls_back_and_becomes_the_flash(world: World) -> None:
    root = tab(session_cookie(world.users["client"]), f"/projects/{world.projects['p1']}")
    board = state_of(root, BoardState)
    board.project_id = world.projects["p1"]
    call(board, "confirm_delete")  # clients may not delete tasks
    assert "may not" in board.flash
    with session_scope() as s:
        assert s.get(Task, world.tasks["p1"]) is not None


def test_a_project_that_is_no_longer_visible_sends_the_viewer_away(world: World) -> None:
    root = tab(session_cookie(world.users["client"]), "/projects/1")
    board = state_of(root, BoardState)
    board.project_id = world.projects["p2"]  # not theirs
    result = call(board, "load_board")
    assert _redirect_path(result) == "/projects"
    assert board.flash == NO_ACCESS


def test_admin_handlers_refuse_everyone_else(world: World) -> None:
    root = tab(session_cookie(world.users["team"]), "/admin/users")
    users = state_of(root, AdminUsersState)
    result = call(users, "load")
    assert _redirect_path(result) == "/projects"
    assert users.rows == []


def test_a_page_load_fills_the_top_bar_and_the_work_runs_in_one_transaction(world: World) -> None:
    root = tab(session_cookie(world.users["consultant"]), "/account")
    account = state_of(root, AccountState)
    call(account, "load")
    assert account.user_name
    assert not account.user_is_admin
    assert [token.name for token in account.tokens] == ["tests"]  # the world's own token
    with session_scope() as s:
        token = s.exec(select(ApiToken).where(ApiToken.user_id == world.users["team"])).first()
    assert token is not None
    call(account, "revoke_token", token_id=int(token.id or 0))  # someone else's token
    assert account.flash == "Token not found."
    with session_scope() as s:
        assert s.get(ApiToken, token.id).revoked_at is None  # type: ignore[union-attr]


def test_a_board_move_costs_one_transaction(world: World) -> None:
    root = tab(session_cookie(world.users["team"]), f"/projects/{world.projects['p1']}")
    board = state_of(root, BoardState)
    board.project_id = world.projects["p1"]
    call(board, "load_board")
    commits: list[int] = []

    def count(_conn: object) -> None:
        commits.append(1)

    event.listen(get_engine(), "commit", count)
    try:
        call(board, "move", item_id=str(world.tasks["p1"]), column_id="done", index=0)
    finally:
        event.remove(get_engine(), "commit", count)
    assert board.flash == ""
    assert len(commits) == 1
    with session_scope() as s:
        assert s.get(Task, world.tasks["p1"]).status == "done"  # type: ignore[union-attr]
