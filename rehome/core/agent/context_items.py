"""Rows for the assistant's context (F-32): bounded fetches and quoted rendering.

Split from `context` so each half reads on its own: this module answers "which
rows may this reader get, in a fixed number of queries" and "how does one row
look as quoted data"; `context` decides what fits and in which order.

Every fetch starts from the access layer (`visible_tasks`, `visible_messages`,
`visible_files` for one project; `visible_project_filter` plus
`internal_visible` for an admin's workspace), reads a bounded window (newest
first, by an indexed column where one exists) and joins the names it needs, so
the number of queries never depends on the project's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, null, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from rehome.core.access import visible_rows
from rehome.core.agent.context_rows import (
    DESCRIPTION_CHARS,
    NOTES_CHARS,
    Candidate,
    Lens,
    clip,
    iso,
    money,
    quote,
    size,
    stamp,
)
from rehome.core.infra.clock import today
from rehome.core.infra.db import exec_rows
from rehome.core.models import (
    Message,
    MessageMention,
    Project,
    StoredFile,
    Task,
    TaskEvent,
    User,
)
from rehome.core.vocab import ScanStatus, TaskStatus

# Windows: generous for any realistic budget, small enough to stay fast.
MESSAGE_WINDOW = 400
MENTION_WINDOW = 50
TASK_WINDOW = 400
ATTENTION_WINDOW = 100  # open tasks that are blocked or overdue, beyond the newest window
EVENT_WINDOW = 200
FILE_WINDOW = 100
_SCAN_FLAGS = {ScanStatus.PENDING: " | being checked for viruses", ScanStatus.QUARANTINED: " | quarantined"}


def _visible(lens: Lens, model: Any) -> ColumnElement[bool]:
    """Which `model` rows the reader may see (`access.visible_rows`)."""
    return visible_rows(lens.actor, lens.scope, model)


def _narrow(lens: Lens, model: Any, *columns: Any) -> Select:
    """`columns` of the reader's visible `model` rows, as plain rows; the
    project's name rides along where rows are joined to their project."""
    project = (col(Project.name) if lens.workspace else null()).label("project")
    query = sa_select(*columns, project).select_from(model)
    if lens.workspace:
        query = query.join(Project, col(Project.id) == model.project_id)
    return query.where(_visible(lens, model))


def _select(lens: Lens, model: Any, person: Any, *columns: Any) -> Select:
    """`columns` of visible `model` rows with the linked person's name (`who`)."""
    query = _narrow(lens, model, *columns, model.project_id, col(User.name).label("who"))
    return query.outerjoin(User, col(User.id) == person)


def _where(lens: Lens, row: Any) -> tuple[str, dict[str, Any]]:
    """Which project a row is from: in data always, in the text for the workspace view."""
    data = {"project_id": row["project_id"], "project": row["project"]}
    return (f" | project: {quote(row['project'])}" if lens.workspace else ""), data


def _rows(session: Session, query: Select) -> Iterator[Any]:
    """Each row's mapping: read by key it costs a fraction of a `Row` attribute,
    which the per-row rendering below paid some thirty times a task."""
    for row in exec_rows(session, query):
        yield row._mapping


def fetch_messages(session: Session, lens: Lens, *, mentions: bool) -> list[Candidate]:
    me = lens.actor.user_id
    query = _select(
        lens, Message, Message.author_id, Message.id, Message.body, Message.internal, Message.created_at
    ).outerjoin(
        MessageMention, and_(col(MessageMention.message_id) == Message.id, col(MessageMention.user_id) == me)
    )
    query = query.add_columns(col(MessageMention.user_id).label("mention"))
    # Newest first; for mentions the same order (the join makes the ids equal),
    # read from the reader's mentions in ix_message_mentions_user_message up to the LIMIT.
    newest: Any = (col(MessageMention.message_id) if mentions else col(Message.id)).desc()
    if mentions:
        query = query.where(col(MessageMention.user_id) == me)
    limit = MENTION_WINDOW if mentions else MESSAGE_WINDOW
    out = []
    for r in _rows(session, query.order_by(newest).limit(limit)):
        author = r["who"] or "Former member"
        where, data = _where(lens, r)
        flags = (" | mentions you" if r["mention"] else "") + (" | internal" if r["internal"] else "")
        text = (
            f"[M-{r['id']}] message{where} | at: {stamp(r['created_at'])} | from: {quote(author)}{flags}"
            f" | text: {quote(r['body'])}"
        )
        data.update(
            author=author,
            created_at=iso(r["created_at"]),
            body=r["body"],
            mentions_me=r["mention"] is not None,
            internal=r["internal"],
        )
        out.append(Candidate("message", r["id"], f"M-{r['id']}", text, data, r["created_at"]))
    return out


