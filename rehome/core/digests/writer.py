"""Digests as short, cited markdown, written from facts (F-33).

The draft is the digest: verdict first with its one reason, then what
changed, blockers with their age and owner, who owes what decision, what is
due next. Every number is a database count (`ProjectFacts.figures` and
friends) and every claim carries its reference ([T-42], [M-1031]); an empty
section says "None reported" rather than inventing something. Lists are cut
at a few lines, with the exact number of the rest.

A model may reword a draft (`generate`); `numbers_kept` then checks it kept
the draft's numbers and added none. Project text (titles, chat) is flattened
(`inert`) so it can neither forge a citation nor open markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rehome.core.digests.fact_types import Change, ProjectFacts, Said, TaskLine
from rehome.core.tasks.figures import TaskFigures
from rehome.core.vocab import SummaryAudience, Verdict

NONE = "None reported."
MAX_ITEMS = 3  # lines per section: a phone screen, not a report
_REF = re.compile(r"\[[TMF]-\d{1,10}\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_INERT = str.maketrans({"[": "(", "]": ")", "`": "'", "*": "", "_": " ", "<": "‹", ">": "›", "|": "/"})
_STATUS = {
    "backlog": "backlog",
    "todo": "to do",
    "in_progress": "in progress",
    "blocked": "blocked",
    "done": "done",
}


@dataclass(frozen=True, slots=True)
class Assessment:
    level: Verdict
    reason: str
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Draft:
    text: str
    refs: frozenset[str]
    verdict: Assessment
    figures: dict[str, Any]


def inert(value: object, limit: int = 80) -> str:
    """Project text as plain words: one line, no brackets or markup, capped."""
    text = re.sub(r"\s+", " ", str(value or "")).strip().translate(_INERT)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _days(since: datetime | date, today: date) -> int:
    day = since.date() if isinstance(since, datetime) else since
    return max(0, (today - day).days)


def assess(
    figures: TaskFigures,
    *,
    overdue: list[TaskLine] | None = None,
    blocked: list[TaskLine] | None = None,
    waiting: list[Said] | None = None,
    today: date,
) -> Assessment:
    """On track / at risk / off track, with the one reason that decided it.

    Off track: an urgent task overdue, a task blocked for over a week, or five
    or more overdue tasks making a fifth of the open ones. At risk: anything
    overdue or blocked, or a client question unanswered for two days. The
    lists only supply the example to cite; the numbers are the counts."""
    overdue, blocked, waiting = overdue or [], blocked or [], waiting or []
    oldest = overdue[0] if overdue else None
    stuck = blocked[0] if blocked else None
    cite = (oldest.ref,) if oldest else ()
    if figures.overdue_urgent:
        urgent = next((t for t in overdue if t.priority == "urgent"), None)
        refs = (urgent.ref,) if urgent else ()
        return Assessment(Verdict.OFF_TRACK, f"{plural(figures.overdue_urgent, 'urgent task')} overdue", refs)
    if figures.blocked_long:
        refs = (stuck.ref,) if stuck else ()
        return Assessment(
            Verdict.OFF_TRACK, f"{plural(figures.blocked_long, 'task')} blocked over a week", refs
        )
    if figures.overdue >= 5 and figures.overdue * 5 >= figures.open:
        return Assessment(
            Verdict.OFF_TRACK, f"{figures.overdue} of {figures.open} open tasks are overdue", cite
        )
    if figures.overdue:
        oldest_by = (
            f", the oldest by {plural(_days(oldest.due, today), 'day')}" if oldest and oldest.due else ""
        )
        return Assessment(Verdict.AT_RISK, f"{plural(figures.overdue, 'task')} overdue{oldest_by}", cite)
    if figures.blocked:
        refs = (stuck.ref,) if stuck else ()
        return Assessment(Verdict.AT_RISK, f"{plural(figures.blocked, 'task')} blocked", refs)
    old_question = next((s for s in waiting if _days(s.at, today) >= 2), None)
    if old_question:
        age = plural(_days(old_question.at, today), "day")
        return Assessment(
            Verdict.AT_RISK, f"a client question has waited {age} for an answer", (old_question.ref,)
        )
    return Assessment(Verdict.ON_TRACK, "nothing is overdue or blocked")


def _cite(*refs: str) -> str:
    return "".join(f" [{ref}]" for ref in refs)


def _more(shown: int, total: int) -> list[str]:
    return [f"- …and {total - shown} more."] if total > shown else []


def _task(t: TaskLine, today: date, *, blocked: bool = False, owner: bool = True) -> str:
    parts: list[str] = []
    if blocked:
        parts.append(f"blocked {plural(_days(t.blocked_since or t.updated_at, today), 'day')}")
    if t.due is not None:
        late = _days(t.due, today)
        parts.append(f"overdue by {plural(late, 'day')}" if t.due < today else f"due {t.due.isoformat()}")
    if owner:
        parts.append(f"owner {inert(t.assignee, 40)}" if t.assignee else "no owner")
    return (
        f"- {inert(t.title)}{_cite(t.ref)}: {', '.join(parts)}"
        if parts
        else f"- {inert(t.title)}{_cite(t.ref)}"
    )


def _tasks(lines: list[TaskLine], total: int, today: date, **kind: bool) -> list[str]:
    if not total:
        return [NONE]
    return [_task(t, today, **kind) for t in lines[:MAX_ITEMS]] + _more(min(len(lines), MAX_ITEMS), total)


def _change(c: Change) -> str:
    if c.to_status == "done":
        return f"{inert(c.title, 60)}{_cite(c.ref)}"
    return f"{inert(c.title, 60)} → {_STATUS.get(c.to_status, inert(c.to_status, 20))}{_cite(c.ref)}"


def _said(s: Said, today: date) -> str:
    return f"“{inert(s.body, 90)}” ({inert(s.author, 30)}, {s.at.date().isoformat()}){_cite(s.ref)}"


def _changed(f: ProjectFacts, heading: str, *, show_messages: bool = True) -> list[str]:
    moved_total = f.changes_total - f.done_total
    new_total = f.figures.created_in_period
    counts = [f"{f.done_total} done", f"{moved_total} moved", f"{new_total} new"]
    if show_messages:
        counts.append(plural(f.messages_in_period, "message"))
    since = f.at.since.date().isoformat()
    lines = [f"**{heading} since {since}**: {', '.join(counts)}."]
    if f.done:
        lines.append("- Done: " + "; ".join(_change(c) for c in f.done[:MAX_ITEMS]) + _rest(f.done_total))
    if f.moved:
        lines.append("- Moved: " + "; ".join(_change(c) for c in f.moved[:MAX_ITEMS]) + _rest(moved_total))
    if f.new_tasks:
        new = "; ".join(f"{inert(t.title, 60)}{_cite(t.ref)}" for t in f.new_tasks[:MAX_ITEMS])
        lines.append(f"- New: {new}{_rest(new_total)}")
    for said in f.decisions[-2:]:
        lines.append(f"- Decided: {_said(said, f.today)}")
    if len(lines) == 1 and not (f.done_total or moved_total or new_total):
        lines.append(NONE)
    return lines


def _rest(total: int) -> str:
    return f" (+{total - MAX_ITEMS} more)" if total > MAX_ITEMS else ""


def _verdict_line(a: Assessment) -> str:
    return f"**{a.level.value.capitalize()}**: {a.reason}{_cite(*a.refs)}."


def _assess(f: ProjectFacts) -> Assessment:
    waiting = f.unanswered if f.audience is SummaryAudience.STAFF else []
    return assess(f.figures, overdue=f.overdue, blocked=f.blocked, waiting=waiting, today=f.today)


def daily(f: ProjectFacts) -> Draft:
    """The daily digest for the project's staff or its clients."""
    verdict = _assess(f)
    staff = f.audience is SummaryAudience.STAFF
    out = [_verdict_line(verdict), ""]
    out += _changed(f, "Changed" if staff else "What happened", show_messages=staff)
    out += ["", f"**{'Blockers' if staff else 'Held up'} ({f.figures.blocked})**"]
    out += _tasks(f.blocked, f.figures.blocked, f.today, blocked=True, owner=staff)
    out += ["", "**Decisions owed**" if staff else "**What we need from you**"]
    out += _owed(f, staff)
    out += ["", f"**{'Due next' if staff else 'Coming up'} (7 days, {f.figures.due_soon})**"]
    out += _tasks(f.due_next, f.figures.due_soon, f.today, owner=staff)
    if staff and f.figures.stalled:  # listed in Risks & Blockers; here only how many
        oldest = f.stalled[0] if f.stalled else None
        example = f", the longest {inert(oldest.title, 50)}{_cite(oldest.ref)}" if oldest else ""
        stalled = plural(f.figures.stalled, "task")
        out += ["", f"**Stalled**: {stalled} with no change in {f.at.stalled_days} days{example}."]
    if staff and f.by_assignee:
        people = ", ".join(f"{inert(a.name, 40)} {a.count}" for a in f.by_assignee[:6])
        others = sum(a.count for a in f.by_assignee[6:])
        rest = f", others {others}" if others else ""
        out += ["", f"**Overdue by assignee ({f.figures.overdue})**: {people}{rest}."]
    return _draft(out, verdict, f)


