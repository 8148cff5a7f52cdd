"""The nightly backup: on beat at 03:17 UTC, once across processes, and the
retention policy applied to the store's backups after each one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rehome.core.backup import dump
from rehome.core.backup.dump import make_backup
from rehome.core.backup.retention import backup_key
from rehome.core.files.storage import get_storage
from rehome.core.infra import jobs
from rehome.core.infra.schedule import PERIODIC, due, run_due
from rehome.settings import get_settings
from tests.support import apply_env


def test_beat_runs_the_backup_at_night_only() -> None:
    from worker.app import celery_app

    entry = celery_app.conf.beat_schedule["nightly-backup"]
    assert entry["args"] == ("backup.nightly", {})
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {17})
    (nightly,) = [e for e in PERIODIC if e.job == "backup.nightly"]
    start = datetime(2026, 11, 30, tzinfo=UTC)
    minutes = [start + timedelta(minutes=n) for n in range(2 * 24 * 60)]
    tonight = start.replace(hour=3, minute=17)
    assert [m for m in minutes if due(nightly, m)] == [tonight, tonight + timedelta(days=1)]


def test_the_nightly_job_backs_up_once_and_prunes(
    sqlite_db: str, real_redis: str, sent_jobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply_env(BACKUP_KEY="nightly key")
    at_night = datetime(2026, 11, 30, 3, 17, tzinfo=UTC)  # a Monday
    monkeypatch.setattr(dump, "utcnow", lambda: at_night)
    root = get_settings().data_dir / "files"
    old = [datetime(2026, 1, 1, 3, 17, tzinfo=UTC) + timedelta(days=n) for n in range(333)]  # to Nov 29
    for at in old:
        (root / backup_key(at)).parent.mkdir(parents=True, exist_ok=True)
        (root / backup_key(at)).write_bytes(b"an older backup")
    assert "backup.nightly" in run_due(at_night)
    assert "backup.nightly" not in run_due(at_night)  # a second web process, the same minute
    assert [name for name, _ in sent_jobs].count("backup.nightly") == 1
    kept = sorted(key for key, _ in get_storage().listing("backups/"))
    assert len(kept) == 14  # as the calendar in tests/unit/core/backup/test_retention.py
    assert kept[-1] == backup_key(at_night)
    assert backup_key(date_at(2026, 10, 31)) in kept
    assert backup_key(date_at(2026, 11, 1)) not in kept


def test_without_a_key_the_nightly_job_only_warns(sqlite_db: str, caplog) -> None:
    apply_env(BACKUP_KEY="")
    jobs.run_job("backup.nightly", {})
    assert "BACKUP_KEY is not set" in caplog.text
    assert list(get_storage().listing("backups/")) == []


def test_a_backup_reports_what_retention_did(sqlite_db: str) -> None:
    apply_env(BACKUP_KEY="k")
    first = make_backup(datetime(2026, 11, 29, 3, 17, tzinfo=UTC))
    second = make_backup(datetime(2026, 11, 29, 15, 0, tzinfo=UTC))  # same day: the earlier one goes
    assert (first.kept, first.deleted) == ([first.key], [])
    assert (second.kept, second.deleted) == ([second.key], [first.key])


def date_at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 3, 17, tzinfo=UTC)


@pytest.mark.parametrize("store", ["local", "s3"])
def test_a_file_deleted_while_the_backup_runs_is_counted_not_fatal(
    sqlite_db: str, store: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    if store == "s3":
        request.getfixturevalue("s3")
    apply_env(BACKUP_KEY="k")
    storage = get_storage()
    listed = storage.listing
    ghost = "w1/p1/" + "0" * 32  # listed, then gone before it is read
    monkeypatch.setattr(storage, "listing", lambda prefix="": iter([*listed(prefix), (ghost, 10)]))
    report = make_backup()
    assert (report.vanished, report.files) == (1, [])
