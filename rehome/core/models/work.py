"""The project's work: tasks and their status history, chat messages, files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Float, Index, String, Text
from sqlmodel import Field, SQLModel

from rehome.core.models.base import created_at_field, fts_index, one_of, optional_time_field
from rehome.core.vocab import FILE_KINDS, PRIORITIES, SCAN_STATUSES, TASK_STATUSES


class Task(SQLModel, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_project_status_position", "project_id", "status", "position"),
        Index("ix_tasks_project_id", "project_id", "id"),
        Index("ix_tasks_project_updated", "project_id", "updated_at", "id"),
        # Exact counts per assignee (tasks.figures.by_assignee) read from the index alone.
        Index("ix_tasks_project_assignee", "project_id", "assignee_id", "status", "due_date", "internal"),
        CheckConstraint(one_of("status", TASK_STATUSES), name="ck_task_status"),
        CheckConstraint(one_of("priority", PRIORITIES), name="ck_task_priority"),
        fts_index(
            "ix_tasks_fts",
            "to_tsvector('simple'::regconfig, (COALESCE(title, ''::character varying)::text || ' '::text)"
            " || COALESCE(description, ''::text))",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", ondelete="CASCADE")
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    status: str = Field(default="todo", sa_type=String(20))
    priority: str = Field(default="normal", sa_type=String(10))
    assignee_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    due_date: date | None = Field(default=None, index=True)
    position: float = Field(default=0.0, sa_type=Float)
    internal: bool = Field(default=False)
    internal_notes: str = Field(default="", sa_type=Text)
    cost_cents: int | None = Field(default=None, ge=0, sa_type=BigInteger)
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    completed_at: datetime | None = optional_time_field()


class TaskEvent(SQLModel, table=True):
    """A status change (or creation) of a task: who did it and when."""

    __tablename__ = "task_events"
    __table_args__ = (Index("ix_task_events_project_created", "project_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="tasks.id", index=True, ondelete="CASCADE")
    project_id: int = Field(foreign_key="projects.id", ondelete="CASCADE")
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    kind: str = Field(default="status", sa_type=String(20))
    from_status: str | None = Field(default=None, sa_type=String(20))
    to_status: str | None = Field(default=None, sa_type=String(20))
    created_at: datetime = created_at_field()


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_project_id", "project_id", "id"),
        fts_index("ix_messages_fts", "to_tsvector('simple'::regconfig, COALESCE(body, ''::text))"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="users.id")
    body: str = Field(sa_type=Text)
    internal: bool = Field(default=False)
    created_at: datetime = created_at_field()
    edited_at: datetime | None = optional_time_field()
    deleted_at: datetime | None = optional_time_field()


class MessageMention(SQLModel, table=True):
    __tablename__ = "message_mentions"
    # A reader's mentions, newest first (the assistant's context reads the newest 50).
    __table_args__ = (Index("ix_message_mentions_user_message", "user_id", "message_id"),)

    message_id: int = Field(foreign_key="messages.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", primary_key=True)


class StoredFile(SQLModel, table=True):
    """An uploaded file (F-08). `name` is for display only: the bytes live under
    `storage_key`, a random key, and the derived previews under their own keys."""

    __tablename__ = "files"
    __table_args__ = (
        CheckConstraint(one_of("scan_status", SCAN_STATUSES), name="ck_file_scan_status"),
        CheckConstraint(one_of("kind", FILE_KINDS), name="ck_file_kind"),
        Index("ix_files_project_id_id", "project_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    project_id: int = Field(foreign_key="projects.id", ondelete="CASCADE")
    uploaded_by: int | None = Field(default=None, foreign_key="users.id")
    name: str = Field(max_length=255)
    kind: str = Field(sa_type=String(20))
    content_type: str = Field(max_length=120)
    size_bytes: int = Field(ge=0)
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=400, unique=True)
    thumb_key: str | None = Field(default=None, max_length=400)
    preview_key: str | None = Field(default=None, max_length=400)
    width: int | None = Field(default=None)
    height: int | None = Field(default=None)
    scan_status: str = Field(default="pending", sa_type=String(20))
    internal: bool = Field(default=False)
    keep_location: bool = Field(default=False)
    task_id: int | None = Field(default=None, foreign_key="tasks.id", index=True, ondelete="SET NULL")
    message_id: int | None = Field(default=None, foreign_key="messages.id", index=True, ondelete="SET NULL")
    created_at: datetime = created_at_field()
    deleted_at: datetime | None = optional_time_field()
