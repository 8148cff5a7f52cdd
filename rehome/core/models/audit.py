"""What happened and who must hear of it: activity log, notifications,
notification preferences and stored API idempotency results."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from rehome.core.models.base import created_at_field, json_field, optional_time_field


class ActivityLog(SQLModel, table=True):
    __tablename__ = "activity_log"
    __table_args__ = (Index("ix_activity_workspace_id", "workspace_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(max_length=60, index=True)
    target_type: str = Field(default="", max_length=40)
    target_id: int | None = Field(default=None)
    meta: dict = json_field()
    created_at: datetime = created_at_field()


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key", name="uq_notification_dedupe"),
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        Index("ix_notifications_unmailed", "kind", "mailed_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    workspace_id: int = Field(foreign_key="workspaces.id")
    project_id: int | None = Field(default=None, foreign_key="projects.id", ondelete="CASCADE")
    kind: str = Field(sa_type=String(20))
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=500)
    link: str = Field(default="", max_length=300)
    dedupe_key: str = Field(max_length=120)
    created_at: datetime = created_at_field()
    read_at: datetime | None = optional_time_field()
    mailed_at: datetime | None = optional_time_field()  # went out in a mention alert mail


class NotificationSetting(SQLModel, table=True):
    """Per user and project: `all`, `digest` (digests only) or `mute`."""

    __tablename__ = "notification_settings"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    project_id: int = Field(foreign_key="projects.id", primary_key=True, ondelete="CASCADE")
    level: str = Field(default="all", sa_type=String(10))


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    key: str = Field(max_length=120)
    method: str = Field(max_length=10)
    path: str = Field(max_length=300)
    request_hash: str = Field(max_length=64)
    status_code: int
    response: dict = json_field()
    created_at: datetime = created_at_field()
