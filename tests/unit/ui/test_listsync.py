"""Lists change by patches (issue 13, item 2): the patch a list change sends
rebuilds the new list exactly from the old one (as assets/list_patches.jsx
applies it), carries only what changed, and falls back to the whole list
when a patch could not rebuild it."""

from __future__ import annotations

import random
from typing import Any

from rehome.ui.listsync import diff
from rehome.ui.project.board_state import BoardState
from rehome.ui.project.chat_state import ChatState
from rehome.ui.project.models import card, chat_line
from tests.unit.ui.tab import state_of, tab
from tests.unit.ui.test_project_states import _message, _task


def patch_list(items: list[dict[str, Any]], op: dict[str, Any]) -> list[dict[str, Any]]:
    """The browser's `patchList`, line for line."""
    put = op.get("put", [])
    drop = set(op.get("gone", [])) | {item["id"] for _, item in put}
    out = [item for item in items if item["id"] not in drop]
    for index, item in put:
        out.insert(index, item)
    return out


def _new_event(state: Any) -> None:
    """What Reflex does after sending an event's delta."""
    state.dirty_vars.clear()


def test_a_patch_rebuilds_the_new_list_and_is_idempotent() -> None:
    rng = random.Random(13)
    for _ in range(500):
        old = [{"id": i, "v": 0} for i in rng.sample(range(60), rng.randint(0, 30))]
        new = [dict(x) for x in old if rng.random() > 0.1]
        for item in rng.sample(new, min(len(new), 2)):
            item["v"] = 1
        for _ in range(rng.randint(0, 3)):
            new.insert(rng.randint(0, len(new)), {"id": 100 + rng.randint(0, 50), "v": 2})
        new = list({x["id"]: x for x in new}.values())
        op = diff(old, new)
        if op is None:
            continue
        assert patch_list(old, op) == new
        assert patch_list(new, op) == new  # seen twice (a re-hydrated tab): no change


def test_a_reordered_list_goes_whole() -> None:
    old = [{"id": i} for i in range(6)]
    assert diff(old, list(reversed(old))) is None


def test_a_chat_line_sends_one_line_not_the_history() -> None:
    chat = state_of(tab(), ChatState)
    chat.lines = [chat_line(_message(i)) for i in range(1, 401)]
    _new_event(chat)
    chat._apply_messages([_message(401)], set())
    assert "lines" not in chat.dirty_vars
    assert "patch" in chat.dirty_vars
    op = chat.patch["ops"]["lines"]
    assert [item["id"] for _, item in op["put"]] == [401]
    assert op["gone"] == [1]
    assert len(chat.lines) == 400
    assert chat.lines[-1]["id"] == 401


def test_a_move_sends_the_card_and_the_ids_that_left() -> None:
    board = state_of(tab(), BoardState)
    board._limits = {"todo": 200, "done": 200}  # "Show more" pressed seven times
    board._set_column("todo", [card(_task(i, position=float(i))) for i in range(1, 201)])
    board._set_column("done", [card(_task(i, "done", position=float(i))) for i in range(301, 501)])
    _new_event(board)
    before = {s: list(board._column(s)) for s in ("todo", "done")}
    board._apply_tasks([_task(5, "done", position=0.5)], set(), {"todo": 199, "done": 201})
    assert not {"col_todo", "col_done"} & board.dirty_vars
    ops = board.patch["ops"]
    assert ops["col_todo"] == {"gone": [5]}
    assert [(i, item["id"]) for i, item in ops["col_done"]["put"]] == [(0, 5)]
    assert ops["col_done"]["gone"] == [500]  # the column keeps its 200
    for status in ("todo", "done"):
        assert patch_list(before[status], ops[f"col_{status}"]) == list(board._column(status))


def test_a_list_changed_twice_in_one_event_goes_whole() -> None:
    board = state_of(tab(), BoardState)
    board._set_column("todo", [card(_task(i, position=float(i))) for i in range(1, 30)])
    _new_event(board)
    board._apply_tasks([_task(3, "todo", position=0.1)], set(), {})
    board._apply_tasks([_task(4, "todo", position=0.2)], set(), {})
    assert "col_todo" in board.dirty_vars
    assert "col_todo" not in board.patch["ops"]


def test_a_whole_list_clears_its_stale_patch() -> None:
    chat = state_of(tab(), ChatState)
    chat.lines = [chat_line(_message(i)) for i in range(1, 60)]
    _new_event(chat)
    chat._apply_messages([_message(60)], set())
    seq = chat.patch["seq"]
    _new_event(chat)
    chat._set_lines([chat_line(_message(1))], whole=True)
    assert "lines" not in chat.patch["ops"]
    assert chat.patch["seq"] == seq + 1
