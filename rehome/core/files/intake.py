"""An upload taken in (F-36): spooled to a temporary file in chunks, measured,
identified by content, cleared of location and hashed, before anything is stored.

Nothing here touches the database or the store, so a refused upload leaves
nothing behind but a temporary file, which `received` always removes. The
same checks serve the browser and the REST API: both call `receive`.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rehome.core.files.location import CARRIERS, strip_location
from rehome.core.files.names import display_name
from rehome.core.files.sniff import Sniffed, sniff
from rehome.core.infra.errors import Invalid, TooLarge, UnsupportedType
from rehome.settings import get_settings

CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Intake:
    """An upload that passed every check, waiting in `path` to be stored."""

    path: Path
    name: str
    size: int
    sha256: str
    sniffed: Sniffed
    location_removed: bool


def size_text(size: int) -> str:
    """A size as people read it: 512 KB, 4.2 MB, 10.0 GB."""
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    return f"{size / 1024**2:.1f} MB" if size >= 1024**2 else f"{max(1, size // 1024)} KB"


@contextmanager
def received(source: BinaryIO, filename: str, *, keep_location: bool = False) -> Iterator[Intake]:
    """Check an upload; yield it spooled on disk, and remove the spool afterwards."""
    name = display_name(filename)
    limit = get_settings().upload_max_bytes
    with tempfile.TemporaryDirectory(prefix="rehome-upload-") as folder:
        raw = Path(folder) / "raw"
        _spool(source, raw, limit, name)
        sniffed = sniff(raw, name)
        final, removed = raw, False
        if sniffed.content_type in CARRIERS and not keep_location:
            final, removed = _without_location(raw, Path(folder) / "clean", sniffed, name)
        yield Intake(final, name, final.stat().st_size, _sha256(final), sniffed, removed)


def _spool(source: BinaryIO, target: Path, limit: int, name: str) -> int:
    """Copy in chunks; stop reading as soon as the file is over the limit."""
    size = 0
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"“{name}” is larger than {size_text(limit)}, the most one file may be.")
            out.write(chunk)
    if size == 0:
        raise Invalid({"file": f"“{name}” is empty."})
    return size


def _without_location(raw: Path, clean: Path, sniffed: Sniffed, name: str) -> tuple[Path, bool]:
    try:
        with raw.open("rb") as src, clean.open("wb") as dst:
            removed = strip_location(sniffed.content_type, src, dst)
    except (ValueError, OSError, SyntaxError, KeyError, IndexError):
        raise UnsupportedType(f"“{name}” looks like a photo but its data is damaged.") from None
    if not removed:
        clean.unlink()
        return raw, False
    return clean, True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