def _owed(f: ProjectFacts, staff: bool) -> list[str]:
    lines = []
    for t in f.waiting_on_client[:MAX_ITEMS]:
        due = f", due {t.due.isoformat()}" if t.due else ""
        who = f"Waiting on {inert(t.assignee, 40)} (client): " if staff and t.assignee else ""
        lines.append(f"- {who}{inert(t.title)}{_cite(t.ref)}{due}")
    if staff:
        for said in f.unanswered[-2:]:
            days = _days(said.at, f.today)
            age = "asked today" if not days else f"waiting {plural(days, 'day')}"
            lines.append(f"- We owe an answer ({age}): {_said(said, f.today)}")
    return lines or [NONE]


def client_update(f: ProjectFacts) -> Draft:
    """The homeowner's weekly update: what happened, what's next, what we need from you."""
    verdict = _assess(f)
    out = [
        f"Hello! Here is this week's update on {inert(f.project_name)}.",
        "",
        f"**How it's going**: {verdict.level.value}: {verdict.reason}{_cite(*verdict.refs)}.",
        "",
    ]
    out += _changed(f, "What happened", show_messages=False)
    out += ["", "**What's next**"]
    out += _tasks(f.due_next, f.figures.due_soon, f.today, owner=False)
    out += ["", "**What we need from you**"]
    out += _owed(f, staff=False)
    if f.figures.blocked:
        out += ["", f"**Held up ({f.figures.blocked})**"]
        out += _tasks(f.blocked, f.figures.blocked, f.today, blocked=True, owner=False)
    out += ["", "Reply in the project chat with any question."]
    return _draft(out, verdict, f)


def _draft(lines: list[str], verdict: Assessment, f: ProjectFacts) -> Draft:
    text = "\n".join(lines).strip()
    figures = {
        **f.figures.model_dump(exclude={"cost_cents"}),
        "changes": f.changes_total,
        "done_changes": f.done_total,
        "messages": f.messages_in_period,
        "overdue_by_assignee": [[a.name, a.count] for a in f.by_assignee],
    }
    return Draft(text=text, refs=refs_in(text), verdict=verdict, figures=figures)


def refs_in(text: str) -> frozenset[str]:
    return frozenset(m.group(0)[1:-1] for m in _REF.finditer(text))


def numbers(text: str) -> set[str]:
    """The numbers a text states (citations aside)."""
    return {n.replace(",", "") for n in _NUMBER.findall(_REF.sub("", text))}


def numbers_kept(draft: str, worded: str) -> bool:
    """Whether a reworded digest states only numbers the draft stated."""
    return numbers(worded) <= numbers(draft)
