"""Who hears about a file (F-10 notifications): the assignee of a task it is
added to, and the uploader and admins when a scan quarantines it. Mail is the
notification service's business, not this module's."""

from __future__ import annotations

from sqlmodel import Session, select

from rehome.core import notifications
from rehome.core.access import ProjectScope
from rehome.core.models import Project, ProjectMembership, StoredFile, Task, User
from rehome.core.vocab import Role


def notify_attached(session: Session, scope: ProjectScope, task: Task, stored: StoredFile) -> None:
    """The assignee (if someone else, and if they may see the file) hears once per file and task."""
    if task.assignee_id is None or task.assignee_id == scope.actor.user_id:
        return
    if stored.internal and _is_client(session, task.assignee_id, scope.project_id):
        return
    notifications.notify(
        session,
        user_ids=[task.assignee_id],
        workspace_id=scope.actor.workspace_id,
        project_id=scope.project_id,
        kind="file",
        title=f"{scope.actor.name} added a file to your task",
        body=f"{stored.name} · {task.title}",
        link=f"/projects/{scope.project_id}?task={task.id}",
        dedupe_key=f"file:{stored.id}:task:{task.id}",
    )


def notify_quarantined(session: Session, stored: StoredFile, signature: str) -> None:
    """The uploader and the workspace's admins learn that a file was quarantined."""
    project = session.get(Project, stored.project_id)
    admins = session.exec(
        select(User.id).where(
            User.workspace_id == stored.workspace_id,
            User.is_admin == True,  # noqa: E712
            User.disabled_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    people = {a for a in admins if a is not None} | ({stored.uploaded_by} if stored.uploaded_by else set())
    notifications.notify(
        session,
        user_ids=sorted(people),
        workspace_id=stored.workspace_id,
        project_id=stored.project_id,
        kind="file",
        title=f"A file was quarantined in {project.name if project else 'a project'}",
        body=f"{stored.name}: the virus scan found {signature}. Nobody can download it.",
        link=f"/admin/files?project={stored.project_id}",
        dedupe_key=f"file:{stored.id}:quarantined",
    )


def _is_client(session: Session, user_id: int, project_id: int) -> bool:
    role = session.exec(
        select(ProjectMembership.role).where(
            ProjectMembership.project_id == project_id, ProjectMembership.user_id == user_id
        )
    ).first()
    return role == Role.CLIENT
