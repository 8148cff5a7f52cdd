"""Digests over the REST API (F-20, F-33): paginated lists per reader, another
workspace's admin gets 404, non-admins are refused the rollup, digests and
client updates on demand, the approval's idempotency, milestone and meeting
summaries, Risks & Blockers, and the workspace's time zone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rehome.core.digests import jobs as digest_jobs
from rehome.core.infra.db import session_scope
from rehome.core.models import Notification, ProjectSummary
from tests.digest_world import DigestWorld, build_digest_world


@pytest.fixture
def dw(any_db: str, sent_jobs) -> DigestWorld:
    return build_digest_world()


def _get(client, dw: DigestWorld, role: str, path: str) -> object:
    return client.get(path, headers=dw.world.auth(role))


def test_project_summaries_are_paginated_per_reader(dw: DigestWorld, client) -> None:
    digest_jobs.project_digest(dw.p1)
    url = f"/api/projects/{dw.p1}/summaries"
    team = _get(client, dw, "team", url).json()
    assert [s["audience"] for s in team["items"]] == ["client", "staff"]
    assert _get(client, dw, "client", url).json()["items"][0]["audience"] == "client"
    assert len(_get(client, dw, "client", url).json()["items"]) == 1
    first = _get(client, dw, "team", f"{url}?limit=1").json()
    second = _get(client, dw, "team", f"{url}?limit=1&cursor={first['next_cursor']}").json()
    assert [first["items"][0]["audience"], second["items"][0]["audience"]] == ["client", "staff"]
    assert second["next_cursor"] is None
    staff = second["items"][0]
    assert staff["verdict"] == "off track"
    assert staff["cached"] is False
    assert staff["links"][staff["refs"][0]].startswith(f"/projects/{dw.p1}?")
    assert _get(client, dw, "team", f"{url}?type=weekly").json()["items"] == []
    assert _get(client, dw, "team", f"{url}?type=hourly").status_code == 422
    assert _get(client, dw, "outsider", url).status_code == 404
    assert _get(client, dw, "admin_b", url).status_code == 404
    staff_id = staff["id"]
    assert _get(client, dw, "client", f"/api/summaries/{staff_id}").status_code == 404
    assert _get(client, dw, "team", f"/api/summaries/{staff_id}").json()["id"] == staff_id


def test_admins_ask_for_a_digest_now_and_only_they_hear_of_it(dw: DigestWorld, client) -> None:
    auth = dw.world.auth
    assert client.post(f"/api/projects/{dw.p1}/digest", headers=auth("team")).status_code == 403
    assert client.post(f"/api/projects/{dw.p1}/digest", headers=auth("admin_b")).status_code == 404
    answer = client.post(f"/api/projects/{dw.p1}/digest", headers=auth("admin"))
    assert answer.status_code == 202
    assert answer.json() == {"project_id": dw.p1, "kind": "daily", "status": "queued"}
    with session_scope() as s:
        rows = s.execute(select(ProjectSummary).where(ProjectSummary.project_id == dw.p1)).scalars().all()
        bells = s.execute(select(Notification.user_id).where(Notification.kind == "digest")).scalars().all()
    assert {(r.audience, r.created_by) for r in rows} == {
        ("staff", dw.world.users["admin"]),
        ("client", dw.world.users["admin"]),
    }
    assert bells == [dw.world.users["admin"]]  # asked for: only the asker's bell


def test_the_rollup_is_refused_to_non_admins_and_hidden_from_other_workspaces(
    dw: DigestWorld, client
) -> None:
    workspace = dw.world.actors["admin"].workspace_id
    url = f"/api/workspaces/{workspace}/summaries"
    assert client.post(url, headers=dw.world.auth("team")).status_code == 403
    assert client.post(url, headers=dw.world.auth("admin_b")).status_code == 404
    assert client.post(url, headers=dw.world.auth("admin")).status_code == 202
    (rollup,) = _get(client, dw, "admin", url).json()["items"]
    assert rollup["type"] == "weekly"
    assert rollup["audience"] == "admin"
    for role in ("team", "client"):
        refused = _get(client, dw, role, url)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "forbidden"
    assert _get(client, dw, "admin_b", url).status_code == 404
    assert _get(client, dw, "admin_b", f"/api/summaries/{rollup['id']}").status_code == 404
    assert _get(client, dw, "team", f"/api/summaries/{rollup['id']}").status_code == 403


def test_client_update_drafted_edited_and_approved_once(dw: DigestWorld, client) -> None:
    auth = dw.world.auth
    assert client.post(f"/api/projects/{dw.p1}/client-update", headers=auth("client")).status_code == 403
    assert client.post(f"/api/projects/{dw.p1}/client-update", headers=auth("team")).status_code == 202
    with session_scope() as s:
        draft_id = s.execute(
            select(ProjectSummary.id).where(ProjectSummary.type == "client_update")
        ).scalar_one()
    assert _get(client, dw, "client", f"/api/summaries/{draft_id}").status_code == 404
    edit = client.patch(
        f"/api/summaries/{draft_id}", json={"content": "Hello!  We are on track."}, headers=auth("team")
    )
    assert edit.status_code == 200
    assert edit.json()["content"] == "Hello!  We are on track."
    assert (
        client.patch(f"/api/summaries/{draft_id}", json={"content": ""}, headers=auth("team")).status_code
        == 422
    )
    key = {"Idempotency-Key": "approve-1", **auth("team")}
    first = client.post(f"/api/summaries/{draft_id}/approve", json={}, headers=key)
    replay = client.post(f"/api/summaries/{draft_id}/approve", json={}, headers=key)
    assert first.status_code == replay.status_code == 200
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert first.json()["status"] == "approved"
    again = client.post(f"/api/summaries/{draft_id}/approve", json={}, headers=auth("admin"))
    assert again.status_code == 409
    assert (
        _get(client, dw, "client", f"/api/summaries/{draft_id}").json()["content"]
        == "Hello!  We are on track."
    )


def test_milestone_and_meeting_summaries_on_demand(dw: DigestWorld, client) -> None:
    url = f"/api/projects/{dw.p1}/summaries"
    tasks = [dw.tasks["done"], dw.tasks["late"], dw.tasks["blocked"]]
    milestone = {"kind": "milestone", "title": "Kitchen strip-out", "task_ids": tasks}
    assert client.post(url, json=milestone, headers=dw.world.auth("team")).status_code == 202
    hidden = {**milestone, "task_ids": [dw.tasks["late_internal"]]}
    assert client.post(url, json=hidden, headers=dw.world.auth("client")).status_code == 404
    bad = client.post(url, json={"kind": "milestone", "title": "x"}, headers=dw.world.auth("team"))
    assert bad.status_code == 422
    first, last = dw.world.messages["p1"], dw.messages["question"]
    meeting = {"kind": "meeting", "title": "Site meeting", "from_message_id": first, "to_message_id": last}
    assert client.post(url, json=meeting, headers=dw.world.auth("client")).status_code == 202
    items = _get(client, dw, "team", f"{url}?type=milestone").json()["items"]
    (row,) = items
    assert row["title"].startswith("Milestone summary: Kitchen strip-out")
    assert "**Kitchen strip-out**: 3 tasks, 1 done, 2 open (1 overdue, 1 blocked)." in row["content"]
    assert set(row["refs"]) == {f"T-{t}" for t in tasks}
    (talk,) = _get(client, dw, "client", f"{url}?type=meeting").json()["items"]
    assert talk["audience"] == "client"
    assert "CANARY" not in talk["content"]  # the client's meeting summary skips internal messages
    assert "We decided to go with oak floors." in talk["content"]
    assert f"[M-{dw.messages['question']}]" in talk["content"]


def test_risks_and_the_workspace_time_zone(dw: DigestWorld, client) -> None:
    workspace = dw.world.actors["admin"].workspace_id
    risks = _get(client, dw, "team", f"/api/projects/{dw.p1}/risks").json()
    assert risks["blocked_count"] == 2
    assert _get(client, dw, "client", f"/api/projects/{dw.p1}/risks").status_code == 404
    assert _get(client, dw, "admin", f"/api/workspaces/{workspace}/risks").json()["overdue_count"] == 3
    assert _get(client, dw, "team", f"/api/workspaces/{workspace}/risks").status_code == 403
    assert _get(client, dw, "admin_b", f"/api/workspaces/{workspace}/risks").status_code == 404
    url, auth = f"/api/workspaces/{workspace}", dw.world.auth
    assert client.patch(url, json={"timezone": "Mars/Olympus"}, headers=auth("admin")).status_code == 422
    assert client.patch(url, json={"timezone": "Europe/Berlin"}, headers=auth("team")).status_code == 403
    assert client.patch(url, json={"timezone": "Europe/Berlin"}, headers=auth("admin_b")).status_code == 404
    changed = client.patch(url, json={"timezone": "Europe/Berlin"}, headers=auth("admin"))
    assert changed.json() == {"id": workspace, "name": "Alpha Build", "timezone": "Europe/Berlin"}
