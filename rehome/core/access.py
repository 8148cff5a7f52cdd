"""The one place that decides who may see and change what (F-07, F-36).

Every read of tenant data starts from a function here: pages, the REST API,
realtime delivery, search, digests and the AI context all call it, so a rule
changes in one place. Rows the actor may not see are reported as `NotFound`,
never `Forbidden`, so ids do not leak whether something exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlalchemy.sql.elements import SQLCoreOperations
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from rehome.core.infra.errors import Conflict, Forbidden, NotFound
from rehome.core.models import (
    Message,
    Project,
    ProjectMembership,
    StoredFile,
    Task,
    User,
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


def visible_project_filter(actor: Actor, *, include_archived: bool = False) -> ColumnElement[bool]:
    """Projects of the actor's workspace: all for admins, assigned ones otherwise."""
    conditions = [col(Project.workspace_id) == actor.workspace_id]
    if not actor.is_admin:
        member = select(ProjectMembership.project_id).where(ProjectMembership.user_id == actor.user_id)
        conditions.append(col(Project.id).in_(member))
    if not (actor.is_admin and include_archived):
        conditions.append(col(Project.archived_at).is_(None))
    return and_(*conditions)


def internal_visible(
    actor: Actor, project_id: SQLCoreOperations[int], internal: SQLCoreOperations[bool]
) -> ColumnElement[bool]:
    """`ProjectScope.sees_internal` across many projects at once, in SQL."""
    if actor.is_admin:
        return true()
    firm_side = select(ProjectMembership.project_id).where(
        ProjectMembership.user_id == actor.user_id, ProjectMembership.role != Role.CLIENT.value
    )
    return or_(internal == false(), project_id.in_(firm_side))


def visible_projects(actor: Actor, *, include_archived: bool = False) -> SelectOfScalar[Project]:
    return select(Project).where(visible_project_filter(actor, include_archived=include_archived))


def project_roles(session: Session, actor: Actor, project_ids: list[int]) -> dict[int, Role]:
    """The actor's role in each of `project_ids` it may see, in one query."""
    if not project_ids:
        return {}
    query = (
        select(Project.id, Project.archived_at, ProjectMembership.role)
        .outerjoin(
            ProjectMembership,
            and_(
                col(ProjectMembership.project_id) == Project.id,
                col(ProjectMembership.user_id) == actor.user_id,
            ),
        )
        .where(col(Project.id).in_(project_ids), Project.workspace_id == actor.workspace_id)
    )
    roles: dict[int, Role] = {}
    for project_id, archived_at, member_role in session.exec(query):
        if project_id is None:  # a primary key, never NULL: narrows the type
            continue
        if actor.is_admin:
            roles[project_id] = Role.ADMIN
        elif member_role and archived_at is None:
            roles[project_id] = Role(member_role)
    return roles


def project_scope(
    session: Session, actor: Actor, project_id: int, action: Action = Action.VIEW
) -> ProjectScope:
    """Load a project for the actor and check `action`, in one query."""
    row = session.exec(
        select(Project, ProjectMembership.role)
        .outerjoin(
            ProjectMembership,
            and_(
                col(ProjectMembership.project_id) == Project.id,
                col(ProjectMembership.user_id) == actor.user_id,
            ),
        )
        .where(Project.id == project_id, Project.workspace_id == actor.workspace_id)
    ).first()
    if row is None:
        raise NotFound("Project not found.")
    project, member_role = row
    if actor.is_admin:
        role = Role.ADMIN
    elif member_role is None or project.archived_at is not None:
        raise NotFound("Project not found.")
    else:
        role = Role(member_role)
    scope = ProjectScope(actor=actor, project=project, role=role)
    scope.require(action)
    return scope


def visible_tasks(scope: ProjectScope) -> SelectOfScalar[Task]:
    return select(Task).where(Task.project_id == scope.project_id, scope.internal_filter(col(Task.internal)))


