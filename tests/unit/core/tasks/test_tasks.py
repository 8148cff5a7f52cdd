"""Tasks: validation, moves and ordering, history, role rules (F-05, F-07)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rehome.core import tasks
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Forbidden, Invalid, NotFound
from tests.world import build_world


@pytest.fixture
def world(db: str):
    return build_world()


def _create(world, title: str, status: str = "todo", role: str = "team", **extra) -> tasks.TaskOut:
    with session_scope() as s:
        return tasks.create_task(
            s, world.actors[role], world.projects["p1"], tasks.TaskCreate(title=title, status=status, **extra)
        )


def _column(world, status: str) -> list[str]:
    with session_scope() as s:
        items = tasks.list_tasks(
            s, world.actors["team"], world.projects["p1"], status=status, limit=200
        ).items
    return [t.title for t in sorted(items, key=lambda t: t.position)]


def test_new_tasks_go_to_the_end_of_their_column(world) -> None:
    for title in ("A", "B", "C"):
        _create(world, title, "blocked")
    assert _column(world, "blocked") == ["A", "B", "C"]


def test_move_between_and_within_columns_keeps_order(world) -> None:
    ids = {t: _create(world, t, "backlog").id for t in ("A", "B", "C", "D")}
    with session_scope() as s:
        tasks.update_task(s, world.actors["team"], ids["D"], tasks.TaskPatch(position=0))
        tasks.update_task(s, world.actors["team"], ids["A"], tasks.TaskPatch(position=2))
        tasks.update_task(s, world.actors["team"], ids["B"], tasks.TaskPatch(status="done", position=0))
    assert _column(world, "backlog") == ["D", "A", "C"]  # A went between B and C, then B left
    assert _column(world, "done")[0] == "B"


def test_repeated_moves_into_one_gap_renumber_the_column(world) -> None:
    ids = [_create(world, f"T{i}", "in_progress").id for i in range(3)]
    with session_scope() as s:
        for _ in range(80):  # halve the same gap until floats run out
            tasks.update_task(s, world.actors["team"], ids[2], tasks.TaskPatch(position=1))
            tasks.update_task(s, world.actors["team"], ids[1], tasks.TaskPatch(position=1))
    assert _column(world, "in_progress") == ["T0", "T1", "T2"]


def test_status_changes_are_recorded_with_who_and_when(world) -> None:
    task = _create(world, "Tile")
    with session_scope() as s:
        tasks.update_task(s, world.actors["consultant"], task.id, tasks.TaskPatch(status="in_progress"))
        tasks.update_task(s, world.actors["team"], task.id, tasks.TaskPatch(title="Tile floor"))
        tasks.update_task(s, world.actors["team"], task.id, tasks.TaskPatch(status="done"))
        history = tasks.task_history(s, world.actors["client"], task.id)
    assert [(e.kind, e.from_status, e.to_status, e.actor_name) for e in history] == [
        ("created", None, "todo", "Team"),
        ("status", "todo", "in_progress", "Consultant"),
        ("status", "in_progress", "done", "Team"),
    ]
    assert tasks.get_task.__name__  # the task reads back as done:
    with session_scope() as s:
        assert tasks.get_task(s, world.actors["team"], task.id).status == "done"


def test_field_rules_by_role(world) -> None:
    with pytest.raises(Forbidden):
        _create(world, "Secret", role="consultant", internal=True)
    with pytest.raises(Forbidden):
        _create(world, "Pricey", role="consultant", cost_cents=10)
    with pytest.raises(Forbidden):
        _create(world, "Mine", role="client")
    with session_scope() as s, pytest.raises(Forbidden):
        tasks.delete_task(s, world.actors["consultant"], world.tasks["p1"])


def test_assignee_must_work_on_the_project(world) -> None:
    with pytest.raises(Invalid) as caught:
        _create(world, "Bad", assignee_id=world.users["admin_b"])
    assert "assignee_id" in caught.value.fields
    with pytest.raises(Invalid):
        _create(world, "Hidden", internal=True, assignee_id=world.users["client"])
    assert _create(world, "Admin's", assignee_id=world.users["admin"]).assignee_name == "Admin"


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"title": "x" * 201},
        {"title": "ok", "status": "doing"},
        {"title": "ok", "extra": 1},
        {"title": "ok", "cost_cents": -1},
        {"title": "ok", "due_date": "tomorrow"},
    ],
)
def test_bad_input_is_rejected_by_the_schema(bad: dict) -> None:
    with pytest.raises(ValidationError):
        tasks.TaskCreate(**bad)


def test_delete_and_then_not_found(world) -> None:
    task = _create(world, "Temporary")
    with session_scope() as s:
        tasks.delete_task(s, world.actors["team"], task.id)
    with session_scope() as s, pytest.raises(NotFound):
        tasks.get_task(s, world.actors["team"], task.id)


def test_pagination_walks_every_task_once(world) -> None:
    for i in range(7):
        _create(world, f"Page {i}")
    seen: list[int] = []
    after = None
    while True:
        with session_scope() as s:
            page = tasks.list_tasks(s, world.actors["team"], world.projects["p1"], after_id=after, limit=3)
        seen += [t.id for t in page.items]
        if not page.next_cursor:
            break
        from rehome.core.infra.pagination import decode_cursor

        after = decode_cursor(page.next_cursor)
    assert len(seen) == len(set(seen)) == 10


def test_move_next_to_a_neighbour(world) -> None:
    ids = {t: _create(world, t, "backlog").id for t in ("A", "B", "C")}
    team = world.actors["team"]
    with session_scope() as s:
        tasks.update_task(s, team, ids["C"], tasks.TaskPatch(before_task_id=ids["A"]))
        tasks.update_task(s, team, ids["A"], tasks.TaskPatch(after_task_id=ids["B"]))
    assert _column(world, "backlog") == ["C", "B", "A"]
    with session_scope() as s:
        tasks.update_task(s, team, ids["B"], tasks.TaskPatch(status="done", before_task_id=None))
    with session_scope() as s, pytest.raises(Invalid):  # the neighbour must be in the target column
        tasks.update_task(s, team, ids["C"], tasks.TaskPatch(status="blocked", before_task_id=ids["A"]))
    with pytest.raises(ValidationError):
        tasks.TaskPatch(position=0, before_task_id=1)
