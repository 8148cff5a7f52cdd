"""Delivering digests (F-33, F-10, F-35): one mail per person who chose digests
(HTML and text, never twice), a bell notification, AgentSummaryReady live to
exactly the viewers allowed to see each version; the client update mailed
only after a person approved it, once, to the project's clients only; the
rollup and Risks & Blockers for those allowed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rehome.core.access import project_scope
from rehome.core.chat.messages import list_messages
from rehome.core.digests import client_update, risks, store
from rehome.core.digests import jobs as digest_jobs
from rehome.core.infra import bus
from rehome.core.infra.bus import BusEvent
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Conflict, Forbidden, NotFound
from rehome.core.models import Notification, NotificationSetting, OutboundMail, ProjectSummary, User
from rehome.core.realtime.delivery import Viewer, changes_for
from rehome.core.tasks.board import BoardFilters
from rehome.core.workspace.overview import overview
from tests.digest_world import COST_CANARY, DigestWorld, build_digest_world

CLIENT_CANARIES = ("CANARY", "9,876.54", "12.00", "budget", "Spend")


@pytest.fixture
def dw(any_db: str, sent_jobs) -> DigestWorld:
    return build_digest_world()


def _mails(kind: str) -> list[OutboundMail]:
    with session_scope() as s:
        rows = s.execute(select(OutboundMail).where(OutboundMail.kind == kind).order_by(OutboundMail.id))
        return list(rows.scalars())


def _mail_body(sent_jobs: list, mail: OutboundMail) -> dict:
    return next(k for n, k in sent_jobs if n == "mail.send" and k["mail_id"] == mail.id)


def test_one_mail_per_person_who_chose_digests(dw: DigestWorld, sent_jobs) -> None:
    users = dw.world.users
    with session_scope() as s:
        s.get(User, users["consultant"]).mail_pref = "mentions"  # no digests
        s.add(NotificationSetting(user_id=users["team"], project_id=dw.p1, level="mute"))
    _staff, client = digest_jobs.project_digest(dw.p1)
    digest_jobs.project_digest(dw.p1)  # redelivered: nobody gets a second mail
    mails = _mails("digest")
    assert sorted(m.to_email for m in mails) == ["admin@example.com", "client@example.com"]
    by_person = {m.to_email: m for m in mails}
    assert by_person["client@example.com"].key == f"summary:{client.summary_id}:{users['client']}"
    body = _mail_body(sent_jobs, by_person["client@example.com"])
    for canary in CLIENT_CANARIES:
        assert canary not in body["text"]
        assert canary not in body["html"]
    assert body["subject"].startswith("P1 Kitchen — Off track: 1 urgent task overdue")
    assert f'href="http://testserver/projects/{dw.p1}?task={dw.tasks["late_urgent"]}"' in body["html"]
    assert "Unsubscribe: http://testserver/mail/unsubscribe?token=" in body["text"]
    assert body["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with session_scope() as s:
        bells = s.execute(select(Notification.user_id).where(Notification.kind == "digest")).scalars().all()
    assert sorted(bells) == sorted([users["admin"], users["consultant"], users["client"]])  # team muted P1


def test_the_ready_event_reaches_only_viewers_allowed_to_see_the_version(dw: DigestWorld) -> None:
    staff, client = digest_jobs.project_digest(dw.p1)
    batch = [
        BusEvent(bus.project_channel(dw.p1), f"{i}-0", "AgentSummaryReady", {"summary_id": w.summary_id})
        for i, w in enumerate((staff, client), start=1)
    ]
    seen = {}
    for role in ("team", "consultant", "client"):
        with session_scope() as s:
            scope = project_scope(s, dw.world.actors[role], dw.p1)
            changes = changes_for(s, Viewer(scope.actor, scope, 0.0), batch, BoardFilters())
        seen[role] = changes.summaries
    assert seen["team"] == seen["consultant"] == sorted([staff.summary_id, client.summary_id])
    assert seen["client"] == [client.summary_id]


def test_the_client_update_waits_for_approval_then_goes_out_once(dw: DigestWorld, sent_jobs) -> None:
    actors, users = dw.world.actors, dw.world.users
    draft = digest_jobs.client_update_draft(dw.p1)
    assert draft is not None
    with session_scope() as s:
        assert [x.type for x in store.project_summaries(s, actors["client"], dw.p1).items] == []  # invisible
        with pytest.raises(NotFound):
            store.get_summary(s, actors["client"], draft.summary_id)
        text = store.get_summary(s, actors["team"], draft.summary_id).content
        for canary in CLIENT_CANARIES:
            assert canary not in text
        with pytest.raises(NotFound):  # clients and consultants cannot approve
            client_update.approve_update(s, actors["client"], draft.summary_id, client_update.UpdateApprove())
    with session_scope() as s, pytest.raises(NotFound):
        client_update.approve_update(s, actors["consultant"], draft.summary_id, client_update.UpdateApprove())
    assert _mails("client_update") == []  # never before approval
    with session_scope() as s:
        bells = s.execute(select(Notification.user_id).where(Notification.kind == "client_update"))
        assert sorted(bells.scalars()) == sorted([users["admin"], users["team"]])  # the approvers
    edited = "Hello! This week we removed the old cabinets [T-{}]. Please choose your tiles.".format(
        dw.tasks["done"]
    )
    with session_scope() as s:
        client_update.edit_update(
            s, actors["team"], draft.summary_id, client_update.UpdateEdit(content=edited)
        )
    with session_scope() as s:
        client_update.approve_update(s, actors["team"], draft.summary_id, client_update.UpdateApprove())
    with session_scope() as s, pytest.raises(Conflict):  # a second click, another tab, a retry
        client_update.approve_update(s, actors["admin"], draft.summary_id, client_update.UpdateApprove())
    with session_scope() as s, pytest.raises(Conflict):
        client_update.edit_update(s, actors["team"], draft.summary_id, client_update.UpdateEdit(content="x"))
    (mail,) = _mails("client_update")
    assert mail.to_email == "client@example.com"  # the project's clients only (not client_b of Q1)
    assert "removed the old cabinets" in _mail_body(sent_jobs, mail)["text"]
    with session_scope() as s:
        row = s.get(ProjectSummary, draft.summary_id)
        assert (row.status, row.approved_by) == ("approved", users["team"])
        seen = store.project_summaries(s, actors["client"], dw.p1).items
        posted = list_messages(s, actors["client"], dw.p1).items[0]
    assert [x.status for x in seen] == ["approved"]
    assert posted.body == edited  # posted to the project's chat by the approver
    assert posted.author_id == users["team"]


def test_the_rollup_is_for_the_workspace_admins_only(dw: DigestWorld) -> None:
    written = digest_jobs.weekly_rollup(dw.world.actors["admin"].workspace_id)
    actors = dw.world.actors
    workspace_id = actors["admin"].workspace_id
    with session_scope() as s:
        (rollup,) = store.workspace_summaries(s, actors["admin"], workspace_id).items
        with pytest.raises(Forbidden):
            store.workspace_summaries(s, actors["team"], workspace_id)
        with pytest.raises(NotFound):
            store.workspace_summaries(s, actors["admin_b"], workspace_id)
        with pytest.raises(NotFound):
            store.get_summary(s, actors["admin_b"], written.summary_id)
    assert rollup.id == written.summary_id
    assert "**P1 Kitchen**: off track, 1 urgent task overdue." in rollup.content
    assert (
        "Spend 9,888.54 of 50,000.00 (20%)." in rollup.content
    )  # 987,654 + 1,200 cents of a 5,000,000 budget
    assert "**P2 Garage**: on track" in rollup.content
    assert "AI this week" in rollup.content
    assert "Loft" not in rollup.content  # another workspace's project
    assert COST_CANARY  # the canary is spend here: admins see costs


def test_risks_and_blockers_count_what_the_overview_counts(dw: DigestWorld) -> None:
    actors = dw.world.actors
    with session_scope() as s:
        mine = risks.workspace_risks(s, actors["admin"])
        headline = overview(s, actors["admin"])
        project = risks.project_risks(s, actors["team"], dw.p1)
        with pytest.raises(NotFound):
            risks.project_risks(s, actors["client"], dw.p1)
        with pytest.raises(Forbidden):
            risks.workspace_risks(s, actors["team"])
    assert (mine.overdue_count, mine.blocked_count) == (headline.overdue_tasks, headline.blocked_tasks)
    assert sum(a.count for a in mine.overdue_by_assignee) == headline.overdue_tasks
    assert [b.ref for b in project.blocked] == [
        f"T-{dw.tasks['blocked']}",
        f"T-{dw.tasks['blocked_internal']}",
    ]
    assert project.blocked[0].detail == "blocked for 3 days · owner Team"
    assert project.blocked[0].link == f"/projects/{dw.p1}?task={dw.tasks['blocked']}"
    assert [q.ref for q in project.questions] == [f"M-{dw.messages['question']}"]
    assert project.stalled_count == 1
    assert project.stalled[0].detail.startswith("no change for 12 days")
