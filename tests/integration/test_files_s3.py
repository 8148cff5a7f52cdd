"""Files on a private S3 bucket (moto's S3 server behind a gate that enforces
presigned signatures and expiry, tests/fakes/s3_gate.py): the acceptance of issue 10."""

from __future__ import annotations

import re

import httpx
import pytest

from rehome.core.infra.db import session_scope
from rehome.core.models import ActivityLog, Notification
from tests import file_samples as samples
from tests.fakes.clamd_server import FakeClamd
from tests.fakes.s3_gate import S3Gate
from tests.files_helpers import rows, upload
from tests.world import World, build_world

KEY = re.compile(r"^w\d+/p\d+/[0-9a-f]{32}$")


@pytest.fixture
def world(any_db: str, s3: S3Gate, sent_jobs: list) -> World:
    return build_world()


def test_upload_lands_in_the_bucket_under_a_safe_key(client, world: World, s3: S3Gate) -> None:
    data = samples.photo(gps=False)
    response = upload(client, world, "client", "p1", "../../Kitchen before.jpg", data)
    assert response.status_code == 422  # a path is refused outright...
    response = upload(client, world, "client", "p1", "Kitchen before.jpg", data)
    assert response.status_code == 201, response.text
    (row,) = rows()
    assert KEY.match(row.storage_key)
    assert s3.stored_keys() == {row.storage_key, row.storage_key + "-thumb", row.storage_key + "-preview"}
    head = s3.client().head_object(Bucket=s3.bucket, Key=row.storage_key)
    assert head["ContentType"] == "image/jpeg"
    assert head["ContentLength"] == len(data)


def test_presigned_download_returns_the_same_bytes_before_expiry_and_fails_after(
    client, world: World, s3: S3Gate
) -> None:
    data = samples.pdf(pages=2)
    file_id = upload(client, world, "team", "p1", "Permit 2026.pdf", data).json()["id"]
    link = client.get(f"/api/files/{file_id}/url", headers=world.auth("consultant")).json()
    assert link["url"].startswith(s3.endpoint + "/")
    assert "X-Amz-Signature=" in link["url"]
    before = httpx.get(link["url"])
    assert before.status_code == 200
    assert before.content == data
    assert before.headers["content-disposition"].startswith('attachment; filename="Permit 2026.pdf"')
    assert before.headers["content-type"] == "application/pdf"
    assert httpx.get(f"{s3.endpoint}/{s3.bucket}/{rows()[0].storage_key}").status_code == 403  # private
    s3.skew = 301  # FILE_URL_TTL is 300 s
    after = httpx.get(link["url"])
    assert after.status_code == 403
    assert "expired" in after.text


def test_another_workspace_gets_404_on_list_url_and_delete(client, world: World, s3: S3Gate) -> None:
    file_id = upload(client, world, "team", "p1", "plan.pdf", samples.pdf()).json()["id"]
    stranger = world.auth("admin_b")
    listing = client.get(f"/api/projects/{world.projects['p1']}/files", headers=stranger)
    url = client.get(f"/api/files/{file_id}/url", headers=stranger)
    delete = client.delete(f"/api/files/{file_id}", headers=stranger)
    for response in (listing, url, delete):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert "plan" not in listing.text + url.text + delete.text
    assert rows()[0].deleted_at is None
    assert rows()[0].storage_key in s3.stored_keys()


def test_quarantine_blocks_download(client, world: World, s3: S3Gate, clamd: FakeClamd) -> None:
    bad = upload(client, world, "client", "p1", "invoice.txt", samples.eicar())
    good = upload(client, world, "client", "p1", "notes.txt", b"all fine\n")
    assert bad.status_code == good.status_code == 201
    assert [verdict for _, verdict in clamd.scans] == ["stream: Eicar-Test-Signature FOUND", "stream: OK"]
    bad_id, good_id = bad.json()["id"], good.json()["id"]
    for role in ("client", "team"):  # listed to admins only, downloadable by nobody
        assert client.get(f"/api/files/{bad_id}/url", headers=world.auth(role)).status_code == 404
        listed = client.get(f"/api/projects/{world.projects['p1']}/files", headers=world.auth(role)).json()
        assert [f["id"] for f in listed["items"]] == [good_id]
    admin = client.get(f"/api/files/{bad_id}", headers=world.auth("admin")).json()
    assert admin["scan_status"] == "quarantined"
    assert admin["downloadable"] is False
    refused = client.get(f"/api/files/{bad_id}/url", headers=world.auth("admin"))
    assert refused.status_code == 409
    assert "quarantined" in refused.json()["error"]["message"]
    assert client.get(f"/api/files/{good_id}/url", headers=world.auth("client")).status_code == 200
    with session_scope() as session:
        logged = session.exec(ActivityLog.__table__.select()).all()  # type: ignore[attr-defined]
        told = session.exec(Notification.__table__.select()).all()  # type: ignore[attr-defined]
    assert [(e.action, e.target_id) for e in logged] == [("file.quarantined", bad_id)]
    assert {n.user_id for n in told} == {world.users["client"], world.users["admin"]}


def test_checking_files_cannot_be_downloaded(client, world: World, s3: S3Gate, clamd: FakeClamd) -> None:
    from rehome.core.infra import jobs

    queued: list[tuple[str, dict]] = []
    jobs.set_dispatcher(lambda name, kwargs: queued.append((name, kwargs)))
    file_id = upload(client, world, "team", "p1", "a.jpg", samples.photo()).json()["id"]
    assert client.get(f"/api/files/{file_id}", headers=world.auth("team")).json()["scan_status"] == "pending"
    waiting = client.get(f"/api/files/{file_id}/url", headers=world.auth("team"))
    assert waiting.status_code == 409
    assert "being checked" in waiting.json()["error"]["message"]
    assert queued == [("files.scan", {"file_id": file_id})]
    jobs.run_job(*queued[0])
    assert client.get(f"/api/files/{file_id}/url", headers=world.auth("team")).status_code == 200


def test_delete_removes_the_object_and_the_previews(client, world: World, s3: S3Gate) -> None:
    keep = upload(client, world, "team", "p1", "keep.jpg", samples.photo()).json()["id"]
    gone = upload(client, world, "client", "p1", "gone.jpg", samples.photo(color="blue")).json()["id"]
    assert len(s3.stored_keys()) == 6
    assert client.delete(f"/api/files/{gone}", headers=world.auth("client")).status_code == 204
    (kept,) = [r for r in rows() if r.id == keep]
    assert s3.stored_keys() == {kept.storage_key, kept.thumb_key, kept.preview_key}
