"""Files through the REST API on the embedded store (a local directory), on
SQLite and PostgreSQL: upload, list, signed links, previews, rename, delete."""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image
from PIL.ExifTags import IFD

from rehome.core.files import signing
from tests import file_samples as samples
from tests.files_helpers import local_objects, rows, upload
from tests.world import World, build_world

KEY = re.compile(r"^w\d+/p\d+/[0-9a-f]{32}$")


@pytest.fixture
def world(any_db: str, sent_jobs: list) -> World:
    return build_world()


def test_upload_stores_a_clean_photo_under_a_random_key_and_makes_previews(client, world: World) -> None:
    response = upload(client, world, "client", "p1", "IMG_2041 kitchen.jpg", samples.photo(orientation=6))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "image"
    assert body["content_type"] == "image/jpeg"
    assert body["scan_status"] == "skipped"  # no CLAMD_URL
    assert body["downloadable"] is True
    assert body["name"] == "IMG_2041 kitchen.jpg"
    (row,) = rows()
    assert KEY.match(row.storage_key)
    assert "kitchen" not in row.storage_key
    assert row.thumb_key == row.storage_key + "-thumb"  # the preview job ran after commit
    assert (row.width, row.height) == (48, 64)  # upright: orientation 6 turns it a quarter
    assert local_objects() == {row.storage_key, row.thumb_key, row.preview_key}

    link = client.get(f"/api/files/{row.id}/url", headers=world.auth("client")).json()
    download = client.get(link["url"])
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith('attachment; filename="IMG_2041 kitchen.jpg"')
    assert "sandbox" in download.headers["content-security-policy"]
    stored = Image.open(io.BytesIO(download.content))
    assert stored.getexif().get_ifd(IFD.GPSInfo) == {}  # the location never reached the store
    assert stored.getexif()[0x0112] == 6  # the orientation did

    thumb_url = client.get(f"/api/files/{row.id}", headers=world.auth("team")).json()["thumb_url"]
    thumb = client.get(thumb_url)
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).size == (48, 64)


def test_keep_location_keeps_the_gps(client, world: World) -> None:
    data = samples.photo()
    response = upload(client, world, "team", "p1", "site.jpg", data, keep_location=True)
    assert response.status_code == 201
    assert response.json()["keep_location"] is True
    link = client.get(f"/api/files/{response.json()['id']}/url", headers=world.auth("team")).json()
    assert client.get(link["url"]).content == data


def test_pdf_gets_a_first_page_preview_and_documents_an_icon(client, world: World) -> None:
    pdf = upload(client, world, "team", "p1", "permit.pdf", samples.pdf()).json()
    doc = upload(client, world, "team", "p1", "quote.docx", samples.docx()).json()
    assert pdf["kind"] == "pdf"
    assert doc["kind"] == "document"
    listed = {
        f["name"]: f
        for f in client.get(f"/api/projects/{world.projects['p1']}/files", headers=world.auth("team")).json()[
            "items"
        ]
    }
    assert listed["permit.pdf"]["has_preview"] is True
    assert listed["permit.pdf"]["thumb_url"].startswith("http://testserver/api/blobs/")
    assert listed["quote.docx"]["has_preview"] is False
    assert listed["quote.docx"]["thumb_url"] is None


