"""Admin dashboard listings and actions (F-12): scope, filters, sorting, paging, cost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from rehome.core import projects
from rehome.core.access import Actor
from rehome.core.activity import log as audit
from rehome.core.activity.feed import activity_actions, count_activity, describe_activity
from rehome.core.infra.clock import today, utcnow
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Conflict, Forbidden, Invalid, NotFound
from rehome.core.infra.listing import Listing
from rehome.core.models import Project, ProjectMembership, Task, User
from rehome.core.projects.admin_list import list_projects_admin
from rehome.core.projects.members import addable_users, list_members_admin
from rehome.core.projects.service import restore_project
from rehome.core.tasks import delete_task
from rehome.core.tasks.admin_list import list_tasks_admin
from rehome.core.workspace.overview import overview, project_options, user_options
from rehome.core.workspace.user_list import list_users_admin
from rehome.core.workspace.users import list_users
from tests.support import recorded_queries
from tests.world import World, build_world

NON_ADMINS = ("team", "consultant", "client", "outsider")


@pytest.fixture
def world(any_db: str) -> World:
    return build_world()


def _call(actor: Actor, fn: Any, *args: Any, **kwargs: Any) -> Any:
    with session_scope() as s:
        return fn(s, actor, *args, **kwargs)


def _admin(world: World, fn: Any, *args: Any, **kwargs: Any) -> Any:
    return _call(world.actors["admin"], fn, *args, **kwargs)


def _names(listing: Listing[Any]) -> list[str]:
    return [getattr(item, "name", None) or item.title for item in listing.items]


# ---- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", NON_ADMINS)
def test_non_admins_are_forbidden_everywhere(world: World, role: str) -> None:
    actor, p1 = world.actors[role], world.projects["p1"]
    calls = [
        (list_projects_admin, ()),
        (list_users_admin, ()),
        (list_tasks_admin, ()),
        (list_members_admin, (p1,)),
        (addable_users, (p1,)),
        (restore_project, (p1,)),
        (overview, ()),
        (project_options, ()),
        (user_options, ()),
        (activity_actions, ()),
        (count_activity, ()),
    ]
    for fn, args in calls:
        with pytest.raises(Forbidden):
            _call(actor, fn, *args)


def test_admin_of_another_workspace_sees_nothing_of_workspace_a(world: World) -> None:
    admin_b = world.actors["admin_b"]
    assert _names(_call(admin_b, list_projects_admin, status="all")) == ["Q1 Loft"]
    users = _call(admin_b, list_users_admin)
    assert {u.email for u in users.items} == {"admin_b@example.com", "client_b@example.com"}
    tasks = _call(admin_b, list_tasks_admin, include_archived=True)
    assert [t.title for t in tasks.items] == ["Loft task CANARY-WS"]
    foreign = _call(admin_b, list_tasks_admin, project_id=world.projects["p1"])
    assert (foreign.total, foreign.items) == (0, [])
    assert _call(admin_b, list_users_admin, q="client@example").total == 0
    for fn, args in [
        (list_members_admin, (world.projects["p1"],)),
        (addable_users, (world.projects["p1"],)),
        (restore_project, (world.projects["p1"],)),
        (delete_task, (world.tasks["p1"],)),
    ]:
        with pytest.raises(NotFound):
            _call(admin_b, fn, *args)
    assert [o.label for o in _call(admin_b, project_options)] == ["Q1 Loft"]
    counts = _call(admin_b, overview)
    assert (counts.active_projects, counts.open_tasks, counts.active_users) == (1, 1, 0)
    # and the other way round: workspace A's admin never gets B's rows
    everything = _admin(world, list_tasks_admin, q="CANARY", include_archived=True)
    assert "Loft task CANARY-WS" not in [t.title for t in everything.items]


# ---- projects ---------------------------------------------------------------------------------


def test_projects_carry_member_and_task_counts(world: World) -> None:
    with session_scope() as s:
        s.add(Task(project_id=world.projects["p1"], title="Late", due_date=today() - timedelta(days=2)))
        s.add(
            Task(
                project_id=world.projects["p1"],
                title="Late but done",
                status="done",
                due_date=today() - timedelta(days=2),
            )
        )
    listing = _admin(world, list_projects_admin)
    rows = {r.name: r for r in listing.items}
    assert listing.total == 2
    assert (rows["P1 Kitchen"].member_count, rows["P1 Kitchen"].open_tasks) == (3, 4)
    assert rows["P1 Kitchen"].overdue_tasks == 1
    assert (
        rows["P2 Garage"].member_count,
        rows["P2 Garage"].open_tasks,
        rows["P2 Garage"].overdue_tasks,
    ) == (1, 1, 0)


def test_project_status_filter_sort_and_search(world: World) -> None:
    _admin(world, projects.archive_project, world.projects["p2"])
    assert _names(_admin(world, list_projects_admin)) == ["P1 Kitchen"]
    assert _names(_admin(world, list_projects_admin, status="archived")) == ["P2 Garage"]
    archived = _admin(world, list_projects_admin, status="archived").items[0]
    assert archived.archived
    every = _admin(world, list_projects_admin, status="all", sort="name", descending=True)
    assert _names(every) == ["P2 Garage", "P1 Kitchen"]
    by_open = _admin(world, list_projects_admin, status="all", sort="open_tasks")
    assert _names(by_open) == ["P2 Garage", "P1 Kitchen"]
    assert _names(_admin(world, list_projects_admin, status="all", q="garAGE")) == ["P2 Garage"]


def test_search_text_is_taken_literally(world: World) -> None:
    with session_scope() as s:
        s.add(Project(workspace_id=world.actors["admin"].workspace_id, name="100% bath_room"))
    assert _names(_admin(world, list_projects_admin, q="%")) == ["100% bath_room"]
    assert _names(_admin(world, list_projects_admin, q="_")) == ["100% bath_room"]
    assert _admin(world, list_projects_admin, q="1_0").total == 0
    assert _admin(world, list_projects_admin, q="\\").total == 0
    long = _admin(world, list_projects_admin, q="kitchen" + "x" * 500)
    assert long.total == 0  # capped to 100 characters, not refused


def test_rest_user_search_takes_text_literally(world: World) -> None:
    """`GET /api/users?q=` (users.list_users): `%` and `_` are characters, not wildcards."""
    assert [u.name for u in _admin(world, list_users, q="Team").items] == ["Team"]
    assert _admin(world, list_users, q="%").items == []
    assert _admin(world, list_users, q="T_am").items == []


def test_restore_project_is_logged_and_needs_an_archived_project(world: World) -> None:
    p2 = world.projects["p2"]
    with pytest.raises(Conflict):
        _admin(world, restore_project, p2)
    _admin(world, projects.archive_project, p2)
    restored = _admin(world, restore_project, p2)
    assert not restored.archived
    assert p2 in {p.id for p in _call(world.actors["team"], projects.list_projects)}
    actions = [a.action for a in _admin(world, audit.list_activity, project_id=p2).items]
    assert actions[:2] == ["project.restored", "project.archived"]


# ---- users ------------------------------------------------------------------------------------


def test_users_filters_sort_and_project_counts(world: World) -> None:
    workspace = world.actors["admin"].workspace_id
    with session_scope() as s:
        s.add(User(workspace_id=workspace, email="newbie@example.com", name="Newbie"))
        gone = s.get(User, world.users["outsider"])
        assert gone is not None
        gone.disabled_at = utcnow()
        gone.password_hash = "x"
        s.add(gone)
    everyone = _admin(world, list_users_admin)
    assert [u.name for u in everyone.items] == ["Admin", "Client", "Consultant", "Newbie", "Outsider", "Team"]
    counts = {u.name: u.project_count for u in everyone.items}
    assert (counts["Team"], counts["Client"], counts["Outsider"]) == (2, 1, 0)
    status = {u.name: u.status for u in everyone.items}
    assert (status["Newbie"], status["Outsider"]) == ("invited", "disabled")
    assert [u.name for u in _admin(world, list_users_admin, status="invited").items] == [
        "Admin",
        "Client",
        "Consultant",
        "Newbie",
        "Team",
    ]  # build_world users have no password
    assert [u.name for u in _admin(world, list_users_admin, status="disabled").items] == ["Outsider"]
    assert [u.name for u in _admin(world, list_users_admin, role="admin").items] == ["Admin"]
    assert _admin(world, list_users_admin, role="member").total == 5
    by_email = _admin(world, list_users_admin, sort="email", descending=True)
    assert by_email.items[0].email == "team@example.com"
    assert [u.name for u in _admin(world, list_users_admin, q="CONSULT").items] == ["Consultant"]


def test_users_status_active_means_a_password_is_set(any_db: str) -> None:
    world = build_world(with_passwords=True)
    active = _admin(world, list_users_admin, status="active")
    assert active.total == 5
    assert _admin(world, list_users_admin, status="invited").total == 0


# ---- tasks ------------------------------------------------------------------------------------


def test_tasks_workspace_wide_with_internal_items_and_names(world: World) -> None:
    listing = _admin(world, list_tasks_admin, sort="title")
    titles = [t.title for t in listing.items]
    assert titles == ["Client's task", "Garage task CANARY-P2", "Internal task CANARY-INT", "Public task"]
    row = next(t for t in listing.items if t.title == "Client's task")
    assert (row.project_name, row.assignee_name) == ("P1 Kitchen", "Client")
    assert next(t for t in listing.items if t.title.startswith("Internal")).internal


def test_task_filters(world: World) -> None:
    with session_scope() as s:
        late = Task(
            project_id=world.projects["p2"],
            title="Late one",
            due_date=today() - timedelta(days=1),
            assignee_id=world.users["team"],
            priority="urgent",
        )
        s.add(late)
        s.add(
            Task(
                project_id=world.projects["p2"],
                title="Done one",
                status="done",
                due_date=today() - timedelta(days=1),
            )
        )

    def titles(**kw: Any) -> list[str]:
        return sorted(t.title for t in _admin(world, list_tasks_admin, **kw).items)

    assert titles(project_id=world.projects["p2"]) == ["Done one", "Garage task CANARY-P2", "Late one"]
    assert titles(status="done") == ["Done one"]
    assert "Done one" not in titles(status="open")
    assert titles(assignee_id=world.users["team"]) == ["Late one"]
    assert titles(overdue=True) == ["Late one"]
    assert titles(q="canary") == ["Garage task CANARY-P2", "Internal task CANARY-INT"]
    _admin(world, projects.archive_project, world.projects["p2"])
    assert titles(project_id=world.projects["p2"]) == []
    assert len(titles(project_id=world.projects["p2"], include_archived=True)) == 3


def test_task_sorting(world: World) -> None:
    with session_scope() as s:
        for i, priority in enumerate(("low", "urgent", "high")):
            s.add(
                Task(
                    project_id=world.projects["p2"],
                    title=f"T{i}",
                    priority=priority,
                    due_date=today() + timedelta(days=3 - i),
                )
            )
    p2 = world.projects["p2"]

    def order(**kw: Any) -> list[str]:
        return [t.title for t in _admin(world, list_tasks_admin, project_id=p2, **kw).items]

    assert order(sort="due") == ["T2", "T1", "T0", "Garage task CANARY-P2"]  # no due date last
    assert order(sort="due", descending=True) == ["T0", "T1", "T2", "Garage task CANARY-P2"]
    assert order(sort="priority", descending=True) == ["T1", "T2", "Garage task CANARY-P2", "T0"]
    assert order(sort="title") == ["Garage task CANARY-P2", "T0", "T1", "T2"]


def test_admin_task_delete_is_logged(world: World) -> None:
    _admin(world, delete_task, world.tasks["p2"])
    with session_scope() as s:
        assert s.get(Task, world.tasks["p2"]) is None
    entry = _admin(world, audit.list_activity, action="task.deleted").items[0]
    assert (entry.project_id, entry.target_id, entry.meta["title"]) == (
        world.projects["p2"],
        world.tasks["p2"],
        "Garage task CANARY-P2",
    )
    rows = _admin(world, describe_activity, [entry])
    assert rows[0].project_name == "P2 Garage"
    assert rows[0].target == f"task #{world.tasks['p2']} “Garage task CANARY-P2”"


# ---- paging and validation ---------------------------------------------------------------------


def test_pagination_and_clamping(world: World) -> None:
    first = _admin(world, list_users_admin, per_page=2)
    second = _admin(world, list_users_admin, per_page=2, page=2)
    third = _admin(world, list_users_admin, per_page=2, page=3)
    assert (first.total, first.pages, len(first.items), len(third.items)) == (5, 3, 2, 1)
    names = [u.name for page in (first, second, third) for u in page.items]
    assert names == ["Admin", "Client", "Consultant", "Outsider", "Team"]
    past_end = _admin(world, list_users_admin, per_page=2, page=40)
    assert (past_end.page, [u.name for u in past_end.items]) == (3, ["Team"])
    assert _admin(world, list_users_admin, per_page=0).per_page == 1
    assert _admin(world, list_users_admin, per_page=10_000).per_page == 100


@pytest.mark.parametrize(
    ("fn", "kwargs", "field"),
    [
        (list_projects_admin, {"sort": "budget"}, "sort"),
        (list_projects_admin, {"status": "deleted"}, "status"),
        (list_projects_admin, {"page": 0}, "page"),
        (list_projects_admin, {"page": "two"}, "page"),
        (list_users_admin, {"role": "owner"}, "role"),
        (list_users_admin, {"status": "gone"}, "status"),
        (list_users_admin, {"sort": "password_hash"}, "sort"),
        (list_tasks_admin, {"sort": "position"}, "sort"),
        (list_tasks_admin, {"status": "archived"}, "status"),
        (list_tasks_admin, {"project_id": -3}, "project_id"),
        (list_tasks_admin, {"assignee_id": "me"}, "assignee_id"),
        (list_tasks_admin, {"per_page": "lots"}, "per_page"),
        (list_tasks_admin, {"q": 5}, "q"),
    ],
)
def test_bad_sort_and_filter_values_are_invalid(world: World, fn: Any, kwargs: dict, field: str) -> None:
    with pytest.raises(Invalid) as raised:
        _admin(world, fn, **kwargs)
    assert field in raised.value.fields


def test_query_count_does_not_grow_with_rows(world: World) -> None:
    def grow(n: int) -> None:
        with session_scope() as s:
            workspace = world.actors["admin"].workspace_id
            for i in range(n):
                project = Project(workspace_id=workspace, name=f"Bulk {i}")
                user = User(workspace_id=workspace, email=f"bulk{i}-{n}@example.com", name=f"Bulk {i}")
                s.add_all([project, user])
                s.flush()
                s.add(
                    ProjectMembership(project_id=int(project.id or 0), user_id=int(user.id or 0), role="team")
                )
                s.add(Task(project_id=int(project.id or 0), title=f"Bulk {i}", assignee_id=user.id))

    def run() -> list[int]:
        counts = []
        for fn, kw in [
            (list_projects_admin, {"sort": "open_tasks"}),
            (list_users_admin, {}),
            (list_tasks_admin, {"sort": "priority"}),
        ]:
            with session_scope() as s, recorded_queries() as statements:
                listing = fn(s, world.actors["admin"], per_page=100, **kw)
            assert listing.items
            counts.append(len(statements))
        with session_scope() as s, recorded_queries() as statements:
            overview(s, world.actors["admin"])
        counts.append(len(statements))
        return counts

    grow(2)
    few = run()
    grow(60)
    many = run()
    assert few == many == [2, 2, 2, 4]


# ---- members ----------------------------------------------------------------------------------


def test_members_and_addable_users(world: World) -> None:
    p1 = world.projects["p1"]
    members = _admin(world, list_members_admin, p1)
    assert [(m.name, m.role) for m in members] == [
        ("Client", "client"),
        ("Consultant", "consultant"),
        ("Team", "team"),
    ]
    workspace = world.actors["admin"].workspace_id
    with session_scope() as s:
        s.add(User(workspace_id=workspace, email="invitee@example.com", name="Invitee"))
        s.add(User(workspace_id=workspace, email="off@example.com", name="Off", disabled_at=utcnow()))
    addable = _admin(world, addable_users, p1)
    assert [u.name for u in addable] == ["Invitee", "Outsider"]  # no admins, no disabled, no workspace B
    _admin(world, projects.archive_project, p1)
    assert len(_admin(world, list_members_admin, p1)) == 3  # still readable when archived


def test_activity_helpers(world: World) -> None:
    _admin(world, projects.archive_project, world.projects["p1"])
    _admin(world, projects.archive_project, world.projects["p2"])
    _call(world.actors["admin_b"], projects.archive_project, world.projects["q1"])
    assert _admin(world, count_activity) == 2
    assert _admin(world, count_activity, project_id=world.projects["p1"]) == 1
    assert _admin(world, count_activity, action="member.set") == 0
    assert _admin(world, activity_actions) == ["project.archived"]  # not workspace B's
