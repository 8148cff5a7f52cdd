"""One item and the actor's scope in its project: a task, a message or a file the
actor may see (NotFound otherwise), with the action they ask for checked.
"""

from __future__ import annotations

from sqlmodel import Session

from rehome.core.access.queries import (
    project_scope,
)
from rehome.core.access.roles import Action, Actor, ProjectScope
from rehome.core.infra.errors import Conflict, NotFound
from rehome.core.models import (
    Message,
    StoredFile,
    Task,
)
from rehome.core.vocab import ScanStatus


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
