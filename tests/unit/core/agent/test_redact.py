"""Stored answers as their reader may see them now, and who may keep watching
an answer while it streams (issue 8, item 3)."""

from __future__ import annotations

import pytest

from rehome.core.access import project_scope, visibility_level
from rehome.core.agent import threads
from rehome.core.agent.redact import HIDDEN, cited_refs, redact, visible_refs
from rehome.core.agent.watch import may_watch
from rehome.core.infra import jobs
from rehome.core.infra.db import session_scope
from rehome.core.projects import members
from rehome.core.vocab import Role
from tests.world import World, build_world


@pytest.fixture
def world(any_db: str) -> World:
    jobs.set_dispatcher(lambda name, kwargs: None)
    yield build_world()
    jobs.set_dispatcher(None)


def test_lines_citing_hidden_items_become_one_note_and_their_links_go() -> None:
    content = "On track [T-1].\nMargin [T-2] is thin.\nAlso [M-3].\nDone."
    refs, links = ["T-1", "T-2", "M-3"], {"T-1": "/a", "T-2": "/b", "M-3": "/c"}
    text, kept, kept_links = redact(content, refs, links, {"T-1"})
    assert text == f"On track [T-1].\n{HIDDEN}\nDone."
    assert (kept, list(kept_links)) == (["T-1"], ["T-1"])
    assert redact(content, refs, links, {"T-1", "T-2", "M-3"}) == (content, refs, links)


def test_citations_are_read_from_the_text_too() -> None:
    assert cited_refs("See [F-7] and [T-12].", ["M-1"]) == {"F-7", "T-12", "M-1"}


def test_what_a_client_may_see_is_decided_by_the_access_layer(world: World) -> None:
    refs = {f"T-{world.tasks['p1']}", f"T-{world.tasks['p1_internal']}", f"M-{world.messages['p1_internal']}"}
    with session_scope() as s:
        client = project_scope(s, world.actors["client"], world.projects["p1"])
        team = project_scope(s, world.actors["team"], world.projects["p1"])
        assert visible_refs(s, client, refs) == {f"T-{world.tasks['p1']}"}
        assert visible_refs(s, team, refs) == refs


def test_roles_rank_by_what_they_see() -> None:
    ranks = [visibility_level(r) for r in (Role.CLIENT, Role.CONSULTANT, Role.TEAM, Role.ADMIN)]
    assert ranks == sorted(ranks)
    assert visibility_level(Role.TEAM) == visibility_level(Role.ADMIN)


def test_a_demoted_viewer_may_no_longer_watch_an_answer_written_for_the_team(world: World) -> None:
    with session_scope() as s:
        thread = threads.create_thread(s, world.actors["team"], world.projects["p1"], threads.ThreadIn())
        run = threads.ask(s, world.actors["team"], thread.id, threads.QuestionIn(content="Go")).run
    with session_scope() as s:
        assert may_watch(s, world.actors["team"], run.id)
        assert not may_watch(s, world.actors["client"], run.id)  # not their thread
        members.set_member(
            s,
            world.actors["admin"],
            world.projects["p1"],
            world.users["team"],
            members.MemberSet(role="client"),
        )
    with session_scope() as s:
        assert not may_watch(s, world.actors["team"], run.id)
        assert not may_watch(s, None, run.id)
