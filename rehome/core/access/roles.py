"""Who may do what: the actions, the rules per role, the actor and their scope in
one project (F-07). No queries here: `queries` turns these rules into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.sql.elements import SQLCoreOperations

from rehome.core.infra.errors import Conflict, Forbidden
from rehome.core.models import (
    Project,
    Task,
)
from rehome.core.vocab import Role, ScanStatus


class Action(StrEnum):
    VIEW = "view"
    MANAGE = "manage"  # edit or archive the project, manage its members
    CREATE_TASK = "create_task"
    EDIT_TASK = "edit_task"  # edit and move; a client only on tasks assigned to them
    DELETE_TASK = "delete_task"
    POST_MESSAGE = "post_message"
    MODERATE = "moderate"  # delete other people's messages and files
    UPLOAD_FILE = "upload_file"
    USE_AGENT = "use_agent"
    MARK_INTERNAL = "mark_internal"
    APPROVE_UPDATE = "approve_update"  # edit and approve the client weekly update; see staff digests' risks


_PARTICIPANT = frozenset({Action.VIEW, Action.POST_MESSAGE, Action.UPLOAD_FILE, Action.USE_AGENT})


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.TEAM: frozenset(Action) - {Action.MANAGE},
    Role.CONSULTANT: _PARTICIPANT | {Action.CREATE_TASK, Action.EDIT_TASK},
    Role.CLIENT: _PARTICIPANT | {Action.EDIT_TASK},
}


_STAFF = frozenset({Role.ADMIN, Role.TEAM})


_VISIBILITY = {Role.CLIENT: 0, Role.CONSULTANT: 1, Role.TEAM: 2, Role.ADMIN: 2}


def visibility_level(role: Role) -> int:
    """How much of a project a role sees: clients no internal items; consultants
    internal items but no contacts or costs; team and admins everything. A
    text written for one level may be shown to the same level or above."""
    return _VISIBILITY[role]


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user an operation runs for, resolved from a session or token."""

    user_id: int
    workspace_id: int
    is_admin: bool
    name: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class ProjectScope:
    """An actor inside one project with their effective role there."""

    actor: Actor
    project: Project
    role: Role

    @property
    def project_id(self) -> int:
        return int(self.project.id or 0)

    def can(self, action: Action) -> bool:
        return action in _ALLOWED[self.role]

    def require(self, action: Action) -> None:
        if not self.can(action):
            raise Forbidden(f"Your role ({self.role}) may not {action.replace('_', ' ')}.")
        if action is not Action.VIEW and self.project.archived_at is not None:
            raise Conflict("This project is archived and read-only.")

    @property
    def sees_internal(self) -> bool:
        """Internal items are for the firm's side only: clients never see them."""
        return self.role is not Role.CLIENT

    @property
    def sees_contacts(self) -> bool:
        """Email and phone of other people."""
        return self.role in _STAFF

    @property
    def sees_costs(self) -> bool:
        return self.role in _STAFF

    def can_edit_task(self, task: Task) -> bool:
        if not self.can(Action.EDIT_TASK) or self.project.archived_at is not None:
            return False
        return self.role is not Role.CLIENT or task.assignee_id == self.actor.user_id

    def require_edit_task(self, task: Task) -> None:
        self.require(Action.EDIT_TASK)
        if not self.can_edit_task(task):
            raise Forbidden("Clients can only change tasks assigned to them.")

    @property
    def sees_quarantine(self) -> bool:
        """Files a virus scan flagged are listed to admins only."""
        return self.role is Role.ADMIN

    def internal_filter(self, column: SQLCoreOperations[bool]) -> ColumnElement[bool]:
        return true() if self.sees_internal else column == false()

    def quarantine_filter(self, column: SQLCoreOperations[str]) -> ColumnElement[bool]:
        return true() if self.sees_quarantine else column != ScanStatus.QUARANTINED.value


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("Only workspace admins may do that.")
