"""Upload abuse (F-36): each attempt is refused with a clear message and leaves
nothing behind, neither in the bucket nor in the database."""

from __future__ import annotations

import importlib

import pytest

from tests import file_samples as samples
from tests.fakes.s3_gate import S3Gate
from tests.files_helpers import rows, upload
from tests.support import apply_env
from tests.world import World, build_world


@pytest.fixture
def world(any_db: str, s3: S3Gate, sent_jobs: list) -> World:
    return build_world()


CASES = [
    # (case, role, project, name, data, form, status, words in the message)
    ("windows exe named .png", "client", "p1", "cat.png", samples.windows_exe(), {}, 415, "Windows program"),
    ("html page named .png", "client", "p1", "cat.png", samples.html_page(), {}, 415, "web page"),
    (
        "svg with script",
        "team",
        "p1",
        "plan.svg",
        samples.svg_with_script(),
        {},
        415,
        "SVG drawing with scripts",
    ),
    ("macro document", "team", "p1", "costs.xlsm", samples.xlsm(), {}, 415, "macros"),
    ("parent path", "client", "p1", "../../etc/passwd.jpg", samples.photo(), {}, 422, "path"),
    ("absolute path", "client", "p1", "/etc/cron.d/x.jpg", samples.photo(), {}, 422, "path"),
    ("another project's id", "client", "p2", "a.jpg", samples.photo(), {}, 404, "not found"),
    ("another workspace's project", "admin_b", "p1", "a.jpg", samples.photo(), {}, 404, "not found"),
    (
        "client marking internal",
        "client",
        "p1",
        "a.jpg",
        samples.photo(),
        {"internal": True},
        403,
        "internal",
    ),
    (
        "a task of another project",
        "team",
        "p1",
        "a.jpg",
        samples.photo(),
        {"task_id": "p2"},
        404,
        "not found",
    ),
    ("empty file", "team", "p1", "a.txt", b"", {}, 422, "empty"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_refused_upload_stores_nothing(client, world: World, s3: S3Gate, case: tuple) -> None:
    _name, role, project, filename, data, form, status, words = case
    if form.get("task_id") == "p2":
        form = {"task_id": world.tasks["p2"]}
    response = upload(client, world, role, project, filename, data, **form)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert words.lower() in error["message"].lower()
    assert error["request_id"]
    assert rows() == []
    assert s3.stored_keys() == set()


def test_a_windows_path_arrives_as_its_last_part(client, world: World, s3: S3Gate) -> None:
    """The multipart parser keeps only the last part of `C:\\...` names (an old browser habit)."""
    response = upload(client, world, "client", "p1", "C:\\Windows\\System32\\x.jpg", samples.photo())
    assert response.status_code == 201
    assert response.json()["name"] == "x.jpg"
    assert "Windows" not in rows()[0].storage_key


def test_oversize_is_refused_before_it_is_read(client, world: World, s3: S3Gate) -> None:
    apply_env(UPLOAD_MAX_MB="1")
    response = upload(client, world, "team", "p1", "huge.jpg", b"\xff\xd8" + b"x" * (1024 * 1024 + 100_000))
    assert response.status_code == 413
    assert response.json()["error"]["message"] == "Files can be at most 1 MB."
    assert rows() == []
    assert s3.stored_keys() == set()


def test_quota_exceeded_is_refused(client, world: World, s3: S3Gate) -> None:
    apply_env(STORAGE_QUOTA_MB="1")
    first = upload(client, world, "team", "p1", "a.txt", b"a" * 700_000)
    assert first.status_code == 201
    stored = s3.stored_keys()
    second = upload(client, world, "team", "p2", "b.txt", b"b" * 400_000)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "quota_exceeded"
    assert "does not fit" in second.json()["error"]["message"]
    assert [r.name for r in rows()] == ["a.txt"]
    assert s3.stored_keys() == stored
    other_workspace = upload(client, world, "admin_b", "q1", "c.txt", b"c" * 400_000)
    assert other_workspace.status_code == 201  # the quota is per workspace


def test_a_failed_write_removes_the_object_it_stored(client, world: World, s3: S3Gate, monkeypatch) -> None:
    upload_module = importlib.import_module("rehome.core.files.upload")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(upload_module.events, "emit", broken)  # fails after the object is put
    response = upload(client, world, "team", "p1", "a.jpg", samples.photo())
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal"
    assert rows() == []
    assert s3.stored_keys() == set()
