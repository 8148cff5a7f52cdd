"""Who reads digests (F-33): scheduled work reads as a whole audience (staff or
clients), never as one person; summaries are listed per audience.
"""

from __future__ import annotations

from sqlalchemy import or_, true
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from rehome.core.access.queries import (
    visible_project_filter,
)
from rehome.core.access.roles import Action, Actor, ProjectScope, require_admin
from rehome.core.infra.errors import NotFound
from rehome.core.models import (
    Project,
    ProjectMembership,
    ProjectSummary,
    User,
)
from rehome.core.vocab import Role, SummaryAudience, SummaryStatus

SYSTEM_NAME = "ReHome"


_AUDIENCE_ROLE = {SummaryAudience.STAFF: Role.TEAM, SummaryAudience.CLIENT: Role.CLIENT}


def system_reader(workspace_id: int) -> Actor:
    """Who scheduled work reads as: nobody in particular (user id 0), seeing the
    workspace like its admins. Only used to build an audience's view (below)
    or the admins' weekly rollup, never to act."""
    return Actor(user_id=0, workspace_id=workspace_id, is_admin=True, name=SYSTEM_NAME)


def audience_scope(session: Session, project_id: int, audience: SummaryAudience) -> ProjectScope:
    """The project as a whole audience reads it, for digests no one person asked
    for: the firm's staff (team: internal items, no costs in digests) or its
    clients (client-visible items only). NotFound for a missing or archived project."""
    project = session.get(Project, project_id)
    if project is None or project.archived_at is not None or audience not in _AUDIENCE_ROLE:
        raise NotFound("Project not found.")
    return ProjectScope(system_reader(project.workspace_id), project, _AUDIENCE_ROLE[audience])


def summary_audience(scope: ProjectScope) -> SummaryAudience:
    """Which version of a project's digests this reader gets."""
    return SummaryAudience.STAFF if scope.sees_internal else SummaryAudience.CLIENT


def visible_summaries(scope: ProjectScope) -> SelectOfScalar[ProjectSummary]:
    """A project's stored summaries this reader may read: the staff version for
    the firm's side, the client version for clients; client update drafts only
    for those who approve them (no AI text reaches a client unreviewed)."""
    audiences = [SummaryAudience.CLIENT.value]
    if scope.sees_internal:
        audiences.append(SummaryAudience.STAFF.value)
    query = select(ProjectSummary).where(
        ProjectSummary.project_id == scope.project_id,
        col(ProjectSummary.audience).in_(audiences),
    )
    if not scope.can(Action.APPROVE_UPDATE):
        query = query.where(ProjectSummary.status != SummaryStatus.DRAFT.value)
    return query


def workspace_summaries_scope(actor: Actor, workspace_id: int) -> SelectOfScalar[ProjectSummary]:
    """The workspace's rollups: its admins only; another workspace is NotFound."""
    if workspace_id != actor.workspace_id:
        raise NotFound("Workspace not found.")
    require_admin(actor)
    return select(ProjectSummary).where(
        ProjectSummary.workspace_id == workspace_id,
        col(ProjectSummary.project_id).is_(None),
        ProjectSummary.audience == SummaryAudience.ADMIN.value,
    )


def admin_project_summaries(actor: Actor) -> SelectOfScalar[ProjectSummary]:
    """Every open project's summaries of the admin's workspace (any version)."""
    require_admin(actor)
    projects = select(Project.id).where(visible_project_filter(actor))
    return select(ProjectSummary).where(
        ProjectSummary.workspace_id == actor.workspace_id, col(ProjectSummary.project_id).in_(projects)
    )


def summary_readers(
    session: Session, project_id: int, audience: SummaryAudience, *, approvers: bool = False
) -> list[User]:
    """Active people who read this version of a project's summaries: clients
    for the client version, everyone else in the project (and the admins) for
    the staff version; with `approvers`, only those who may approve a client
    update (team members and admins)."""
    members = select(ProjectMembership.user_id).where(ProjectMembership.project_id == project_id)
    admins = col(User.is_admin) == true()
    if approvers:
        team = members.where(ProjectMembership.role == Role.TEAM.value)
        who = or_(col(User.id).in_(team), admins)
    elif audience is SummaryAudience.CLIENT:
        who = col(User.id).in_(members.where(ProjectMembership.role == Role.CLIENT.value))
    else:
        firm = members.where(ProjectMembership.role != Role.CLIENT.value)
        who = or_(col(User.id).in_(firm), admins)
    workspace = select(Project.workspace_id).where(Project.id == project_id).scalar_subquery()
    query = select(User).where(col(User.workspace_id) == workspace, col(User.disabled_at).is_(None), who)
    return list(session.exec(query.order_by(col(User.id))))


def workspace_admins(session: Session, workspace_id: int) -> list[User]:
    admins = col(User.is_admin) == true()
    query = select(User).where(User.workspace_id == workspace_id, admins, col(User.disabled_at).is_(None))
    return list(session.exec(query.order_by(col(User.id))))
