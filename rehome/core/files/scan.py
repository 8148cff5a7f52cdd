"""The virus scan job (F-08): a new file is streamed to clamd before anyone may
download it. Clean files go on to their previews; a flagged file is
quarantined (admins see it listed as such, nobody can download it), logged
in the activity log, and the uploader and admins are told.
"""

from __future__ import annotations

import logging

from rehome.core.files.clamd import scan_stream
from rehome.core.files.notify import notify_quarantined
from rehome.core.files.pipeline import queue_previews
from rehome.core.files.storage import get_storage
from rehome.core.infra.db import session_scope
from rehome.core.models import ActivityLog, StoredFile
from rehome.core.realtime import events
from rehome.core.vocab import EventKind, ScanStatus
from rehome.settings import get_settings

log = logging.getLogger(__name__)


def scan_file(file_id: int) -> None:
    """Job: scan once; a redelivered job finds the verdict already set and stops."""
    url = get_settings().clamd_url
    with session_scope() as session:
        stored = session.get(StoredFile, file_id)
        if stored is None or stored.deleted_at is not None or stored.scan_status != ScanStatus.PENDING:
            return
        key = stored.storage_key
    if not url:  # the scanner was switched off after the upload
        verdict = None
    else:
        with get_storage().open(key) as stream:
            verdict = scan_stream(url, stream)
    with session_scope() as session:
        stored = session.get(StoredFile, file_id)
        if stored is None or stored.scan_status != ScanStatus.PENDING:
            return
        if verdict is None:
            stored.scan_status = ScanStatus.SKIPPED
        elif verdict.infected:
            stored.scan_status = ScanStatus.QUARANTINED
            _log_quarantine(stored, verdict.signature)
            session.add(_activity(stored, verdict.signature))
            notify_quarantined(session, stored, verdict.signature)
        else:
            stored.scan_status = ScanStatus.CLEAN
        session.add(stored)
        if stored.scan_status != ScanStatus.QUARANTINED:
            queue_previews(session, stored)
        events.emit(session, stored.project_id, EventKind.FILE_UPDATED, file_id=stored.id)


def _activity(stored: StoredFile, signature: str) -> ActivityLog:
    return ActivityLog(
        workspace_id=stored.workspace_id,
        project_id=stored.project_id,
        actor_id=None,
        action="file.quarantined",
        target_type="file",
        target_id=stored.id,
        meta={"name": stored.name, "signature": signature, "uploaded_by": stored.uploaded_by},
    )


def _log_quarantine(stored: StoredFile, signature: str) -> None:
    log.warning(
        "file quarantined",
        extra={"file_id": stored.id, "project_id": stored.project_id, "signature": signature},
    )
