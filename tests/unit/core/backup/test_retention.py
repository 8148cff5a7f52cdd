"""Retention (issue 12): daily 7, weekly 4, monthly 6 keep exactly the promised set."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from rehome.core.backup.retention import backup_key, parse_key, split, to_keep


def nightly(first: date, last: date, hour: int = 3) -> list[datetime]:
    days = (last - first).days + 1
    return [
        datetime(first.year, first.month, first.day, hour, 17, tzinfo=UTC) + timedelta(days=n)
        for n in range(days)
    ]


def days(kept: set[datetime]) -> list[str]:
    return sorted(f"{stamp:%Y-%m-%d}" for stamp in kept)


def test_a_year_of_nightly_backups_keeps_seven_days_four_weeks_six_months() -> None:
    calendar = nightly(date(2025, 12, 1), date(2026, 11, 30))  # 2026-11-30 is a Monday
    assert days(to_keep(calendar)) == [
        "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31",  # months (Nov is today)
        "2026-11-15", "2026-11-22",  # Sundays closing the weeks before (Nov 29 is a day as well)
        "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30",
    ]  # fmt: skip


def test_several_a_day_keep_the_newest_of_each_day() -> None:
    calendar = nightly(date(2026, 11, 1), date(2026, 11, 30)) + nightly(
        date(2026, 11, 1), date(2026, 11, 30), 15
    )
    kept = to_keep(calendar)
    assert len(kept) == 7 + 2 + 0  # Nov 15 and 22 (weeks), the month is today's
    assert all(stamp.hour == 15 for stamp in kept)


def test_a_stopped_schedule_never_ages_its_last_backups_away() -> None:
    calendar = nightly(date(2026, 1, 1), date(2026, 3, 10))  # nothing since March 10
    assert days(to_keep(calendar)) == sorted([
        "2026-01-31", "2026-02-28",  # months (March's is its last backup)
        "2026-02-22", "2026-03-01",  # Sundays closing weeks (Mar 8 is a day as well)
        "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10",
    ])  # fmt: skip


def test_fewer_backups_than_the_policy_are_all_kept() -> None:
    assert to_keep([]) == set()
    three = nightly(date(2026, 11, 28), date(2026, 11, 30))
    assert to_keep(three) == set(three)


def test_split_keeps_foreign_keys_out_of_both_lists() -> None:
    keys = [backup_key(at) for at in nightly(date(2026, 9, 1), date(2026, 11, 30))]
    keys += ["backups/notes.txt", "backups/rehome-2026.rhbk"]
    kept, deleted = split(keys)
    assert len(kept) == 7 + 2 + 2  # days; Nov 15, 22; Sep 30, Oct 31
    assert len(kept) + len(deleted) == len(keys) - 2
    assert not {"backups/notes.txt", "backups/rehome-2026.rhbk"} & {*kept, *deleted}


def test_names_carry_the_utc_time() -> None:
    at = datetime(2026, 11, 30, 3, 17, 5, tzinfo=UTC)
    assert backup_key(at) == "backups/rehome-20261130T031705Z.rhbk"
    assert parse_key(backup_key(at)) == at
    assert parse_key("w1/p1/" + "a" * 32) is None