def visible_messages(scope: ProjectScope) -> SelectOfScalar[Message]:
    return select(Message).where(
        Message.project_id == scope.project_id,
        col(Message.deleted_at).is_(None),
        scope.internal_filter(col(Message.internal)),
    )


def visible_files(scope: ProjectScope) -> SelectOfScalar[StoredFile]:
    """Live files of the project; internal ones for the firm's side, quarantined
    ones for admins only (listed as such, downloadable by nobody)."""
    return select(StoredFile).where(
        StoredFile.project_id == scope.project_id,
        col(StoredFile.deleted_at).is_(None),
        scope.internal_filter(col(StoredFile.internal)),
        scope.quarantine_filter(col(StoredFile.scan_status)),
    )


def file_scope(
    session: Session, actor: Actor, file_id: int, action: Action = Action.VIEW
) -> tuple[ProjectScope, StoredFile]:
    """A live file the actor may see, with its project scope; `action` checked
    (renaming and deleting are the uploader's or a moderator's: `require_own_or_moderator`)."""
    stored = session.get(StoredFile, file_id)
    if stored is None or stored.deleted_at is not None:
        raise NotFound("File not found.")
    try:
        scope = project_scope(session, actor, stored.project_id)
    except NotFound:
        raise NotFound("File not found.") from None
    hidden = stored.internal and not scope.sees_internal
    if hidden or (stored.scan_status == ScanStatus.QUARANTINED and not scope.sees_quarantine):
        raise NotFound("File not found.")
    scope.require(action)
    return scope, stored


def task_scope(
    session: Session, actor: Actor, task_id: int, action: Action = Action.VIEW
) -> tuple[ProjectScope, Task]:
    """A task the actor may see, with its project scope; `action` checked."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound("Task not found.")
    try:
        scope = project_scope(session, actor, task.project_id)
    except NotFound:
        raise NotFound("Task not found.") from None
    if task.internal and not scope.sees_internal:
        raise NotFound("Task not found.")
    if action is Action.EDIT_TASK:
        scope.require_edit_task(task)
    else:
        scope.require(action)
    return scope, task


def message_scope(session: Session, actor: Actor, message_id: int) -> tuple[ProjectScope, Message]:
    """A live message the actor may see, with its project scope."""
    message = session.get(Message, message_id)
    if message is None or message.deleted_at is not None:
        raise NotFound("Message not found.")
    try:
        scope = project_scope(session, actor, message.project_id)
    except NotFound:
        raise NotFound("Message not found.") from None
    if message.internal and not scope.sees_internal:
        raise NotFound("Message not found.")
    return scope, message


def require_own_or_moderator(scope: ProjectScope, owner_id: int | None) -> None:
    """Authors change their own items; admins and team may moderate others'."""
    if owner_id == scope.actor.user_id:
        scope.require(Action.VIEW)
        if scope.project.archived_at is not None:
            raise Conflict("This project is archived and read-only.")
        return
    scope.require(Action.MODERATE)


def workspace_user(session: Session, actor: Actor, user_id: int) -> User:
    """A user of the admin's own workspace; anyone else is `NotFound`."""
    require_admin(actor)
    user = session.get(User, user_id)
    if user is None or user.workspace_id != actor.workspace_id:
        raise NotFound("User not found.")
    return user


def project_member_ids(session: Session, project_id: int) -> list[int]:
    return list(
        session.exec(select(ProjectMembership.user_id).where(ProjectMembership.project_id == project_id))
    )


def project_people_filter(project_id: int, workspace_id: int) -> ColumnElement[bool]:
    """Users who belong to a project: members and the workspace admins."""
    members = select(ProjectMembership.user_id).where(ProjectMembership.project_id == project_id)
    return and_(
        col(User.workspace_id) == workspace_id,
        col(User.disabled_at).is_(None),
        or_(col(User.id).in_(members), col(User.is_admin) == true()),
    )
