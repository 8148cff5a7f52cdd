"""The context builder's budget policy (F-32): what comes first, what is
dropped and how, the shares, and a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehome.core.agent.context import build_context, estimate_tokens
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.models import Message, MessageMention, Task, TaskEvent
from tests.support import recorded_queries
from tests.unit.context_world import build, context_world, ids
from tests.world import World, stored_file


@pytest.fixture
def world(any_db: str) -> World:
    return context_world()


# --- order and budget --------------------------------------------------------------------


def _chat(world: World, count: int, *, start_minutes_ago: int = 10_000, length: int = 200) -> list[int]:
    """`count` P1 messages by the team, one minute apart, oldest first."""
    now = utcnow()
    with session_scope() as s:
        rows = [
            Message(
                project_id=world.projects["p1"],
                author_id=world.users["team"],
                body=f"update {i:04d} " + "x" * length,
                created_at=now - timedelta(minutes=start_minutes_ago - i),
            )
            for i in range(count)
        ]
        s.add_all(rows)
        s.flush()
        return [int(m.id or 0) for m in rows]


def _board(world: World, count: int, *, start_minutes_ago: int = 10_000) -> list[int]:
    """`count` plain P1 tasks (not blocked, not overdue), one minute apart, oldest first."""
    now = utcnow()
    with session_scope() as s:
        rows = [
            Task(
                project_id=world.projects["p1"],
                title=f"Task {i:04d} " + "y" * 120,
                updated_at=now - timedelta(minutes=start_minutes_ago - i),
            )
            for i in range(count)
        ]
        s.add_all(rows)
        s.flush()
        return [int(t.id or 0) for t in rows]


def test_mentions_of_the_reader_and_status_changes_come_first(world: World) -> None:
    p1, team, client = world.projects["p1"], world.users["team"], world.users["client"]
    old = utcnow() - timedelta(days=30)
    with session_scope() as s:
        mention = Message(project_id=p1, author_id=team, body="@Client please pick tiles", created_at=old)
        other = Message(project_id=p1, author_id=team, body="@Consultant old note", created_at=old)
        changed = Task(project_id=p1, title="Order the tiles", status="in_progress", updated_at=old)
        stale = Task(project_id=p1, title="Stale untouched task", updated_at=old)
        s.add_all([mention, other, changed, stale])
        s.flush()
        s.add(MessageMention(message_id=int(mention.id or 0), user_id=client))
        s.add(MessageMention(message_id=int(other.id or 0), user_id=world.users["consultant"]))
        s.add(
            TaskEvent(
                task_id=int(changed.id or 0),
                project_id=p1,
                actor_id=team,
                from_status="todo",
                to_status="in_progress",
                created_at=old,
            )
        )
        ids = {
            "mention": int(mention.id or 0),
            "other": int(other.id or 0),
            "changed": int(changed.id or 0),
            "stale": int(stale.id or 0),
        }
    newer_messages = _chat(world, 150)
    newer_tasks = _board(world, 150)
    ctx = build(world, "client", budget=6_000)
    messages, tasks = ctx.used["messages"], ctx.used["tasks"]
    assert ids["mention"] in messages
    assert ids["other"] not in messages
    assert ids["changed"] in tasks
    assert ids["stale"] not in tasks
    assert ctx.used["dropped"]["messages"] > 0
    assert ctx.used["dropped"]["tasks"] > 0
    assert newer_messages[-1] in messages
    assert newer_tasks[-1] in tasks
    mention_item = next(i for i in ctx.items if i.kind == "message" and i.id == ids["mention"])
    assert mention_item.data["mentions_me"] is True
    assert "| mentions you |" in mention_item.text
    event = next(i for i in ctx.items if i.kind == "event" and i.data["task_id"] == ids["changed"])
    assert event.ref == f"T-{ids['changed']}"
    assert (event.data["from_status"], event.data["to_status"], event.data["actor"]) == (
        "todo",
        "in_progress",
        "Team",
    )


def test_budget_is_respected_and_whole_items_dropped_oldest_first(world: World) -> None:
    messages = _chat(world, 300)
    tasks = _board(world, 300)
    ctx = build(world, "team", budget=8_000)
    used = ctx.used
    usable = int(8_000 * 0.9)
    assert used["budget"]["total"] == usable
    assert ctx.tokens == used["tokens"]["total"] == estimate_tokens(ctx.text) <= usable
    shares, flowed = used["budget"]["shares"], used["budget"]["flowed"]
    assert sum(shares.values()) + used["budget"]["formatting"] <= usable
    for category in ("messages", "tasks", "files"):
        assert used["tokens"][category] <= shares[category] + flowed[category]
        assert used["tokens"][category] == sum(i.tokens for i in ctx.items if _category(i.kind) == category)
    assert sum(i.tokens for i in ctx.items) <= usable
    for item in ctx.items:
        assert item.tokens == estimate_tokens(item.text)
        assert f"\n{item.text}\n" in ctx.text  # whole lines, never cut
    # The kept ones are the newest: a suffix of the chronological list.
    kept_messages = [m for m in messages if m in used["messages"]]
    assert kept_messages == messages[len(messages) - len(kept_messages) :]
    assert 0 < len(kept_messages) < len(messages)
    kept_tasks = [t for t in tasks if t in used["tasks"]]
    assert kept_tasks == tasks[len(tasks) - len(kept_tasks) :]
    assert used["dropped"]["messages"] >= len(messages) - len(kept_messages)
    # Output reads chronologically within each section.
    chat = [i.data["created_at"] for i in ctx.items if i.kind == "message"]
    assert chat == sorted(chat)
    board = [i.data["updated_at"] for i in ctx.items if i.kind == "task"]
    assert board == sorted(board)


def _category(kind: str) -> str:
    return {"message": "messages", "task": "tasks"}.get(kind, "files")


def test_unused_share_flows_to_categories_that_need_it(world: World) -> None:
    tasks = _board(world, 300)
    ctx = build(world, "team", budget=12_000)
    shares, flowed = ctx.used["budget"]["shares"], ctx.used["budget"]["flowed"]
    assert ctx.used["tokens"]["messages"] < shares["messages"]
    assert flowed["tasks"] > 0
    assert ctx.used["tokens"]["tasks"] > shares["tasks"]
    assert ctx.tokens <= ctx.used["budget"]["total"]
    kept = [t for t in tasks if t in ctx.used["tasks"]]
    assert kept == tasks[len(tasks) - len(kept) :]


def test_blocked_and_overdue_tasks_get_a_band_before_the_newest(world: World) -> None:
    old = utcnow() - timedelta(days=60)
    with session_scope() as s:
        blocked = Task(
            project_id=world.projects["p1"], title="Waiting on permit", status="blocked", updated_at=old
        )
        late = Task(
            project_id=world.projects["p1"], title="Late delivery", due_date=old.date(), updated_at=old
        )
        s.add_all([blocked, late])
        s.flush()
        ids = [int(blocked.id or 0), int(late.id or 0)]
    _board(world, 400)
    ctx = build(world, "team", budget=6_000)
    assert set(ids) <= set(ctx.used["tasks"])
    late_item = next(i for i in ctx.items if i.kind == "task" and i.id == ids[1])
    assert late_item.data["overdue"] is True
    assert "(overdue)" in late_item.text


def test_tiny_budgets_give_an_empty_context_never_an_overflow(world: World) -> None:
    for budget in (0, 10, 100, 150, 400):
        ctx = build(world, "team", budget=budget)
        assert ctx.tokens <= int(budget * 0.9)
        assert (ctx.text == "") == (ctx.items == [])


def test_items_carry_refs_and_structured_data(world: World) -> None:
    ctx = build(world, "team")
    assert ctx.refs == {i.ref for i in ctx.items if i.kind in ("task", "message", "file", "event")}
    task = next(i for i in ctx.items if i.kind == "task" and i.id == world.tasks["p1_client"])
    assert task.ref == f"T-{task.id}"
    assert task.text.startswith(f"[T-{task.id}] task | status: todo")
    assert {
        "title",
        "status",
        "due_date",
        "overdue",
        "assignee",
        "priority",
        "updated_at",
        "internal",
    } <= set(task.data)
    assert task.data["assignee"] == "Client"
    message = next(i for i in ctx.items if i.kind == "message")
    assert {"author", "created_at", "body", "mentions_me"} <= set(message.data)
    file = next(i for i in ctx.items if i.kind == "file")
    assert file.ref == f"F-{file.id}"
    assert (file.data["name"], file.data["content_type"], file.data["size_bytes"]) == (
        "plan.pdf",
        "application/pdf",
        2048,
    )
    assert "size: 2.0 KB" in file.text
    for key in ("tasks", "messages", "files", "events"):
        assert ctx.used[key] == ids(ctx, key.rstrip("s"))


def test_bad_split_or_safety_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="split"):
        build(world, "team", split=(0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="safety"):
        build(world, "team", safety=1.0)


def test_estimate_tokens() -> None:
    assert [estimate_tokens(t) for t in ("", "a", "abcd", "abcde")] == [0, 1, 1, 2]


# --- queries -----------------------------------------------------------------------------


def _grow(world: World, count: int) -> None:
    """`count` tasks, messages, status events, mentions and files more in P1."""
    p1, team, client = world.projects["p1"], world.users["team"], world.users["client"]
    with session_scope() as s:
        tasks = [
            Task(project_id=p1, title=f"T{i}", assignee_id=team, status="blocked" if i % 3 else "todo")
            for i in range(count)
        ]
        messages = [
            Message(project_id=p1, author_id=client, body=f"M{i}", internal=i % 5 == 0) for i in range(count)
        ]
        s.add_all([*tasks, *messages])
        s.flush()
        s.add_all(
            [
                *(
                    TaskEvent(
                        task_id=int(t.id or 0),
                        project_id=p1,
                        actor_id=team,
                        from_status="todo",
                        to_status=t.status,
                    )
                    for t in tasks
                ),
                *(MessageMention(message_id=int(m.id or 0), user_id=team) for m in messages[::2]),
                *(stored_file(world, "p1", "team", f"f{i}.pdf") for i in range(count)),
            ]
        )


@pytest.mark.parametrize(("role", "project"), [("team", "p1"), ("client", "p1"), ("admin", None)])
def test_query_count_does_not_grow_with_the_project(world: World, role: str, project: str | None) -> None:
    counts = []
    for size in (10, 500):
        _grow(world, size)
        with session_scope() as s, recorded_queries() as statements:
            ctx = build_context(
                s,
                world.actors[role],
                project_id=world.projects[project] if project else None,
                question="?",
                budget_tokens=24_000,
            )
        counts.append(len(statements))
        assert ctx.items
    assert counts[0] == counts[1] == 9  # whatever the size: nine bounded reads (one of exact counts)
