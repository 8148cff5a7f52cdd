"""Global search: database matching, scoped by the access layer (F-07), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from rehome.core.chat import messages
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import get_engine, session_scope
from rehome.core.models import Message, Project, Task
from rehome.core.search.service import SNIPPET_CHARS, SearchResults, search
from tests.support import recorded_queries
from tests.world import World, add_files, build_world, stored_file


@pytest.fixture
def world(any_db: str) -> World:
    world = add_files(build_world())
    p1, p2 = world.projects["p1"], world.projects["p2"]
    with session_scope() as s:
        extra = {
            "plumbing": Task(
                project_id=p1,
                title="Plumbing",
                description="Replace the leaking faucet under the sink "
                + "filler " * 60
                + "grout at the end",
            ),
            "percent": Task(project_id=p1, title="Reach 100% done_ok"),
        }
        s.add_all(extra.values())
        s.add(Message(project_id=p2, author_id=world.users["team"], body="Order more drywall screws"))
        s.add(
            Message(
                project_id=p1,
                author_id=world.users["team"],
                body="Obsolete OBSOLETEWORD note",
                deleted_at=utcnow(),
            )
        )
        s.add(Project(workspace_id=world.actors["admin"].workspace_id, name="Attic", address="12 Elm Street"))
        s.flush()
        world.tasks.update({key: int(task.id or 0) for key, task in extra.items()})
    return world


def _search(world: World, role: str, q: str, limit: int = 10) -> SearchResults:
    with session_scope() as s:
        return search(s, world.actors[role], q, limit)


def _ids(hits: list[Any]) -> set[int]:
    return {h.id for h in hits}


def _everything(results: SearchResults) -> list[Any]:
    return [*results.projects, *results.tasks, *results.messages, *results.files, *results.users]


def test_finds_titles_bodies_and_prefixes(world: World) -> None:
    found = _search(world, "admin", "CANARY-P2")
    assert _ids(found.tasks) == {world.tasks["p2"]}
    assert _ids(found.messages) == {world.messages["p2"]}
    assert _ids(found.files) == {world.files["p2"]}
    assert _ids(_search(world, "admin", "faucet").tasks) == {world.tasks["plumbing"]}
    assert [m.snippet for m in _search(world, "admin", "drywall screws").messages] == [
        "Order more drywall screws"
    ]
    assert _ids(_search(world, "admin", "hello").messages) == {world.messages["p1"]}
    assert _ids(_search(world, "admin", "Kitch").projects) == {world.projects["p1"]}
    assert [p.title for p in _search(world, "admin", "elm street").projects] == ["Attic"]
    assert _search(world, "admin", "no-such-word-anywhere").model_dump(exclude={"query"}) == {
        "projects": [],
        "tasks": [],
        "messages": [],
        "files": [],
        "users": [],
    }


def test_hits_carry_links_and_short_plain_snippets(world: World) -> None:
    p1, p2 = world.projects["p1"], world.projects["p2"]
    project = _search(world, "admin", "kitchen").projects[0]
    assert (project.kind, project.link, project.project_id) == ("project", f"/projects/{p1}", p1)
    task = _search(world, "admin", "CANARY-P2").tasks[0]
    assert task.link == f"/projects/{p2}?task={world.tasks['p2']}"
    message = _search(world, "admin", "CANARY-P2").messages[0]
    assert message.link == f"/projects/{p2}?tab=chat&message={world.messages['p2']}"
    assert message.title == "Team in P2 Garage"
    user = _search(world, "admin", "consultant").users[0]
    assert user.link == f"/admin/users?user={world.users['consultant']}"
    assert user.project_id is None
    long = _search(world, "admin", "grout").tasks[0]
    assert len(long.snippet) <= SNIPPET_CHARS
    assert "grout" in long.snippet
    assert long.snippet.startswith("…")


def test_clients_never_get_internal_items_or_other_projects(world: World) -> None:
    client = _search(world, "client", "CANARY")
    assert _everything(client) == []
    tasks = _search(world, "client", "task").tasks
    assert _ids(tasks) == {world.tasks["p1"], world.tasks["p1_client"]}
    consultant = _search(world, "consultant", "CANARY")
    assert _ids(consultant.tasks) == {world.tasks["p1_internal"]}
    assert _ids(consultant.messages) == {world.messages["p1_internal"]}
    assert _ids(consultant.files) == {world.files["p1_internal"]}
    team = _search(world, "team", "CANARY")
    assert _ids(team.tasks) == {world.tasks["p1_internal"], world.tasks["p2"]}
    assert _ids(team.files) == {world.files["p1_internal"], world.files["p2"]}
    assert _everything(_search(world, "outsider", "CANARY")) == []


def test_only_admins_find_people_of_their_own_workspace(world: World) -> None:
    assert _search(world, "team", "client").users == []
    assert _search(world, "client", "example.com").users == []
    assert _ids(_search(world, "admin", "client").users) == {world.users["client"]}
    assert _ids(_search(world, "admin_b", "client").users) == {world.users["client_b"]}
    everyone_a = _ids(_search(world, "admin", "example.com", limit=50).users)
    assert world.users["admin_b"] not in everyone_a
    assert world.users["client_b"] not in everyone_a


def test_workspaces_never_see_each_other(world: World) -> None:
    b = _search(world, "admin_b", "CANARY")
    assert _ids(b.tasks) == {world.tasks["q1"]}
    assert _ids(b.files) == {world.files["q1"]}
    assert _ids(b.messages) == {world.messages["q1"]}
    assert _everything(_search(world, "admin_b", "kitchen")) == []
    a = _search(world, "admin", "CANARY")
    assert world.tasks["q1"] not in _ids(a.tasks)
    assert world.messages["q1"] not in _ids(a.messages)
    assert _everything(_search(world, "admin", "loft")) == []


def test_files_are_found_by_any_part_of_their_name(world: World) -> None:
    hits = _search(world, "client", "ient pho").files  # a substring, not a word
    assert [(h.id, h.title) for h in hits] == [(world.files["p1_client"], "Client photo.pdf")]
    assert hits[0].link == f"/projects/{world.projects['p1']}?tab=files&file={world.files['p1_client']}"
    assert hits[0].snippet == "P1 Kitchen · Client"


def test_deleted_and_quarantined_files(world: World) -> None:
    with session_scope() as s:
        s.add(stored_file(world, "p1", "team", "Virus quarantined.txt", scan_status="quarantined"))
        s.add(stored_file(world, "p1", "team", "Removed plan.pdf", deleted=True))
    assert _search(world, "team", "quarantined").files == []
    assert [h.title for h in _search(world, "admin", "quarantined").files] == ["Virus quarantined.txt"]
    assert _search(world, "admin", "Removed").files == []


def test_deleted_messages_are_not_found(world: World) -> None:
    assert _search(world, "admin", "OBSOLETEWORD").messages == []
    assert _ids(_search(world, "team", "hello").messages) == {world.messages["p1"]}
    with session_scope() as s:
        messages.delete_message(s, world.actors["team"], world.messages["p1"])
    assert _search(world, "team", "hello").messages == []


@pytest.mark.parametrize("q", ["", "   ", "\n\t"])
def test_blank_query_returns_nothing_without_querying(world: World, q: str) -> None:
    with recorded_queries() as statements:
        results = _search(world, "admin", q)
    assert _everything(results) == []
    assert statements == []


def test_query_is_stripped_and_capped(world: World) -> None:
    assert _search(world, "admin", "  kitchen  ").query == "kitchen"
    long = _search(world, "admin", "kitchen " + "x" * 500)
    assert len(long.query) == 200
    assert _everything(long) == []


@pytest.mark.parametrize(
    "q",
    [
        "'",
        '"',
        "''",
        "a & b | !",
        "İ",
        "日本語 🎉",
        "' OR 1=1 --",
        "!",
        "(",
        ":*",
        "a:*",
        "-",
        "or",
        "kitchen or",
        '"open',
    ],
)
def test_special_characters_neither_crash_nor_match_everything(world: World, q: str) -> None:
    results = _search(world, "admin", q, limit=50)
    assert len(results.projects) < 3
    assert len(results.tasks) < 7
    assert len(results.messages) < 5
    assert len(results.users) < 5


@pytest.mark.parametrize("q", ["%", "_", "%_%", "\\", "\\%"])
def test_like_wildcards_are_taken_literally(world: World, q: str) -> None:
    results = _search(world, "admin", q, limit=50)
    assert _ids(results.tasks) <= {world.tasks["percent"]}  # the only text holding % or _
    assert (results.projects, results.messages, results.users) == ([], [], [])


def test_percent_and_underscore_are_literal(world: World) -> None:
    assert _search(world, "admin", "100%").tasks[0].title == "Reach 100% done_ok"
    assert _search(world, "admin", "1_0").tasks == []


def test_newest_first_and_limit(world: World) -> None:
    p2 = world.projects["p2"]
    now = utcnow()
    with session_scope() as s:
        rows = [
            Task(project_id=p2, title=f"Sanding pass {i}", created_at=now - timedelta(days=i))
            for i in range(4)
        ]
        s.add_all(rows)
        s.flush()
        ids = [int(t.id or 0) for t in rows]
    assert [t.id for t in _search(world, "admin", "sanding", limit=2).tasks] == ids[:2]


@pytest.mark.parametrize("role", ["admin", "team"])
def test_query_count_does_not_grow_with_matches(world: World, role: str) -> None:
    def add(count: int) -> None:
        with session_scope() as s:
            for i in range(count):
                s.add(Task(project_id=world.projects["p2"], title=f"Bulkword task {i}", internal=i % 2 == 0))
                s.add(
                    Message(
                        project_id=world.projects["p2"], author_id=world.users["team"], body=f"bulkword {i}"
                    )
                )

    add(5)
    with recorded_queries() as few:
        small = _search(world, role, "bulkword")
    add(195)
    with recorded_queries() as many:
        large = _search(world, role, "bulkword")
    assert (len(small.tasks), len(large.tasks), len(large.messages)) == (5, 10, 10)
    assert len(few) == len(many) == (5 if role == "admin" else 4)


def test_postgres_search_uses_the_fts_indexes(world: World) -> None:
    """The migration's index expressions are exactly the ones the queries use.

    Tiny test tables make the planner prefer the project indexes, so each
    query's own full-text condition is explained alone, with seq scans off:
    the GIN expression index is then the only way, if the expressions agree.
    """
    if get_engine().dialect.name != "postgresql":
        pytest.skip("expression indexes exist on PostgreSQL only")
    with recorded_queries() as statements:
        _search(world, "admin", "kitchen remodel")
    tables = {"ix_projects_fts": "projects", "ix_tasks_fts": "tasks", "ix_messages_fts": "messages"}
    with get_engine().connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        for index, table in tables.items():
            statement, parameters = next(s for s in statements if f"\nFROM {table} " in s[0])
            where = statement.split(" ORDER BY ")[0].split("\nWHERE ", 1)[1]
            condition = where[where.index("(to_tsvector(") :]
            explain = f"EXPLAIN SELECT 1 FROM {table} WHERE {condition}"  # noqa: S608 (the app's own SQL)
            plan = "\n".join(row[0] for row in conn.exec_driver_sql(explain, parameters))
            assert index in plan, plan


def test_the_package_exports_what_the_admin_search_page_uses() -> None:
    """`ui/admin/state_overview` caps the query with `search.MAX_QUERY` from the package;
    the core move left it in `search.service` only, and the page's load failed."""
    from rehome.core import search as package

    assert package.MAX_QUERY == 200
    assert package.search is search
