"""What happens to a file after it is stored: scan (when clamd is configured),
then previews. Jobs carry ids only and are queued after commit."""

from __future__ import annotations

from sqlmodel import Session

from rehome.core.infra import jobs
from rehome.core.models import StoredFile
from rehome.core.vocab import FileKind, ScanStatus
from rehome.settings import get_settings

PREVIEWABLE = {FileKind.IMAGE, FileKind.PDF}


def first_status() -> ScanStatus:
    """A new file waits for its scan ("checking") only when a scanner is configured."""
    return ScanStatus.PENDING if get_settings().clamd_url else ScanStatus.SKIPPED


def after_upload(session: Session, stored: StoredFile) -> None:
    if stored.scan_status == ScanStatus.PENDING:
        jobs.enqueue_on_commit(session, "files.scan", file_id=stored.id)
    else:
        queue_previews(session, stored)


def queue_previews(session: Session, stored: StoredFile) -> None:
    """Previews come from clean files only, so a flagged file is never even decoded."""
    if stored.kind in PREVIEWABLE and stored.content_type != "image/svg+xml":
        jobs.enqueue_on_commit(session, "files.thumbnail", file_id=stored.id)
