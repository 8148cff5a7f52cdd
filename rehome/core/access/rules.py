"""The visibility rules as SQL on the tables' own columns, with ids that may be
bound at run time. `queries` builds its selects from them; the list pages of
the REST API build their statements from the same rules once per shape and
bind the ids per request (`*_rows`, issue 13: building a select costs more CPU
than running it).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, false, select, true
from sqlmodel import select as sqlmodel_select
from sqlmodel.sql.expression import SelectOfScalar

from rehome.core.infra.db import table_of
from rehome.core.models import Message, Project, ProjectMembership, StoredFile, Task
from rehome.core.vocab import ScanStatus

PROJECTS, MEMBERSHIPS = table_of(Project), table_of(ProjectMembership)
TASKS, MESSAGES, FILES = table_of(Task), table_of(Message), table_of(StoredFile)
Id = int | BindParameter[int]


def project_rule(
    workspace_id: Id, user_id: Id, *, is_admin: bool, include_archived: bool = False
) -> ColumnElement[bool]:
    """Projects of the actor's workspace: all for admins, assigned ones otherwise;
    archived ones only for admins who ask for them."""
    conditions = [PROJECTS.c.workspace_id == workspace_id]
    if not is_admin:
        member = select(MEMBERSHIPS.c.project_id).where(MEMBERSHIPS.c.user_id == user_id)
        conditions.append(PROJECTS.c.id.in_(member))
    if not (is_admin and include_archived):
        conditions.append(PROJECTS.c.archived_at.is_(None))
    return and_(*conditions)


def task_rule(project_id: Id, *, sees_internal: bool) -> ColumnElement[bool]:
    """One project's tasks; internal ones for the firm's side only."""
    return and_(TASKS.c.project_id == project_id, true() if sees_internal else TASKS.c.internal == false())


def message_rule(project_id: Id, *, sees_internal: bool) -> ColumnElement[bool]:
    """One project's live messages; internal ones for the firm's side only."""
    return and_(
        MESSAGES.c.project_id == project_id,
        MESSAGES.c.deleted_at.is_(None),
        true() if sees_internal else MESSAGES.c.internal == false(),
    )


def file_rule(project_id: Id, *, sees_internal: bool, sees_quarantine: bool) -> ColumnElement[bool]:
    """One project's live files; internal ones for the firm's side, quarantined
    ones for admins only (listed as such, downloadable by nobody)."""
    return and_(
        FILES.c.project_id == project_id,
        FILES.c.deleted_at.is_(None),
        true() if sees_internal else FILES.c.internal == false(),
        true() if sees_quarantine else FILES.c.scan_status != ScanStatus.QUARANTINED.value,
    )


def project_rows(columns: tuple[Any, ...], *, is_admin: bool, include_archived: bool) -> Select[Any]:
    """`columns` of the projects an actor sees; binds `workspace_id` and `user_id`."""
    rule = project_rule(
        bindparam("workspace_id"), bindparam("user_id"), is_admin=is_admin, include_archived=include_archived
    )
    return select(*columns).where(rule)


def task_rows(columns: tuple[Any, ...], *, sees_internal: bool) -> Select[Any]:
    """`columns` of the tasks a scope sees (`visible_tasks`); binds `project_id`."""
    return select(*columns).where(task_rule(bindparam("project_id"), sees_internal=sees_internal))


def message_rows(columns: tuple[Any, ...], *, sees_internal: bool) -> Select[Any]:
    """`columns` of the messages a scope sees (`visible_messages`); binds `project_id`."""
    return select(*columns).where(message_rule(bindparam("project_id"), sees_internal=sees_internal))


@lru_cache(maxsize=8)
def message_attachments(*, sees_internal: bool, sees_quarantine: bool) -> SelectOfScalar[StoredFile]:
    """The files of chat messages a scope sees (`visible_files`), built once per
    role's shape; binds `project_id` and `message_ids` (a list)."""
    in_messages = FILES.c.message_id.in_(bindparam("message_ids", expanding=True))
    rule = file_rule(bindparam("project_id"), sees_internal=sees_internal, sees_quarantine=sees_quarantine)
    return sqlmodel_select(StoredFile).where(rule, in_messages).order_by(FILES.c.id)
