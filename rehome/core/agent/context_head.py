"""The head of the assistant's context (F-32): the project in scope (or the
workspace's projects), the exact task counts and the people, each read in one
bounded query through the access layer. Split from `context_items`, which reads
the windows of tasks, messages, events and files below them.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import String, and_, null, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from rehome.core.access import project_people_filter, visible_project_filter
from rehome.core.agent.context_rows import DESCRIPTION_CHARS, EPOCH, Candidate, Lens, clip, money, quote
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import exec_rows
from rehome.core.models import Project, ProjectMembership, User
from rehome.core.tasks.figures import Moment, by_assignee
from rehome.settings import get_settings

PEOPLE_CAP = 40
PROJECT_CAP = 100


def fetch_projects(session: Session, lens: Lens) -> list[Candidate]:
    """The header: the one project in scope (already loaded), or the workspace's projects."""
    if lens.scope is not None:
        projects = [lens.scope.project]
    else:
        newest = (col(Project.updated_at).desc(), col(Project.id).desc())
        query = select(Project).where(visible_project_filter(lens.actor)).order_by(*newest)
        projects = list(session.exec(query.limit(PROJECT_CAP)))
    out = []
    for project in projects:
        pid = int(project.id or 0)
        budget = project.budget_cents if lens.sees_costs else None
        description = clip(project.description, DESCRIPTION_CHARS)
        parts = [f"[P-{pid}] project", f"name: {quote(project.name)}", f"your role: {lens.role}"]
        parts += [f"address: {quote(project.address)}"] if project.address else []
        parts += [f"budget: {money(budget)}"] if budget is not None else []
        parts += [f"description: {quote(description)}"] if description else []
        data = {
            "name": project.name,
            "address": project.address,
            "description": description,
            "budget_cents": budget,
            "role": lens.role,
        }
        out.append(Candidate("project", pid, f"P-{pid}", " | ".join(parts), data, project.updated_at))
    return out


def fetch_figures(session: Session, lens: Lens) -> list[Candidate]:
    """Exact task counts for the reader, from the database (one query): the
    lists below are a budgeted part, so totals and "overdue by assignee" are
    read from here, never counted from the lines (F-33)."""
    now = utcnow()
    at = Moment(now=now, since=now - timedelta(days=7), stalled_days=get_settings().digest_stalled_days)
    rows = by_assignee(session, lens.actor, lens.scope, at)
    totals = {key: sum(getattr(r, key) for r in rows) for key in ("open", "overdue", "blocked")}
    late = [r for r in rows if r.overdue]
    people = ", ".join(f"{quote(r.name)} {r.overdue}" for r in late) or "none"
    text = (
        f"[N-0] exact counts | open tasks: {totals['open']} | overdue: {totals['overdue']}"
        f" | blocked: {totals['blocked']} | overdue by assignee: {people}"
    )
    data = {
        **totals,
        "overdue_by_assignee": [[r.name, r.overdue] for r in late],
        "blocked_by_assignee": [[r.name, r.blocked] for r in rows if r.blocked],
    }
    return [Candidate("figures", 0, "N-0", text, data, now)]


def fetch_people(session: Session, lens: Lens) -> list[Candidate]:
    """Who is in the project (members and workspace admins), or the workspace's
    people; contacts of others only for roles that see contacts."""
    me = lens.actor.user_id
    columns = (col(User.id), col(User.name), col(User.email), col(User.phone), col(User.is_admin))
    if lens.scope is not None:
        pid = lens.scope.project_id
        member = and_(col(ProjectMembership.user_id) == User.id, col(ProjectMembership.project_id) == pid)
        query = (
            sa_select(*columns, col(ProjectMembership.role))
            .outerjoin(ProjectMembership, member)
            .where(project_people_filter(pid, lens.actor.workspace_id))
        )
    else:
        no_role = type_coerce(null(), String).label("role")  # NULL, typed like the role column
        query = sa_select(*columns, no_role).where(
            col(User.workspace_id) == lens.actor.workspace_id,
            col(User.disabled_at).is_(None),
        )
    out = []
    for r in exec_rows(session, query.order_by(col(User.name), col(User.id)).limit(PEOPLE_CAP)):
        role = "admin" if r.is_admin else (r.role or "member")
        show = lens.sees_contacts or r.id == me
        email, phone = (r.email, r.phone) if show else (None, None)
        parts = [f"[U-{r.id}] person", f"role: {role}", f"name: {quote(r.name)}"]
        parts += [f"email: {quote(email)}"] if email else []
        parts += [f"phone: {quote(phone)}"] if phone else []
        parts += ["this is you"] if r.id == me else []
        data = {"name": r.name, "role": role, "email": email, "phone": phone, "is_me": r.id == me}
        out.append(Candidate("person", r.id, f"U-{r.id}", " | ".join(parts), data, EPOCH))
    return out
