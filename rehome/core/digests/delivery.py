"""Telling people a summary is ready (F-33, F-10, F-35): live to every viewer
allowed to see it, a notification in the bell, and one mail per person who
chose digests. Called inside the transaction that stores the summary, so
nothing is announced that was not stored; every mail is keyed by summary and
person, so a redelivered job mails nobody twice.

Scheduled summaries are broadcast; one somebody asked for (generate now, a
milestone or meeting summary) is shown live and rung in the asker's bell only.
Who hears of what follows the access layer: a project's staff version goes to
its firm-side members and the admins, its client version to its clients, a
client update draft only to those who approve it (never to a client), the
weekly rollup to the workspace's admins. A cached summary (nothing new could
be written) is shown live, marked, but mailed and notified to nobody.
"""

from __future__ import annotations

from sqlmodel import Session

from rehome.core import notifications
from rehome.core.access import summary_readers, workspace_admins
from rehome.core.agent.prompt import link_citations
from rehome.core.mail.messages import summary_mail
from rehome.core.mail.outbox import queue_mail
from rehome.core.mail.preferences import unsubscribe_url
from rehome.core.models import Project, ProjectSummary, User, Workspace
from rehome.core.realtime import events
from rehome.core.vocab import (
    EventKind,
    MailKind,
    MailPref,
    NotificationKind,
    SummaryAudience,
    SummaryStatus,
    SummaryType,
)

_TITLES = {
    SummaryType.DAILY: "Daily digest",
    SummaryType.WEEKLY: "Weekly workspace rollup",
    SummaryType.MILESTONE: "Milestone summary",
    SummaryType.MEETING: "Meeting summary",
    SummaryType.CLIENT_UPDATE: "Weekly update",
}


def heading(kind: SummaryType, project_name: str, day: str, own: str = "") -> str:
    """How a summary is named: kind, project and day (or the asker's own title)."""
    label = f"{_TITLES[kind]}: {own}" if own else _TITLES[kind]
    return f"{label} · {project_name} · {day}" if project_name else f"{label} · {day}"


def title(summary: ProjectSummary, project_name: str) -> str:
    given = str(summary.meta.get("title") or "")
    return given or heading(SummaryType(summary.type), project_name, summary.generated_at.date().isoformat())


def link_for(summary: ProjectSummary) -> str:
    if summary.project_id is None:
        return f"/admin/agent?tab=weekly&summary={summary.id}"
    return f"/projects/{summary.project_id}?tab=agent&summary={summary.id}"


def announce(session: Session, summary: ProjectSummary, *, broadcast: bool = True) -> None:
    """Live event, bell and mail for a stored summary (after commit). Without
    `broadcast` (a summary someone asked for), only the asker gets a bell
    notification: five clicks on "Generate now" mail nobody five times."""
    sid, status = int(summary.id or 0), SummaryStatus(summary.status)
    data = {"summary_id": sid, "audience": summary.audience, "status": status.value, "type": summary.type}
    if summary.project_id is not None:
        events.emit(session, summary.project_id, EventKind.AGENT_SUMMARY_READY, **data)
        project = session.get(Project, summary.project_id)
        readers = summary_readers(
            session,
            summary.project_id,
            SummaryAudience(summary.audience),
            approvers=status is SummaryStatus.DRAFT,
        )
    else:
        project, readers = None, workspace_admins(session, summary.workspace_id)
        for admin in readers:
            events.emit_to_user(session, int(admin.id or 0), EventKind.AGENT_SUMMARY_READY, **data)
    if status is SummaryStatus.CACHED or not readers:
        return
    if not broadcast:
        readers = [u for u in readers if u.id == summary.created_by]
    name = project.name if project else ""
    _bell(session, summary, name, readers)
    if broadcast and status is not SummaryStatus.DRAFT:
        mail_summary(session, summary, name, readers)


def _bell(session: Session, summary: ProjectSummary, name: str, readers: list[User]) -> None:
    draft = summary.status == SummaryStatus.DRAFT
    verdict = str(summary.meta.get("verdict_line", ""))
    update = summary.type == SummaryType.CLIENT_UPDATE
    notifications.notify(
        session,
        user_ids=[int(u.id or 0) for u in readers],
        workspace_id=summary.workspace_id,
        project_id=summary.project_id,
        kind=NotificationKind.CLIENT_UPDATE if update else NotificationKind.DIGEST,
        title=f"Client update to review · {name}" if draft else title(summary, name),
        body="Edit and approve it before it goes to the clients." if draft else verdict,
        link=link_for(summary),
        dedupe_key=f"summary:{summary.id}:{summary.status}",
    )


def mail_summary(session: Session, summary: ProjectSummary, name: str, readers: list[User]) -> int:
    """One mail per reader who wants digests (and did not mute the project); returns how many."""
    silenced = (
        notifications.muted(session, summary.project_id, [int(u.id or 0) for u in readers])
        if summary.project_id
        else set()
    )
    wanted = [u for u in readers if MailPref(u.mail_pref).wants_digests and u.id not in silenced]
    if not wanted:
        return 0
    workspace = session.get(Workspace, summary.workspace_id)
    body = link_citations(summary.content, dict(summary.meta.get("links", {})))
    update = summary.type == SummaryType.CLIENT_UPDATE
    kind = MailKind.CLIENT_UPDATE if update else MailKind.DIGEST
    sent = 0
    for user in wanted:
        content = summary_mail(
            subject=_subject(summary, name),
            heading=title(summary, name),
            markdown=body,
            link=link_for(summary),
            button="Reply in ReHome" if update else "Open in ReHome",
            footer="You get digests because your email preference includes them."
            if not update
            else "Your project team wrote and approved this update for you.",
            unsubscribe_url=unsubscribe_url(int(user.id or 0), "digest"),
            workspace=workspace.name if workspace else "",
        )
        sent += queue_mail(
            session,
            key=f"summary:{summary.id}:{user.id}",
            kind=kind,
            to=user.email,
            content=content,
            user_id=user.id,
            workspace_id=summary.workspace_id,
        )
    return sent


def _subject(summary: ProjectSummary, name: str) -> str:
    if summary.type == SummaryType.CLIENT_UPDATE:
        return f"{name}: your weekly update"
    verdict = str(summary.meta.get("verdict_line", "")).strip()
    where = name or "Your workspace this week"
    return f"{where} — {verdict[:1].upper()}{verdict[1:]}" if verdict else title(summary, name)
