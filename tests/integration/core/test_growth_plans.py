"""Issue 13: the growth paths read through an index, pinned by the plans the
databases choose (PostgreSQL `EXPLAIN`, SQLite `EXPLAIN QUERY PLAN`) for the
app's own statements on analysed tables. SQLite picks the index on its own
here; PostgreSQL, on tables this small, rightly prefers a scan and a sort, so
there scans and sorts are priced out: the plan left shows which index serves
the statement's filter and order (if none did, the sort would still appear)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, text
from sqlmodel import Session

from rehome.core.access import Actor
from rehome.core.agent.context import build_context
from rehome.core.auth.sessions import actor_for
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import get_engine, session_scope
from rehome.core.models import Message, Notification, Project, ProjectMembership, Task, User, Workspace
from rehome.core.notifications import unread_count
from rehome.core.search.service import search
from rehome.core.tasks.service import list_tasks
from tests.support import recorded_queries

ROWS = 4000
PROJECTS = 20


class Grown:
    def __init__(self) -> None:
        now = utcnow()
        with session_scope() as s:
            workspace = Workspace(name="Growth", slug="growth")
            s.add(workspace)
            s.flush()
            reader = User(workspace_id=int(workspace.id or 0), email="team@growth.test", name="Tom Team")
            projects = [Project(workspace_id=int(workspace.id or 0), name=f"P{i}") for i in range(PROJECTS)]
            s.add_all([reader, *projects])
            s.flush()
            self.projects = [int(p.id or 0) for p in projects]
            uid = int(reader.id or 0)
            s.add_all(ProjectMembership(project_id=p, user_id=uid, role="team") for p in self.projects)
            s.execute(insert(Task), [self._task(i, now) for i in range(ROWS)])
            s.execute(insert(Message), [self._message(i, uid, now) for i in range(ROWS)])
            s.execute(
                insert(Notification),
                [self._notification(i, uid, int(workspace.id or 0)) for i in range(ROWS)],
            )
            self.actor: Actor = actor_for(reader)
        with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))

    def _task(self, i: int, now: Any) -> dict[str, Any]:
        return {
            "project_id": self.projects[i % PROJECTS],
            "title": f"Task {i} tile the wall",
            "status": ("backlog", "todo", "in_progress", "blocked", "done")[i % 5],
            "position": float(i),
            "due_date": (now + timedelta(days=i % 90 - 30)).date(),
            "updated_at": now - timedelta(minutes=i * 7 % ROWS),
        }

    def _message(self, i: int, uid: int, now: Any) -> dict[str, Any]:
        body = f"Delivery {i} of the tiles" + (" zanzibar" if i == 17 else "")
        return {"project_id": self.projects[i % PROJECTS], "author_id": uid, "body": body, "created_at": now}

    def _notification(self, i: int, uid: int, wid: int) -> dict[str, Any]:
        return {"user_id": uid, "workspace_id": wid, "kind": "mention", "title": "t", "dedupe_key": f"k{i}"}


@pytest.fixture
def grown(any_db: str) -> Grown:
    return Grown()


def _plans(
    action: Callable[[Session], Any],
    wanted: Callable[[str], bool],
    off: tuple[str, ...] = ("seqscan", "sort"),
) -> list[str]:
    """The plan of each statement `action` sends that `wanted` picks."""
    with recorded_queries() as statements, session_scope() as s:
        action(s)
    engine = get_engine()
    explain = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    plans = []
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            for setting in off:
                conn.exec_driver_sql(f"SET enable_{setting} = off")
        for statement, parameters in statements:
            if wanted(statement):
                rows = conn.exec_driver_sql(explain + statement, parameters).fetchall()
                plans.append("\n".join(str(row[-1]) for row in rows))
    assert plans, "no statement picked"
    return plans


def test_a_task_page_reads_its_project_in_id_order(grown: Grown) -> None:
    [plan] = _plans(
        lambda s: list_tasks(s, grown.actor, grown.projects[3], limit=50),
        lambda sql: "FROM tasks" in sql and "ORDER BY tasks.id" in sql,
        off=("seqscan", "sort", "bitmapscan"),
    )
    if get_engine().dialect.name == "postgresql":
        # PostgreSQL may walk the primary key instead (the project's rows in id
        # order are the same order): either way a range scan, never a sort.
        assert "ix_tasks_project_id" in plan or "tasks_pkey" in plan, plan
    else:
        assert "ix_tasks_project_id" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    assert "Sort" not in plan, plan


def test_context_task_queries_take_the_newest_through_an_index(grown: Grown) -> None:
    plans = _plans(
        lambda s: build_context(
            s, grown.actor, project_id=grown.projects[0], question="?", budget_tokens=8000
        ),
        lambda sql: "FROM tasks" in sql and "tasks.updated_at DESC" in sql and "LIMIT" in sql,
    )
    assert len(plans) == 2  # the newest tasks, and the open blocked or overdue ones
    for plan in plans:
        assert "ix_tasks_project_updated" in plan, plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
        assert "Sort" not in plan, plan


def test_search_reads_the_full_text_index(grown: Grown) -> None:
    postgres = get_engine().dialect.name == "postgresql"
    [plan] = _plans(
        lambda s: search(s, grown.actor, "zanzibar"), lambda sql: "FROM messages" in sql, off=("seqscan",)
    )
    if postgres:
        assert "ix_messages_fts" in plan, plan
    else:
        assert "SCAN messages_fts VIRTUAL TABLE" in plan, plan
    assert [h.id for h in _search(grown, "zanzibar")] != []


def _search(grown: Grown, q: str) -> list[Any]:
    with session_scope() as s:
        return search(s, grown.actor, q).messages


def test_the_unread_count_is_a_bounded_index_range(grown: Grown) -> None:
    [plan] = _plans(lambda s: unread_count(s, grown.actor), lambda sql: "notifications" in sql)
    assert "ix_notifications_user_unread" in plan, plan
    with session_scope() as s:
        assert unread_count(s, grown.actor) == 100  # of 4,000: counted up to the cap


def _context(grown: Grown) -> Callable[[Session], Any]:
    return lambda s: build_context(
        s, grown.actor, project_id=grown.projects[0], question="?", budget_tokens=8000
    )


def test_context_counts_per_assignee_from_one_index(grown: Grown) -> None:
    [plan] = _plans(
        _context(grown), lambda sql: "GROUP BY tasks.assignee_id" in sql, off=("seqscan", "bitmapscan")
    )
    assert "ix_tasks_project_assignee" in plan, plan
    assert "ix_tasks_assignee_id" not in plan, plan  # SQLite's scan of every task, for the grouping order
    if get_engine().dialect.name == "sqlite":
        assert "COVERING INDEX ix_tasks_project_assignee" in plan, plan
    with session_scope() as s:
        [figures] = [i for i in _context(grown)(s).items if i.kind == "figures"]
    statuses = [grown._task(i, utcnow())["status"] for i in range(0, ROWS, PROJECTS)]  # project 0's
    assert figures.data["open"] == sum(status != "done" for status in statuses)
    assert figures.data["blocked"] == statuses.count("blocked")


def test_context_mentions_read_the_readers_newest_from_an_index(grown: Grown) -> None:
    [plan] = _plans(
        _context(grown),
        lambda sql: "FROM messages" in sql and "ORDER BY message_mentions.message_id DESC" in sql,
    )
    assert "ix_message_mentions_user_message" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert "Sort" not in plan, plan


def test_search_fetches_its_candidates_by_primary_key(grown: Grown) -> None:
    if get_engine().dialect.name != "postgresql":
        pytest.skip("SQLite reads the candidates from its FTS5 table (test_search_reads_the_full_text_index)")
    [plan] = _plans(
        lambda s: search(s, grown.actor, "the"), lambda sql: "FROM messages" in sql, off=("seqscan",)
    )
    # The newest ids once (an InitPlan), then their rows through the primary
    # key; with IN the ids were hashed and every message read to probe them.
    assert "InitPlan" in plan, plan
    assert "Index Scan using messages_pkey on messages" in plan, plan
    assert "= ANY" in plan, plan
    assert "Semi Join" not in plan, plan
    assert len(_search(grown, "the")) == 10
