"""Backups (F-40): `dump` makes one, `restore` puts one back, `crypto` seals
them with BACKUP_KEY, `retention` says which to keep, `database` speaks to
pg_dump/pg_restore and SQLite's backup API."""
