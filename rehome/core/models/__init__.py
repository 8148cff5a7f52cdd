"""All tables; importing this module registers them on SQLModel's metadata."""

from rehome.core.models.accounts import ApiToken, Invite, PasswordReset, UserSession
from rehome.core.models.agent import AgentMessage, AgentRun, AgentThread, DeadLetter, ProjectSummary
from rehome.core.models.audit import (
    ActivityLog,
    IdempotencyKey,
    Notification,
    NotificationSetting,
)
from rehome.core.models.mail import OutboundMail
from rehome.core.models.tenancy import Project, ProjectMembership, User, Workspace
from rehome.core.models.work import (
    Message,
    MessageMention,
    StoredFile,
    Task,
    TaskEvent,
)

__all__ = [
    "ActivityLog",
    "AgentMessage",
    "AgentRun",
    "AgentThread",
    "ApiToken",
    "DeadLetter",
    "IdempotencyKey",
    "Invite",
    "Message",
    "MessageMention",
    "Notification",
    "NotificationSetting",
    "OutboundMail",
    "PasswordReset",
    "Project",
    "ProjectMembership",
    "ProjectSummary",
    "StoredFile",
    "Task",
    "TaskEvent",
    "User",
    "UserSession",
    "Workspace",
]
