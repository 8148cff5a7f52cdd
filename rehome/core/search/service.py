"""Workspace-wide search for the admin dashboard: projects, tasks, messages, files, people.

Matching happens in the database (PostgreSQL full-text search backed by the
GIN expression indexes of migration 9ab6ef98d269; case-insensitive LIKE on the
embedded SQLite), so a workspace with many rows costs one bounded query per
group, never a Python loop over rows. Who sees what is decided by `access`:
projects come from `visible_project_filter`, and tasks and messages are only
taken from those projects, without internal items where the reader is a client.
File names and people are matched as substrings, not words ("IMG_20" finds
"IMG_2041.jpg"): they are short labels, not prose.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select as sa_select
from sqlalchemy import true
from sqlmodel import Session, col, select

from rehome.core.access import Actor, internal_visible, visible_project_filter
from rehome.core.infra.db import exec_rows
from rehome.core.models import Message, Project, StoredFile, Task, User
from rehome.core.search.matcher import Matcher, like_all
from rehome.core.vocab import ScanStatus

MAX_QUERY = 200
MAX_LIMIT = 50
SNIPPET_CHARS = 160


class SearchHit(BaseModel):
    kind: Literal["project", "task", "message", "file", "user"]
    id: int
    project_id: int | None
    title: str
    snippet: str
    link: str


class SearchResults(BaseModel):
    query: str
    projects: list[SearchHit] = Field(default_factory=list)
    tasks: list[SearchHit] = Field(default_factory=list)
    messages: list[SearchHit] = Field(default_factory=list)
    files: list[SearchHit] = Field(default_factory=list)
    users: list[SearchHit] = Field(default_factory=list)


def search(session: Session, actor: Actor, q: str, limit: int = 10) -> SearchResults:
    """Up to `limit` hits per group for `q`, in at most five queries.

    A blank query answers empty without touching the database; users are
    listed for admins only, and only those of the admin's own workspace.
    """
    query = (q or "").replace("\x00", "").strip()[:MAX_QUERY].strip()  # text search: a NUL is noise
    results = SearchResults(query=query)
    if not query:
        return results
    limit = max(1, min(limit, MAX_LIMIT))
    matcher = Matcher.build(session, query)
    results.projects = _projects(session, actor, matcher, limit)
    results.tasks = _tasks(session, actor, matcher, limit)
    results.messages = _messages(session, actor, matcher, limit)
    results.files = _files(session, actor, matcher, limit)
    if actor.is_admin:
        results.users = _users(session, actor, matcher, limit)
    return results


def _projects(session: Session, actor: Actor, m: Matcher, limit: int) -> list[SearchHit]:
    columns = (Project.name, Project.description, Project.address)
    rows = session.exec(
        select(Project.id, Project.name, Project.description, Project.address)
        .where(visible_project_filter(actor), m.matches(*columns))
        .order_by(*m.order(columns, Project.created_at, Project.id))
        .limit(limit)
    )
    return [
        SearchHit(
            kind="project",
            id=pid,
            project_id=pid,
            title=name,
            snippet=_snippet(f"{description} {address}", m.words),
            link=f"/projects/{pid}",
        )
        for pid, name, description, address in rows
    ]


def _tasks(session: Session, actor: Actor, m: Matcher, limit: int) -> list[SearchHit]:
    columns = (Task.title, Task.description)
    where = [
        visible_project_filter(actor),
        internal_visible(actor, col(Task.project_id), col(Task.internal)),
    ]
    rows = session.exec(
        select(Task.id, Task.project_id, Task.title, Task.description)
        .join(Project, col(Project.id) == Task.project_id)
        .where(*where, m.newest(Task, columns, where))
        .order_by(*m.order(columns, Task.created_at, Task.id))
        .limit(limit)
    )
    return [
        SearchHit(
            kind="task",
            id=tid,
            project_id=pid,
            title=title,
            snippet=_snippet(description or title, m.words),
            link=f"/projects/{pid}?task={tid}",
        )
        for tid, pid, title, description in rows
    ]


def _messages(session: Session, actor: Actor, m: Matcher, limit: int) -> list[SearchHit]:
    columns = (Message.body,)
    where = [
        visible_project_filter(actor),
        col(Message.deleted_at).is_(None),
        internal_visible(actor, col(Message.project_id), col(Message.internal)),
    ]
    rows = exec_rows(
        session,
        sa_select(  # five columns: more than sqlmodel.select types
            col(Message.id), col(Message.project_id), col(Message.body), col(Project.name), col(User.name)
        )
        .join(Project, col(Project.id) == Message.project_id)
        .outerjoin(User, col(User.id) == Message.author_id)
        .where(*where, m.newest(Message, columns, where))
        .order_by(*m.order(columns, Message.created_at, Message.id))
        .limit(limit),
    )
    return [
        SearchHit(
            kind="message",
            id=mid,
            project_id=pid,
            title=f"{author or 'Former member'} in {project_name}",
            snippet=_snippet(body, m.words),
            link=f"/projects/{pid}?tab=chat&message={mid}",
        )
        for mid, pid, body, project_name, author in rows
    ]


def _files(session: Session, actor: Actor, m: Matcher, limit: int) -> list[SearchHit]:
    """Live files by name; quarantined ones are for admins only, as in the project's list."""
    shown = true() if actor.is_admin else col(StoredFile.scan_status) != ScanStatus.QUARANTINED.value
    rows = exec_rows(
        session,
        sa_select(  # five columns: more than sqlmodel.select types
            col(StoredFile.id),
            col(StoredFile.project_id),
            col(StoredFile.name),
            col(Project.name),
            col(User.name),
        )
        .join(Project, col(Project.id) == StoredFile.project_id)
        .outerjoin(User, col(User.id) == StoredFile.uploaded_by)
        .where(
            visible_project_filter(actor),
            col(StoredFile.deleted_at).is_(None),
            internal_visible(actor, col(StoredFile.project_id), col(StoredFile.internal)),
            shown,
            like_all(m.terms, (col(StoredFile.name),)),
        )
        .order_by(col(StoredFile.id).desc())
        .limit(limit),
    )
    return [
        SearchHit(
            kind="file",
            id=fid,
            project_id=pid,
            title=name,
            snippet=f"{project_name} · {uploader or 'Former member'}",
            link=f"/projects/{pid}?tab=files&file={fid}",
        )
        for fid, pid, name, project_name, uploader in rows
    ]


def _users(session: Session, actor: Actor, m: Matcher, limit: int) -> list[SearchHit]:
    """Names and emails are short and not prose: substring matching suits them better."""
    rows = session.exec(
        select(User.id, User.name, User.email)
        .where(User.workspace_id == actor.workspace_id, like_all(m.terms, (User.name, User.email)))
        .order_by(col(User.name), col(User.id))
        .limit(limit)
    )
    return [
        SearchHit(
            kind="user", id=uid, project_id=None, title=name, snippet=email, link=f"/admin/users?user={uid}"
        )
        for uid, name, email in rows
    ]


def _snippet(text: str, words: tuple[str, ...]) -> str:
    """At most SNIPPET_CHARS of plain text around the first matching word."""
    flat = " ".join(text.split())
    if len(flat) <= SNIPPET_CHARS:
        return flat
    lower = flat.lower()
    first = min((i for i in (lower.find(w) for w in words) if i >= 0), default=0)
    width = SNIPPET_CHARS - 2  # room for the two ellipses
    start = max(0, min(first - width // 4, len(flat) - width))
    piece = flat[start : start + width]
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(flat) else "")
