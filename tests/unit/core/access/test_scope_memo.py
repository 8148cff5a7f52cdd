"""A project's access row is read once per transaction, and read again after any write."""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from sqlmodel import col, select

from rehome.core import access
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Forbidden, NotFound
from rehome.core.models import ProjectMembership
from rehome.core.vocab import Role
from tests.support import recorded_queries
from tests.world import build_world


@pytest.fixture
def world(db: str):
    return build_world()


def _membership(s, world, role: str) -> ProjectMembership:
    query = select(ProjectMembership).where(
        ProjectMembership.project_id == world.projects["p1"],
        ProjectMembership.user_id == world.actors[role].user_id,
    )
    return s.exec(query).one()


def test_a_second_check_in_one_transaction_reads_nothing(world) -> None:
    team, p1 = world.actors["team"], world.projects["p1"]
    with session_scope() as s:
        access.project_scope(s, team, p1)
        with recorded_queries() as queries:
            again = access.project_scope(s, team, p1, access.Action.EDIT_TASK)
    assert again.role is Role.TEAM
    assert queries == []


def test_the_action_is_checked_on_every_call(world) -> None:
    client, p1 = world.actors["client"], world.projects["p1"]
    with session_scope() as s:
        access.project_scope(s, client, p1)
        with pytest.raises(Forbidden):
            access.project_scope(s, client, p1, access.Action.DELETE_TASK)


def test_a_bulk_removal_in_the_same_transaction_is_seen(world) -> None:
    team, p1 = world.actors["team"], world.projects["p1"]
    with session_scope() as s:
        access.project_scope(s, team, p1)
        s.exec(delete(ProjectMembership).where(col(ProjectMembership.user_id) == team.user_id))
        with pytest.raises(NotFound):
            access.project_scope(s, team, p1)
        s.rollback()


def test_an_unflushed_role_change_is_seen(world) -> None:
    team, p1 = world.actors["team"], world.projects["p1"]
    with session_scope() as s:
        access.project_scope(s, team, p1)
        _membership(s, world, "team").role = Role.CLIENT
        assert access.project_scope(s, team, p1).role is Role.CLIENT
        s.rollback()


def test_another_transaction_reads_again(world) -> None:
    team, p1 = world.actors["team"], world.projects["p1"]
    with session_scope() as s:
        access.project_scope(s, team, p1)
    with session_scope() as s:
        s.delete(_membership(s, world, "team"))
    with session_scope() as s, pytest.raises(NotFound):
        access.project_scope(s, team, p1)
