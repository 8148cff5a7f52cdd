"""Reading tenant data: every query of projects, tasks, messages, files and people
starts from a function here, scoped to the actor's workspace and role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, event, false, or_, true
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql.elements import SQLCoreOperations
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from rehome.core.access.roles import Action, Actor, ProjectScope, require_admin
from rehome.core.access.rules import file_rule, message_rule, project_rule, task_rule
from rehome.core.infra.errors import NotFound
from rehome.core.models import (
    Message,
    Project,
    ProjectMembership,
    StoredFile,
    Task,
    User,
)
from rehome.core.vocab import Role


def visible_project_filter(actor: Actor, *, include_archived: bool = False) -> ColumnElement[bool]:
    """Projects of the actor's workspace: all for admins, assigned ones otherwise."""
    return project_rule(
        actor.workspace_id, actor.user_id, is_admin=actor.is_admin, include_archived=include_archived
    )


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


def visible_rows(
    actor: Actor, scope: ProjectScope | None, model: type[Task] | type[Message] | type[StoredFile]
) -> ColumnElement[bool]:
    """Which rows of `model` a reader may see: one project's, through its scope;
    or (scope None, admins only) the workspace's, internal ones as
    `internal_visible` allows, never deleted ones. The workspace form refers to
    `Project`: join it on `model.project_id`."""
    if scope is not None:
        visible: dict[type, Callable[[ProjectScope], SelectOfScalar[Any]]] = {
            Task: visible_tasks,
            Message: visible_messages,
            StoredFile: visible_files,
        }
        clause = visible[model](scope).whereclause
        assert clause is not None  # the visible_* selects always filter
        return clause
    require_admin(actor)
    conditions = [
        visible_project_filter(actor),
        internal_visible(actor, col(model.project_id), col(model.internal)),
    ]
    if model is not Task:
        conditions.append(col(model.deleted_at).is_(None))  # type: ignore[union-attr]
    return and_(*conditions)


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


# Built once (every project page and API call checks a scope, issue 13).
_SCOPE = (
    select(Project, ProjectMembership.role)
    .outerjoin(
        ProjectMembership,
        and_(
            col(ProjectMembership.project_id) == Project.id,
            col(ProjectMembership.user_id) == bindparam("user_id"),
        ),
    )
    .where(col(Project.id) == bindparam("project_id"), col(Project.workspace_id) == bindparam("workspace_id"))
)


_SCOPES = "rehome_project_scopes"  # session.info: (actor, project id) -> (project, membership role)


@event.listens_for(OrmSession, "after_flush")
@event.listens_for(OrmSession, "after_transaction_end")
def _forget_scopes(session: OrmSession, *_: Any) -> None:
    """A flushed write or another transaction may change who sees what."""
    session.info.pop(_SCOPES, None)


@event.listens_for(OrmSession, "do_orm_execute")
def _forget_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:  # a bulk UPDATE or DELETE (a membership removed) flushes nothing
        state.session.info.pop(_SCOPES, None)


def project_scope(
    session: Session, actor: Actor, project_id: int, action: Action = Action.VIEW
) -> ProjectScope:
    """Load a project for the actor and check `action`, in one query.

    Within one transaction the row is read once per actor and project (a page
    opening calls this from every service it uses); any write forgets it, and
    the role and `action` are checked again on every call."""
    remembered: dict[tuple[Actor, int], tuple[Project, str | None]] = session.info.setdefault(_SCOPES, {})
    if session.new or session.dirty or session.deleted:  # unflushed changes: read again (autoflush)
        remembered.clear()
    known = remembered.get((actor, project_id))
    if known is None:
        params = {"user_id": actor.user_id, "project_id": project_id, "workspace_id": actor.workspace_id}
        row = session.exec(_SCOPE, params=params).first()
        if row is None:
            raise NotFound("Project not found.")
        known = remembered[(actor, project_id)] = (row[0], row[1])
    project, member_role = known
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
    return select(Task).where(task_rule(scope.project_id, sees_internal=scope.sees_internal))


def visible_messages(scope: ProjectScope) -> SelectOfScalar[Message]:
    return select(Message).where(message_rule(scope.project_id, sees_internal=scope.sees_internal))


def visible_files(scope: ProjectScope) -> SelectOfScalar[StoredFile]:
    """Live files of the project; internal ones for the firm's side, quarantined
    ones for admins only (listed as such, downloadable by nobody)."""
    rule = file_rule(
        scope.project_id, sees_internal=scope.sees_internal, sees_quarantine=scope.sees_quarantine
    )
    return select(StoredFile).where(rule)


def workspace_user(session: Session, actor: Actor, user_id: int) -> User:
    """A user of the admin's own workspace; anyone else is `NotFound`."""
    require_admin(actor)
    user = session.get(User, user_id)
    if user is None or user.workspace_id != actor.workspace_id:
        raise NotFound("User not found.")
    return user


def readable_messages(
    session: Session, actor: Actor, message_ids: list[int]
) -> list[tuple[Message, Project]]:
    """Live messages among `message_ids` the actor may read now, with their
    projects, in two queries (mail about messages re-checks access at send time)."""
    if not message_ids:
        return []
    rows = session.exec(
        select(Message, Project)
        .join(Project, Project.id == Message.project_id)  # type: ignore[arg-type]
        .where(
            Message.id.in_(message_ids),  # type: ignore[union-attr]
            Message.deleted_at.is_(None),  # type: ignore[union-attr]
            Project.workspace_id == actor.workspace_id,
        )
        .order_by(Message.id)  # type: ignore[arg-type]
    ).all()
    roles = project_roles(session, actor, sorted({m.project_id for m, _ in rows}))
    return [
        (m, p)
        for m, p in rows
        if m.project_id in roles and (not m.internal or roles[m.project_id] is not Role.CLIENT)
    ]


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
