"""The project page's state logic on its own: how live changes land on the
board and in the chat, and how the task form reads and writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rehome.core.chat.views import MessageOut
from rehome.core.infra.errors import Invalid
from rehome.core.tasks.views import TaskOut
from rehome.ui.project.board_state import BoardState
from rehome.ui.project.chat_state import KEEP, ChatState
from rehome.ui.project.models import card, chat_line
from rehome.ui.project.task_form import EMPTY_FORM, form_from_task, patch_from_form
from tests.unit.ui.tab import state_of, tab

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _task(task_id: int, status: str = "todo", position: float = 1.0, **extra: object) -> TaskOut:
    values = {
        "id": task_id,
        "project_id": 1,
        "title": f"Task {task_id}",
        "description": "",
        "status": status,
        "priority": "normal",
        "assignee_id": None,
        "assignee_name": None,
        "due_date": None,
        "position": position,
        "internal": False,
        "internal_notes": None,
        "cost_cents": None,
        "overdue": False,
        "created_by": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return TaskOut.model_validate({**values, **extra})


def _message(message_id: int, body: str = "Hello") -> MessageOut:
    return MessageOut(
        id=message_id,
        project_id=1,
        author_id=2,
        author_name="Ann Lee",
        body=body,
        internal=False,
        created_at=NOW,
        edited_at=None,
    )


def test_a_live_move_rebuilds_only_the_columns_it_touches() -> None:
    board = state_of(tab(), BoardState)
    board._set_column("todo", [card(_task(1)), card(_task(2, position=2.0))])
    board._set_column("done", [card(_task(9, "done"))])
    board._apply_tasks([_task(1, "done", position=0.5)], set(), {"todo": 1, "done": 2})
    assert [c["id"] for c in board.col_todo] == [2]
    assert [c["id"] for c in board.col_done] == [1, 9]  # ordered by position
    assert board._where == {2: "todo", 1: "done", 9: "done"}
    assert board.totals == {"todo": 1, "done": 2}


def test_a_task_that_became_invisible_leaves_the_board() -> None:
    board = state_of(tab(), BoardState)
    board._set_column("blocked", [card(_task(5, "blocked"))])
    board._apply_tasks([], {5}, {"blocked": 0})
    assert board.col_blocked == []
    assert 5 not in board._where


def test_a_live_change_outside_the_filter_is_not_shown() -> None:
    board = state_of(tab(), BoardState)
    board.f_blocked = True
    board._apply_tasks([_task(3, "todo")], set(), {})
    assert board.col_todo == []


def test_new_messages_append_in_order_and_the_history_is_capped() -> None:
    chat = state_of(tab(), ChatState)
    chat.lines = [chat_line(_message(i)) for i in range(1, KEEP + 1)]
    chat._apply_messages([_message(KEEP + 2), _message(KEEP + 1)], set())
    assert len(chat.lines) == KEEP
    assert [line["id"] for line in chat.lines[-2:]] == [KEEP + 1, KEEP + 2]


def test_an_edited_message_is_replaced_in_place_and_a_deleted_one_goes() -> None:
    chat = state_of(tab(), ChatState)
    chat.lines = [chat_line(_message(1)), chat_line(_message(2)), chat_line(_message(3))]
    chat._apply_messages([_message(2, "Edited")], {3})
    assert [(line["id"], line["body"]) for line in chat.lines] == [(1, "Hello"), (2, "Edited")]


def test_the_task_form_round_trips_and_sends_only_what_the_role_may_set() -> None:
    task = _task(4, "blocked", due_date="2026-12-01", cost_cents=12_345, internal=True)
    form = form_from_task(task)
    assert (form["status"], form["due_date"], form["cost"], form["internal"]) == (
        "blocked",
        "2026-12-01",
        "123.45",
        "on",
    )
    client = patch_from_form(form, can_mark_internal=False, sees_costs=False)
    assert "internal" not in client.model_fields_set
    assert "cost_cents" not in client.model_fields_set
    staff = patch_from_form(form, can_mark_internal=True, sees_costs=True)
    assert (staff.internal, staff.cost_cents) == (True, 12_345)


def test_a_bad_amount_in_the_task_form_is_a_field_error() -> None:
    with pytest.raises(Invalid) as raised:
        patch_from_form({**EMPTY_FORM, "title": "Tiles", "cost": "NaN"}, True, True)
    assert "cost" in raised.value.fields
