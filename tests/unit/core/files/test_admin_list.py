"""The admin dashboard's files (F-12): the workspace's files with filters and
sorts, and storage usage against the quota, for admins of that workspace only."""

from __future__ import annotations

import pytest

from rehome.core.files.admin_list import list_files_admin, workspace_files
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Forbidden, Invalid
from tests.world import World, add_files, build_world, stored_file


@pytest.fixture
def world(any_db: str) -> World:
    world = add_files(build_world())
    with session_scope() as s:
        s.add(stored_file(world, "p2", "team", "eicar.txt", scan_status="quarantined"))
        s.add(stored_file(world, "p1", "team", "gone.pdf", deleted=True))
    return world


def _names(world: World, role: str = "admin", **filters: object) -> list[str]:
    with session_scope() as s:
        return [r.name for r in list_files_admin(s, world.actors[role], **filters).items]


def test_admins_see_their_workspace_only_with_internal_and_quarantined(world: World) -> None:
    assert sorted(_names(world)) == sorted(
        ["Plan.pdf", "Margins CANARY-INT.pdf", "Client photo.pdf", "Garage CANARY-P2.pdf", "eicar.txt"]
    )
    assert _names(world, "admin_b") == ["Loft CANARY-WS.pdf"]
    for role in ("team", "client"):
        with session_scope() as s, pytest.raises(Forbidden):
            list_files_admin(s, world.actors[role])


def test_filters_and_sorts(world: World) -> None:
    assert _names(world, scan="quarantined") == ["eicar.txt"]
    in_p2 = _names(world, project_id=world.projects["p2"], sort="name")
    assert in_p2 == ["eicar.txt", "Garage CANARY-P2.pdf"]
    assert _names(world, q="canary", sort="name") == ["Garage CANARY-P2.pdf", "Margins CANARY-INT.pdf"]
    assert _names(world, uploader_id=world.users["client"]) == ["Client photo.pdf"]
    assert _names(world, kind="image") == []
    assert _names(world, descending=True)[0] == "eicar.txt"  # newest first
    with session_scope() as s, pytest.raises(Invalid) as bad:
        list_files_admin(s, world.actors["admin"], kind="executable")
    assert "kind" in bad.value.fields


def test_usage_against_the_quota(world: World) -> None:
    with session_scope() as s:
        a = workspace_files(s, world.actors["admin"])
        b = workspace_files(s, world.actors["admin_b"])
    assert (a.usage.used_bytes, a.usage.files) == (5 * 2048, 5)  # the deleted file no longer counts
    assert a.usage.quota_bytes == 10_240 * 1024 * 1024
    assert a.usage.label == "10 KB of 10.0 GB (0%)"
    assert [(p.project_name, p.files) for p in a.by_project] == [("P1 Kitchen", 3), ("P2 Garage", 2)]
    assert (b.usage.used_bytes, [p.project_name for p in b.by_project]) == (2048, ["Q1 Loft"])
    with session_scope() as s, pytest.raises(Forbidden):
        workspace_files(s, world.actors["team"])
