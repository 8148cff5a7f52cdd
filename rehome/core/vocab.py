"""The words ReHome's data is spelled in: roles, task statuses and priorities,
run statuses, audiences, notification levels, file scan states and live event kinds.

Each is spelled once here; tables, validation models, the board, the admin
filters and the assistant derive their lists from these enums, so adding a
status is one change. They are `StrEnum`s: they compare equal to, and
serialise as, the plain strings stored in the database and sent over the API.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    ADMIN = "admin"
    TEAM = "team"
    CONSULTANT = "consultant"
    CLIENT = "client"


PROJECT_ROLES = (Role.TEAM, Role.CONSULTANT, Role.CLIENT)  # admins see every project without one
ProjectRole = Literal["team", "consultant", "client"]  # a membership's role, as validation sees it


class TaskStatus(StrEnum):
    BACKLOG = "backlog"
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    TaskStatus.BACKLOG: "Backlog",
    TaskStatus.TODO: "To do",
    TaskStatus.IN_PROGRESS: "In progress",
    TaskStatus.BLOCKED: "Blocked",
    TaskStatus.DONE: "Done",
}
TASK_STATUSES: tuple[str, ...] = tuple(status.value for status in TaskStatus)


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


PRIORITIES: tuple[str, ...] = tuple(priority.value for priority in Priority)


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_RUN_STATUSES = frozenset({RunStatus.QUEUED, RunStatus.RUNNING})


class Audience(StrEnum):
    """Who an assistant thread answers: a project participant, or a workspace admin."""

    PARTICIPANT = "participant"
    ADMIN = "admin"


class NotifyLevel(StrEnum):
    ALL = "all"
    DIGEST = "digest"
    MUTE = "mute"


class ScanStatus(StrEnum):
    """Where a file is in the virus scan (F-08): only CLEAN and SKIPPED files are downloadable."""

    PENDING = "pending"  # shown as "checking"
    CLEAN = "clean"
    QUARANTINED = "quarantined"  # clamd flagged it: listed to admins, downloadable by nobody
    SKIPPED = "skipped"  # no CLAMD_URL configured

    @property
    def downloadable(self) -> bool:
        return self in (ScanStatus.CLEAN, ScanStatus.SKIPPED)


SCAN_STATUSES: tuple[str, ...] = tuple(status.value for status in ScanStatus)


class FileKind(StrEnum):
    """What a stored file is, by its sniffed content type: decides the preview and the icon."""

    IMAGE = "image"
    PDF = "pdf"
    DOCUMENT = "document"  # word processing, presentations
    SPREADSHEET = "spreadsheet"  # sheets and CSV
    TEXT = "text"


FILE_KINDS: tuple[str, ...] = tuple(kind.value for kind in FileKind)


class EventKind(StrEnum):
    """Live events on the bus (F-10); each has a consumer in the realtime relays."""

    TASK_CREATED = "TaskCreated"
    TASK_UPDATED = "TaskUpdated"
    TASK_MOVED = "TaskMoved"
    TASK_DELETED = "TaskDeleted"
    MESSAGE_SENT = "MessageSent"
    MESSAGE_EDITED = "MessageEdited"
    MESSAGE_DELETED = "MessageDeleted"
    FILE_UPLOADED = "FileUploaded"
    FILE_UPDATED = "FileUpdated"  # renamed, marked internal, scanned, thumbnail ready, attached
    FILE_DELETED = "FileDeleted"
    AGENT_RUN_QUEUED = "AgentRunQueued"  # thread channel: show a run started elsewhere
    AGENT_MESSAGE_CREATED = "AgentMessageCreated"  # thread channel: a run stored its answer
    AGENT_SUMMARY_READY = "AgentSummaryReady"
    PROJECT_CHANGED = "ProjectChanged"  # name, archive, members: reload the page's frame
    PRESENCE_CHANGED = "PresenceChanged"
    TYPING = "Typing"
    NOTIFICATION_CREATED = "NotificationCreated"
    ACCESS_CHANGED = "AccessChanged"  # user channel: sessions revoked, role or membership changed
