"""`python -m rehome restore FILE`: a backup back into an empty database and storage.

The key is checked from the header before anything is touched, and the
target must hold no rows and no files unless `force` is given (then its
files are removed first and the database is replaced). Everything restored
is checked against the manifest the backup ends with: every table's row
count and every file's SHA-256; a difference is an error, not a warning.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from rehome.core.backup import database
from rehome.core.backup.crypto import BackupError, DecryptingReader
from rehome.core.backup.dump import FILES, MANIFEST, passphrase
from rehome.core.files.names import is_file_key, is_safe_key
from rehome.core.files.storage import Storage, get_storage

CHUNK = 1024 * 1024


class NotEmpty(BackupError):
    code = "restore_target_not_empty"


@dataclass
class RestoreReport:
    source: str
    tables: dict[str, int]
    files: int
    file_bytes: int
    seconds: float
    replaced_rows: int = 0
    replaced_files: int = 0


def restore_backup(source: str, *, force: bool = False) -> RestoreReport:
    """Restore `source` (a path, or a key under `backups/` in the store); what was done, in numbers."""
    started, storage, secret = time.monotonic(), get_storage(), passphrase()
    with _opened(source, storage) as raw:
        reader = DecryptingReader(raw, secret)  # a wrong key stops here, before the target is touched
        rows, existing = _refuse_unless_empty(storage, force)
        storage.delete(existing)
        with tempfile.TemporaryDirectory(prefix="rehome-restore-") as work:
            restored, manifest = _unpack(reader, storage, Path(work))
    tables = _verify(manifest, restored)
    file_bytes = sum(int(f["size"]) for f in manifest["files"])
    return RestoreReport(
        source, tables, len(restored), file_bytes, time.monotonic() - started, rows, len(existing)
    )


@contextmanager
def _opened(source: str, storage: Storage) -> Iterator[BinaryIO]:
    path = Path(source)
    if path.is_file():
        with path.open("rb") as stream:
            yield stream
    elif is_safe_key(source) and not is_file_key(source) and storage.exists(source):
        with storage.open(source) as stream:
            yield stream
    else:
        raise BackupError(f"No backup at {source!r}: neither a file here nor a backups/ key in the store.")


def _refuse_unless_empty(storage: Storage, force: bool) -> tuple[int, list[str]]:
    found = database.counts()
    rows = sum(n for table, n in found.items() if table != database.SCHEMA_TABLE)
    files = [key for key, _ in storage.listing() if is_file_key(key)]
    if (rows or files) and not force:
        raise NotEmpty(
            f"The target is not empty: {rows} row(s) in the database and {len(files)} stored file(s). "
            "Restore into an empty database and storage, or add --force to replace them."
        )
    return rows, files


def _unpack(reader: DecryptingReader, storage: Storage, work: Path) -> tuple[dict[str, str], dict[str, Any]]:
    restored: dict[str, str] = {}
    manifest: dict[str, Any] | None = None
    with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
        for member in tar:
            stream = tar.extractfile(member) if member.isfile() else None
            if stream is None:
                continue
            if member.name.startswith("database."):
                dumped = work / "database"
                _save(stream, dumped)
                database.restore(dumped, member.name.removeprefix("database."))
            elif member.name.startswith(FILES) and is_file_key(key := member.name.removeprefix(FILES)):
                part = work / "file"
                restored[key] = _save(stream, part)
                storage.put(key, part, "application/octet-stream")
            elif member.name == MANIFEST:
                manifest = json.load(stream)
    if manifest is None:
        raise BackupError("The backup has no manifest; it was cut short when it was made.")
    return restored, manifest


def _save(stream: BinaryIO, target: Path) -> str:
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _verify(manifest: dict[str, Any], restored: dict[str, str]) -> dict[str, int]:
    expected = {f["key"]: f["sha256"] for f in manifest["files"]}
    if restored != expected:
        bad = sorted(k for k in expected.keys() | restored.keys() if expected.get(k) != restored.get(k))
        raise BackupError(f"{len(bad)} file(s) did not come back as they were backed up, e.g. {bad[:3]}.")
    tables = database.counts()
    wanted = {str(k): int(v) for k, v in manifest["tables"].items()}
    if tables != wanted:
        off = sorted(t for t in wanted.keys() | tables.keys() if wanted.get(t) != tables.get(t))
        raise BackupError(f"Row counts differ from the backup's after the restore, in: {', '.join(off)}.")
    return tables
