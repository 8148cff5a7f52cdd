"""Backup -> restore round trip (issue 12, item 7), through the CLI as an
operator runs it: every row and every file back, compared by per-table row
counts and checksums and by each file's SHA-256; the wrong key restores
nothing; a target holding data is refused unless `--force`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from rehome.cli import main
from rehome.core.files.storage import get_storage
from rehome.core.infra.db import get_engine
from rehome.settings import get_settings
from tests import file_samples as samples
from tests.fakes.s3_gate import S3Gate
from tests.files_helpers import upload
from tests.support import PG_URL, apply_env
from tests.world import build_world

KEY = "correct horse battery staple 2026"


def fill(client: TestClient) -> None:
    """A world of two workspaces with tasks and messages, and files of several kinds and sizes."""
    world = build_world()
    uploads = [
        ("client", "Kitchen before.jpg", samples.photo(gps=False)),
        ("team", "Permit 2026.pdf", samples.pdf(pages=2)),
        ("team", "Survey.csv", b"".join(b"%d,wall,%d\n" % (i, i * 7) for i in range(250_000))),  # ~4 MB
    ]
    for role, name, data in uploads:
        assert upload(client, world, role, "p1", name, data).status_code == 201


def table_checksums() -> dict[str, tuple[int, str]]:
    """Per table: its row count and a hash of its rows in a fixed order."""
    engine = get_engine()
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        tables = sorted(str(row[0]) for row in conn.execute(text(sql)))
        found = {}
        for table in tables:
            query = text(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the catalogue)
            rows = sorted(repr(tuple(row)) for row in conn.execute(query))
            found[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return found


def stored_files() -> dict[str, str]:
    storage = get_storage()
    found = {}
    for key, _ in storage.listing():
        if not key.startswith("backups/"):
            with storage.open(key) as stream:
                found[key] = hashlib.sha256(stream.read()).hexdigest()
    return found


def backup_now(capsys: pytest.CaptureFixture) -> tuple[str, str]:
    assert main(["backup"]) == 0
    out = capsys.readouterr().out
    (key,) = [k for k, _ in get_storage().listing("backups/")]
    return key, out


@pytest.fixture
def fresh_pg() -> Iterator[str]:
    """An empty database (no schema at all) to restore into."""
    admin, name = PG_URL.rsplit("/", 1)[0] + "/postgres", PG_URL.rsplit("/", 1)[1] + "_restore"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    get_engine().dispose()
    apply_env(DATABASE_URL=PG_URL)  # pg_db's own clean-up runs next, on the test database
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_target(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Point the app at an empty database and an empty data directory."""
    url = request.getfixturevalue("fresh_pg") if kind == "postgresql" else f"sqlite:///{tmp_path}/new/r.db"
    apply_env(DATABASE_URL=url, DATA_DIR=str(tmp_path / "new"))


@pytest.mark.parametrize("db_kind", ["sqlite", "postgresql"])
def test_round_trip_brings_back_every_row_and_file(
    db_kind: str, client: TestClient, sent_jobs: list, tmp_path: Path, request: pytest.FixtureRequest, capsys
) -> None:
    request.getfixturevalue("pg_db" if db_kind == "postgresql" else "sqlite_db")
    apply_env(BACKUP_KEY=KEY)
    fill(client)
    rows_before, files_before = table_checksums(), stored_files()
    assert len(files_before) >= 5  # originals plus the photo's previews
    assert rows_before["tasks"][0] > 0
    assert rows_before["files"][0] == 3
    key, said = backup_now(capsys)
    assert f"files: {len(files_before)} " in said
    assert re.search(rf"^ +tasks +{rows_before['tasks'][0]}$", said, re.M)  # rows per table
    assert "1 kept, 0 deleted" in said
    archive = get_settings().data_dir / "files" / key
    assert b"Kitchen" not in archive.read_bytes()  # sealed, not just packed

    empty_target(db_kind, tmp_path, request)
    apply_env(BACKUP_KEY="not the key")
    assert main(["restore", str(archive)]) == 2
    assert "different BACKUP_KEY" in capsys.readouterr().err
    assert stored_files() == {}  # the wrong key touched nothing

    apply_env(BACKUP_KEY=KEY)
    assert main(["restore", str(archive)]) == 0
    said = capsys.readouterr().out
    assert f"files: {len(files_before)} " in said
    assert "checksum matches" in said
    assert table_checksums() == rows_before
    assert stored_files() == files_before

    assert main(["restore", str(archive)]) == 2  # now the target holds data
    err = capsys.readouterr().err
    assert "not empty" in err
    assert "--force" in err
    assert main(["restore", str(archive), "--force"]) == 0
    assert "Replaced" in capsys.readouterr().out
    assert table_checksums() == rows_before
    assert stored_files() == files_before


def test_round_trip_on_the_s3_bucket(
    pg_db: str, s3: S3Gate, client: TestClient, sent_jobs: list, tmp_path: Path, request, capsys
) -> None:
    """Backups go to the bucket under backups/, and restore reads them from there by key."""
    apply_env(BACKUP_KEY=KEY)
    fill(client)
    rows_before, files_before = table_checksums(), stored_files()
    key, _ = backup_now(capsys)
    assert key in s3.stored_keys()
    get_storage().delete(list(files_before))  # the bucket keeps only its backups
    apply_env(DATABASE_URL=request.getfixturevalue("fresh_pg"))
    assert main(["restore", key]) == 0
    assert table_checksums() == rows_before
    assert stored_files() == files_before
    assert s3.stored_keys() == {key, *files_before}
    assert main(["restore", "backups/rehome-20200101T000000Z.rhbk"]) == 2
    assert "No backup at" in capsys.readouterr().err


def test_backup_without_a_key_is_refused_clearly(sqlite_db: str, capsys) -> None:
    apply_env(BACKUP_KEY="")
    assert main(["backup"]) == 2
    assert "BACKUP_KEY is not set" in capsys.readouterr().err
