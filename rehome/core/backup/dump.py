"""`python -m rehome backup`: the database and every stored file in one
encrypted archive under `backups/`, then the retention policy.

The archive is a tar stream written straight into the encrypting writer:
the database dump, then `files/<key>` for each stored object (read as a
stream from disk or S3), then `manifest.json` with the row counts and each
file's size and SHA-256, which the restore checks everything against. Only
the database dump and the sealed archive touch local disk; no file is held
in memory.

The database is dumped first and the files read after: an upload that lands
in between is carried as an unreferenced object (harmless), and a file whose
object vanishes meanwhile (deleted by someone) is counted as vanished.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from rehome.core.backup import database
from rehome.core.backup.crypto import BackupError, EncryptingWriter
from rehome.core.backup.retention import PREFIX, backup_key, split
from rehome.core.files.names import is_file_key
from rehome.core.files.storage import Storage, get_storage
from rehome.core.infra.clock import utcnow
from rehome.settings import get_settings

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
FILES = "files/"


@dataclass
class FileEntry:
    key: str
    size: int
    sha256: str


@dataclass
class BackupReport:
    key: str
    tables: dict[str, int]
    files: list[FileEntry]
    archive_bytes: int
    seconds: float
    vanished: int = 0
    kept: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def file_bytes(self) -> int:
        return sum(f.size for f in self.files)


class HashingReader:
    """Passes reads through and keeps the SHA-256 and length of what went by."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.hash, self.size = stream, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.hash.update(data)
        self.size += len(data)
        return data


def passphrase() -> str:
    key = get_settings().backup_key
    if not key:
        raise BackupError("BACKUP_KEY is not set; backups are sealed with it and cannot be made without it.")
    return key


def make_backup(now: datetime | None = None) -> BackupReport:
    """Write one backup and apply the retention policy; what was done, in numbers."""
    secret, started, storage = passphrase(), time.monotonic(), get_storage()
    key = backup_key(now or utcnow())
    with tempfile.TemporaryDirectory(prefix="rehome-backup-") as work:
        dumped, archive = Path(work) / "database", Path(work) / "archive.rhbk"
        tables = database.dump(dumped)
        with archive.open("wb") as raw:
            writer = EncryptingWriter(raw, secret)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
                tar.add(dumped, arcname=f"database.{database.backend()}")
                files, vanished = _add_files(tar, storage)
                _add_manifest(tar, key, tables, files)
            writer.close()
        storage.put(key, archive, "application/octet-stream")
        report = BackupReport(key, tables, files, archive.stat().st_size, 0.0, vanished)
    report.kept, report.deleted = prune(storage)
    report.seconds = time.monotonic() - started
    log.info("backup written", extra={"key": key, "files": len(files), "bytes": report.archive_bytes})
    return report


def prune(storage: Storage) -> tuple[list[str], list[str]]:
    """Delete the backups the retention policy no longer keeps."""
    kept, doomed = split(key for key, _ in storage.listing(PREFIX))
    storage.delete(doomed)
    return kept, doomed


def nightly() -> None:
    """Beat job: a backup each night, when a key is configured (the embedded default has none)."""
    if not get_settings().backup_key:
        log.warning("nightly backup skipped: BACKUP_KEY is not set")
        return
    report = make_backup()
    log.info("nightly backup done", extra={"key": report.key, "kept": len(report.kept)})


def _add_files(tar: tarfile.TarFile, storage: Storage) -> tuple[list[FileEntry], int]:
    entries: list[FileEntry] = []
    vanished = 0
    for key, size in list(storage.listing()):
        if not is_file_key(key):
            continue
        try:
            with storage.open(key) as stream:
                reader = HashingReader(stream)
                info = tarfile.TarInfo(FILES + key)
                info.size, info.mtime = size, int(time.time())
                tar.addfile(info, reader)
        except FileNotFoundError:  # deleted since the listing (both stores say so alike)
            vanished += 1
            continue
        entries.append(FileEntry(key, reader.size, reader.hash.hexdigest()))
    return entries, vanished


def _add_manifest(tar: tarfile.TarFile, key: str, tables: dict[str, int], files: list[FileEntry]) -> None:
    body = json.dumps(
        {
            "format": 1,
            "key": key,
            "database": database.backend(),
            "tables": tables,
            "files": [{"key": f.key, "size": f.size, "sha256": f.sha256} for f in files],
        },
        indent=1,
    ).encode()
    info = tarfile.TarInfo(MANIFEST)
    info.size, info.mtime = len(body), int(time.time())
    tar.addfile(info, io.BytesIO(body))