def fetch_tasks(session: Session, lens: Lens, *, attention: bool) -> list[Candidate]:
    """The newest tasks by last update, or (`attention`) open blocked/overdue ones.

    Internal notes and costs are not even read for a role that may not see them.
    """
    notes = func.substr(Task.internal_notes, 1, NOTES_CHARS + 1) if lens.sees_internal else null()
    cost = col(Task.cost_cents) if lens.sees_costs else null()
    description = func.substr(Task.description, 1, DESCRIPTION_CHARS + 1)
    columns = (Task.id, Task.title, Task.status, Task.priority, Task.assignee_id, Task.due_date)
    query = _select(
        lens,
        Task,
        Task.assignee_id,
        *columns,
        Task.internal,
        Task.updated_at,
        description.label("description"),
        notes.label("notes"),
        cost.label("cost"),
    )
    now = today()
    if attention:
        late = col(Task.due_date) < now
        query = query.where(
            col(Task.status) != TaskStatus.DONE, or_(col(Task.status) == TaskStatus.BLOCKED, late)
        )
    limit = ATTENTION_WINDOW if attention else TASK_WINDOW
    out = []
    newest: tuple[Any, ...] = (col(Task.updated_at).desc(), col(Task.id).desc())
    if lens.scope is not None:  # one project: ix_tasks_project_updated serves this order with the LIMIT
        newest = (col(Task.project_id).desc(), *newest)
    for r in _rows(session, query.order_by(*newest).limit(limit)):
        overdue = r["due_date"] is not None and r["status"] != TaskStatus.DONE and r["due_date"] < now
        where, data = _where(lens, r)
        parts = [f"[T-{r['id']}] task{where}", f"status: {r['status']}", f"priority: {r['priority']}"]
        if r["due_date"] is not None:
            parts.append(f"due: {r['due_date'].isoformat()}" + (" (overdue)" if overdue else ""))
        parts.append(f"assignee: {quote(r['who'])}" if r["who"] else "assignee: none")
        parts.append(f"updated: {stamp(r['updated_at'])}")
        parts += ["internal"] if r["internal"] else []
        parts += [f"cost: {money(r['cost'])}"] if r["cost"] is not None else []
        parts.append(f"title: {quote(r['title'])}")
        parts += (
            [f"description: {quote(clip(r['description'], DESCRIPTION_CHARS))}"] if r["description"] else []
        )
        parts += [f"internal notes: {quote(clip(r['notes'], NOTES_CHARS))}"] if r["notes"] else []
        data.update(
            title=r["title"],
            status=r["status"],
            priority=r["priority"],
            due_date=r["due_date"].isoformat() if isinstance(r["due_date"], date) else None,
            overdue=overdue,
            assignee=r["who"],
            assigned_to_me=r["assignee_id"] == lens.actor.user_id,
            updated_at=iso(r["updated_at"]),
            internal=r["internal"],
            description=clip(r["description"], DESCRIPTION_CHARS),
            internal_notes=clip(r["notes"], NOTES_CHARS) if lens.sees_internal else None,
            cost_cents=r["cost"] if lens.sees_costs else None,
        )
        out.append(Candidate("task", r["id"], f"T-{r['id']}", " | ".join(parts), data, r["updated_at"]))
    return out


def fetch_events(session: Session, lens: Lens) -> list[Candidate]:
    """Recent status changes of tasks the reader may see (never of internal ones for a client)."""
    query = (
        _narrow(lens, Task, Task.project_id, Task.title, col(User.name).label("who"))
        .join(TaskEvent, col(TaskEvent.task_id) == Task.id)
        .outerjoin(User, col(User.id) == TaskEvent.actor_id)
        .add_columns(
            col(TaskEvent.id), col(TaskEvent.task_id), col(TaskEvent.from_status), col(TaskEvent.to_status)
        )
        .add_columns(col(TaskEvent.created_at))
        .where(col(TaskEvent.kind) == "status", col(TaskEvent.project_id) == Task.project_id)
    )
    if lens.scope is not None:
        query = query.where(col(TaskEvent.project_id) == lens.scope.project_id)
    out = []
    for r in _rows(session, query.order_by(col(TaskEvent.id).desc()).limit(EVENT_WINDOW)):
        who, ref = r["who"] or "Someone", f"T-{r['task_id']}"
        where, data = _where(lens, r)
        text = (
            f"[{ref}] status change{where} | at: {stamp(r['created_at'])} | by: {quote(who)}"
            f" | from: {r['from_status'] or 'none'} | to: {r['to_status']} | task: {quote(r['title'])}"
        )
        data.update(
            task_ref=ref,
            task_id=r["task_id"],
            task_title=r["title"],
            from_status=r["from_status"],
            to_status=r["to_status"],
            actor=who,
            created_at=iso(r["created_at"]),
        )
        out.append(Candidate("event", r["id"], ref, text, data, r["created_at"]))
    return out


def fetch_files(session: Session, lens: Lens) -> list[Candidate]:
    """Names and metadata, never content (scan states: `_SCAN_FLAGS`)."""
    f = StoredFile
    columns = (f.id, f.name, f.kind, f.content_type, f.size_bytes, f.internal, f.scan_status, f.created_at)
    query = _select(lens, StoredFile, StoredFile.uploaded_by, *columns)
    out = []
    for r in _rows(session, query.order_by(col(StoredFile.id).desc()).limit(FILE_WINDOW)):
        where, data = _where(lens, r)
        state = _SCAN_FLAGS.get(r["scan_status"], "")
        who = quote(r["who"] or "Former member")
        text = (
            f"[F-{r['id']}] file{where} | at: {stamp(r['created_at'])} | by: {who}"
            f" | {r['kind']} | size: {size(r['size_bytes'])}{' | internal' if r['internal'] else ''}{state}"
            f" | type: {quote(r['content_type'])} | name: {quote(r['name'])}"
        )
        data.update({k: r[k] for k in ("name", "kind", "content_type", "size_bytes", "internal")})
        data.update(created_at=iso(r["created_at"]), uploaded_by=r["who"], scan_status=r["scan_status"])
        out.append(Candidate("file", r["id"], f"F-{r['id']}", text, data, r["created_at"]))
    return out
