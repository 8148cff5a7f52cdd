"""Storage a workspace uses against its quota (`STORAGE_QUOTA_MB`).

Usage counts the stored originals of files not deleted (quarantined ones too:
they still take room until an admin deletes them). The check before an upload
locks the workspace row, so two uploads at once cannot both squeeze in.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, select

from rehome.core.access import Actor, require_admin
from rehome.core.files.intake import size_text
from rehome.core.infra.errors import QuotaExceeded
from rehome.core.models import StoredFile, Workspace
from rehome.settings import get_settings


class StorageUsage(BaseModel):
    used_bytes: int
    quota_bytes: int
    files: int

    @property
    def percent(self) -> float:
        return round(100 * self.used_bytes / self.quota_bytes, 1) if self.quota_bytes else 0.0

    @property
    def label(self) -> str:
        return f"{size_text(self.used_bytes)} of {size_text(self.quota_bytes)} ({self.percent:g}%)"


def used(session: Session, workspace_id: int) -> tuple[int, int]:
    """(bytes, files) of the workspace's live files, one aggregate query."""
    total, count = session.exec(
        select(func.coalesce(func.sum(StoredFile.size_bytes), 0), func.count()).where(
            StoredFile.workspace_id == workspace_id,
            StoredFile.deleted_at.is_(None),  # type: ignore[union-attr]
        )
    ).one()
    return int(total), int(count)


def storage_usage(session: Session, actor: Actor) -> StorageUsage:
    require_admin(actor)
    total, count = used(session, actor.workspace_id)
    return StorageUsage(used_bytes=total, quota_bytes=get_settings().storage_quota_bytes, files=count)


def reserve(session: Session, workspace_id: int, size: int, name: str) -> None:
    """Refuse an upload that would take the workspace over its quota."""
    session.exec(select(Workspace.id).where(Workspace.id == workspace_id).with_for_update()).one()
    quota = get_settings().storage_quota_bytes
    total, _ = used(session, workspace_id)
    if total + size > quota:
        raise QuotaExceeded(
            f"“{name}” ({size_text(size)}) does not fit: this workspace uses {size_text(total)} of its "
            f"{size_text(quota)}. An admin can free space by deleting files."
        )