def test_signed_links_expire_and_cannot_be_altered(client, world: World, monkeypatch) -> None:
    file_id = upload(client, world, "team", "p1", "a.txt", b"measurements: 3.2 m\n").json()["id"]
    url = client.get(f"/api/files/{file_id}/url", headers=world.auth("team")).json()["url"]
    assert client.get(url).content == b"measurements: 3.2 m\n"
    _body, _, mac = url.rsplit("/", 1)[1].partition(".")
    tampered = url.replace(mac, mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB"))
    assert client.get(tampered).status_code == 404
    later = time.time() + 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    expired = client.get(url)
    assert expired.status_code == 403
    assert expired.json()["error"]["code"] == "link_expired"


def test_list_filters_sorts_and_pages(client, world: World) -> None:
    for name, data in [("b.jpg", samples.photo()), ("a.txt", b"note\n"), ("c.csv", b"x,y\n1,2\n")]:
        assert upload(client, world, "team", "p1", name, data).status_code == 201
    assert upload(client, world, "client", "p1", "mine.jpg", samples.photo(gps=False)).status_code == 201
    base = f"/api/projects/{world.projects['p1']}/files"

    def names(**query: object) -> list[str]:
        return [f["name"] for f in client.get(base, params=query, headers=world.auth("team")).json()["items"]]

    assert names() == ["mine.jpg", "c.csv", "a.txt", "b.jpg"]
    assert names(sort="name") == ["a.txt", "b.jpg", "c.csv", "mine.jpg"]
    assert names(kind="image", sort="oldest") == ["b.jpg", "mine.jpg"]
    assert names(kind="spreadsheet") == ["c.csv"]
    assert names(uploader_id=world.users["client"]) == ["mine.jpg"]
    assert names(q="MIN") == ["mine.jpg"]
    first = client.get(base, params={"sort": "name", "limit": 2}, headers=world.auth("team")).json()
    second = client.get(
        base, params={"sort": "name", "limit": 2, "cursor": first["next_cursor"]}, headers=world.auth("team")
    ).json()
    assert [f["name"] for f in first["items"] + second["items"]] == names(sort="name")
    assert second["next_cursor"] is None
    wrong = client.get(
        base, params={"sort": "size", "cursor": first["next_cursor"]}, headers=world.auth("team")
    )
    assert wrong.status_code == 422


def test_rename_internal_and_delete_rules(client, world: World) -> None:
    own = upload(client, world, "client", "p1", "mine.txt", b"hello\n").json()["id"]
    theirs = upload(client, world, "team", "p1", "team.txt", b"hello\n").json()["id"]
    auth = world.auth
    assert (
        client.patch(f"/api/files/{own}", json={"name": "renamed.txt"}, headers=auth("client")).json()["name"]
        == "renamed.txt"
    )
    assert (
        client.patch(f"/api/files/{theirs}", json={"name": "x.txt"}, headers=auth("client")).status_code
        == 403
    )
    assert (
        client.patch(f"/api/files/{own}", json={"internal": True}, headers=auth("client")).status_code == 403
    )
    assert (
        client.patch(
            f"/api/files/{own}", json={"name": "../../etc/passwd"}, headers=auth("client")
        ).status_code
        == 422
    )
    assert (
        client.patch(f"/api/files/{theirs}", json={"internal": True}, headers=auth("team")).json()["internal"]
        is True
    )
    assert client.get(f"/api/files/{theirs}", headers=auth("client")).status_code == 404  # internal now
    assert client.delete(f"/api/files/{theirs}", headers=auth("consultant")).status_code == 403
    before = local_objects()
    assert client.delete(f"/api/files/{own}", headers=auth("team")).status_code == 204  # team moderates
    (gone,) = [r for r in rows() if r.id == own]
    assert gone.deleted_at is not None
    assert gone.storage_key not in local_objects()
    assert gone.storage_key in before
    assert client.get(f"/api/files/{own}", headers=auth("client")).status_code == 404


def test_files_on_tasks(client, world: World) -> None:
    file_id = upload(client, world, "team", "p1", "tile.jpg", samples.photo()).json()["id"]
    task = world.tasks["p1_client"]
    attached = client.post(f"/api/tasks/{task}/files/{file_id}", headers=world.auth("team"))
    assert attached.status_code == 200
    assert attached.json()["task_id"] == task
    listed = client.get(f"/api/tasks/{task}/files", headers=world.auth("client")).json()
    assert [f["id"] for f in listed] == [file_id]
    other = client.post(f"/api/tasks/{world.tasks['p1']}/files/{file_id}", headers=world.auth("client"))
    assert other.status_code == 403  # clients change only their own tasks
    on_internal = upload(
        client, world, "team", "p1", "plan.pdf", samples.pdf(), task_id=world.tasks["p1_internal"]
    )
    assert on_internal.json()["internal"] is True  # a file on an internal task is internal
    assert (
        client.delete(f"/api/tasks/{task}/files/{file_id}", headers=world.auth("client")).status_code == 204
    )
    assert client.get(f"/api/tasks/{task}/files", headers=world.auth("client")).json() == []


def test_idempotent_upload_creates_one_file(client, world: World) -> None:
    headers = {**world.auth("team"), "Idempotency-Key": "upload-1"}
    path = f"/api/projects/{world.projects['p1']}/files"
    first = client.post(path, files={"file": ("a.jpg", samples.photo())}, headers=headers)
    again = client.post(path, files={"file": ("a.jpg", samples.photo())}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.json()["id"] == again.json()["id"]
    assert len(rows()) == 1
    assert len(local_objects()) == 3  # the original and its two previews, once


def test_browser_upload_needs_the_session_cookie_and_the_header(client, world: World) -> None:
    from rehome.core.auth.sessions import create_session
    from rehome.core.infra.db import session_scope
    from rehome.core.models import User

    with session_scope() as session:
        token = create_session(session, session.get(User, world.users["client"]), "test")
    path = f"/api/projects/{world.projects['p1']}/files"
    form = {"file": ("a.txt", b"hi\n")}
    client.cookies.set("rehome_session", token)
    assert client.post(path, files=form).status_code == 401  # no X-Requested-With: could be a cross-site form
    evil = client.post(
        path, files=form, headers={"X-Requested-With": "rehome", "Origin": "https://evil.example"}
    )
    assert evil.status_code == 401
    ok = client.post(path, files=form, headers={"X-Requested-With": "rehome", "Origin": "http://testserver"})
    assert ok.status_code == 201, ok.text
    client.cookies.clear()


def test_files_go_with_a_chat_message(client, world: World) -> None:
    pid = world.projects["p1"]
    photo = upload(client, world, "client", "p1", "leak.jpg", samples.photo()).json()["id"]
    someone_elses = upload(client, world, "team", "p1", "plan.pdf", samples.pdf()).json()["id"]
    path = f"/api/projects/{pid}/messages"
    refused = client.post(
        path, json={"body": "Look", "file_ids": [someone_elses]}, headers=world.auth("client")
    )
    assert refused.status_code == 422
    assert "file_ids" in refused.json()["error"]["fields"]
    sent = client.post(
        path, json={"body": "Leak under the sink", "file_ids": [photo]}, headers=world.auth("client")
    )
    assert sent.status_code == 201
    assert [f["id"] for f in sent.json()["files"]] == [photo]
    again = client.post(path, json={"body": "Again", "file_ids": [photo]}, headers=world.auth("client"))
    assert again.status_code == 422  # a file goes with one message
    internal = client.post(
        path,
        json={"body": "Margins", "internal": True, "file_ids": [someone_elses]},
        headers=world.auth("team"),
    )
    assert internal.json()["files"][0]["internal"] is True  # an internal message's files are internal
    for role, expected in (("team", {photo, someone_elses}), ("client", {photo})):
        listed = client.get(path, headers=world.auth(role)).json()["items"]
        attached = {f["id"] for m in listed for f in m["files"]}
        assert attached == expected
        assert all(f["message_id"] for m in listed for f in m["files"])
