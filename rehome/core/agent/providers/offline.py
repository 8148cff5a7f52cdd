"""The offline provider: useful answers with no API key and no network (F-30).

It is extractive, not generative: it picks what the question asks about
(overdue, blocked, my tasks, recent changes, a message summary, or a status
overview) out of the structured `data` of the context items and writes it up
as short markdown that cites the items. It reads `data` fields only and never
the prompt text of an item, so nothing written in the project can steer it
(F-32); quoted values are flattened so they cannot forge a citation or markup.
Deterministic for a given request and clock, so tests can rely on it.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import rehome.core.agent.providers.offline_text as fmt
from rehome.core.agent.types import ContextItem, ProviderRequest, StreamEvent, TextDelta, Usage
from rehome.core.infra.clock import utcnow

WORDS_PER_CHUNK = 3
MAX_LINES = 10
NOTE = "\n\n_Offline answer, extracted from the project data without an AI model._"


class OfflineProvider:
    """Answers from `request.context`; `now` is injectable for tests."""

    name = "offline"

    def __init__(self, *, now: Callable[[], datetime] = utcnow) -> None:
        self._now = now

    def stream(self, request: ProviderRequest) -> OfflineStream:
        return OfflineStream(request, self._now)


class OfflineStream:
    """The answer in chunks of a few words, then an estimated `Usage`."""

    def __init__(self, request: ProviderRequest, now: Callable[[], datetime]) -> None:
        self._request, self._now, self._closed = request, now, threading.Event()

    def close(self) -> None:
        self._closed.set()

    def __iter__(self) -> Iterator[StreamEvent]:
        brief = self._request.brief
        answer = brief if brief is not None else compose_answer(self._request, self._now())
        words = re.findall(r"\S+\s*", answer)
        for start in range(0, len(words), WORDS_PER_CHUNK):
            if self._closed.is_set():
                return
            yield TextDelta("".join(words[start : start + WORDS_PER_CHUNK]))
        if not self._closed.is_set():
            yield Usage(input_tokens=self._request.prompt_tokens(), output_tokens=math.ceil(len(answer) / 4))


def compose_answer(request: ProviderRequest, now: datetime) -> str:
    """The markdown answer to the last user turn (without leading/trailing space)."""
    if request.context is None:
        return "I have no project data in this conversation, so I can't answer about a project." + NOTE
    question = next((t.content for t in reversed(request.turns) if t.role == "user"), "").lower()
    facts = _Facts(request.context.items, request.context.refs, now)
    answer = next((write for pattern, write in _INTENTS if re.search(pattern, question)), _overview)
    return answer(facts, question).strip() + NOTE


class _Facts:
    """The context's items by kind, and citing limited to allowed refs."""

    def __init__(self, items: list[ContextItem], refs: frozenset[str], now: datetime) -> None:
        self.refs, self.now = refs, now
        # Only what may be cited is used at all, so a hidden item's title never
        # shows either; an event counts when its task may be cited.
        items = [
            i for i in items if {i.ref, str(i.data.get("task_ref")), i.kind} & {*refs, "project", "figures"}
        ]
        counts = next((i for i in items if i.kind == "figures"), None)
        self.counts: dict[str, Any] | None = counts.data if counts else None  # exact, from the database
        self.tasks = [i for i in items if i.kind == "task"]
        by_time = sorted(items, key=lambda i: fmt.when(i, "created_at"))
        self.messages = [i for i in by_time if i.kind == "message"]
        self.events = [i for i in by_time if i.kind == "event"]
        self.titles = {i.ref: fmt.flat(i.data.get("title"), 80) for i in self.tasks}
        project = next((i for i in items if i.kind == "project"), None)
        self.project = fmt.flat(project.data.get("name"), 80) if project else ""
        self.open = [t for t in self.tasks if t.data.get("status") != "done"]
        self.overdue = sorted((t for t in self.open if self._is_overdue(t)), key=fmt.by_due)
        blocked = (t for t in self.tasks if t.data.get("status") == "blocked")
        self.blocked = sorted(blocked, key=lambda t: (fmt.rank(t), fmt.when(t, "updated_at")))

    def cite(self, *refs: str | None) -> str:
        return "".join(f" [{ref}]" for ref in dict.fromkeys(refs) if ref and ref in self.refs)

    def _is_overdue(self, task: ContextItem) -> bool:
        if "overdue" in task.data:
            return bool(task.data["overdue"])
        due = fmt.parse(task.data.get("due_date"))
        return due is not None and due.date() < self.now.date()

    def total(self, what: str, listed: list[ContextItem]) -> int:
        """How many tasks are `what` (overdue, blocked): the database's count when
        the context has it, else what the context holds."""
        return int(self.counts[what]) if self.counts and what in self.counts else len(listed)

    def task_list(self, tasks: list[ContextItem], total: int | None = None) -> str:
        lines = []
        for task in tasks[:MAX_LINES]:
            data = task.data
            parts = [fmt.label(data.get("status")) or "no status"]
            if data.get("due_date"):
                parts.append(f"due {fmt.flat(data['due_date'], 10)}")
            parts.append(fmt.flat(data.get("assignee"), 40) or "unassigned")
            if data.get("priority") in ("high", "urgent"):
                parts.append(f"{data['priority']} priority")
            title = self.titles[task.ref] or task.ref
            lines.append(f"- **{title}**: {', '.join(parts)}{self.cite(task.ref)}")
        rest = (len(tasks) if total is None else total) - min(len(tasks), MAX_LINES)
        if rest > 0:
            lines.append(f"- …and {rest} more.")
        return "\n".join(lines)


def _listing(facts: _Facts, _question: str, *, what: str, order: str) -> str:
    tasks: list[ContextItem] = getattr(facts, what)
    total = facts.total(what, tasks)
    if not total:
        return f"No task is {what} right now ({fmt.count(facts.total('open', facts.open), 'open task')})."
    return f"**{fmt.count(total, what + ' task')}**, {order}:\n\n{facts.task_list(tasks, total)}"


def _by_assignee(facts: _Facts, _question: str) -> str:
    """Overdue tasks per assignee: the database's exact counts, a few cited each."""
    if facts.counts is not None:
        people = [(str(name), int(n)) for name, n in facts.counts.get("overdue_by_assignee", [])]
    else:
        people = Counter(
            fmt.flat(t.data.get("assignee"), 40) or "Unassigned" for t in facts.overdue
        ).most_common()
    total = facts.total("overdue", facts.overdue)
    if not total:
        return f"No task is overdue right now ({fmt.count(facts.total('open', facts.open), 'open task')})."
    lines = [f"**{fmt.count(total, 'overdue task')}** by assignee:", ""]
    for name, n in people:
        who = fmt.flat(name, 40)
        mine = [t for t in facts.overdue if (fmt.flat(t.data.get("assignee"), 40) or "Unassigned") == who]
        lines.append(f"- {fmt.flat(name, 40)}: {n}{facts.cite(*[t.ref for t in mine[:3]])}")
    return "\n".join(lines)


def _mine(facts: _Facts, question: str) -> str:
    if not any("assigned_to_me" in t.data for t in facts.tasks):
        if not facts.open:
            return "There are no open tasks in this project."
        tasks = sorted(facts.open, key=lambda t: (fmt.flat(t.data.get("assignee"), 40) or "~", fmt.by_due(t)))
        head = "I can't tell from the project data which tasks are yours; the open tasks by assignee:"
        return f"{head}\n\n{facts.task_list(tasks)}"
    overdue = {t.ref for t in facts.overdue}
    mine = [t for t in facts.open if t.data.get("assigned_to_me")]
    mine.sort(key=lambda t: (t.ref not in overdue, fmt.by_due(t)))
    if not mine:
        return "You have no open tasks in this project."
    if "week" not in question:
        return f"**Your open tasks ({len(mine)})**, overdue first:\n\n{facts.task_list(mine)}"
    horizon = (facts.now + timedelta(days=7)).date()
    soon = [t for t in mine if t.ref in overdue or fmt.by_due(t)[1].date() <= horizon]
    rest = len(mine) - len(soon)
    later = f"\n\n{rest} more of yours due later or undated." if rest else ""
    if not soon:
        return f"Nothing of yours is due in the next 7 days.{later}"
    return f"**Due this week or overdue ({len(soon)})**:\n\n{facts.task_list(soon)}{later}"


def _messages(facts: _Facts, question: str) -> str:
    if not facts.messages:
        return "There are no messages in this project that I can see."
    wanted = re.search(r"\b(\d{1,3})\b", question)
    recent = facts.messages[-(min(max(int(wanted.group(1)), 1), 50) if wanted else 20) :]
    authors = Counter(fmt.author(m) for m in recent)
    who = ", ".join(f"{name} ({n})" for name, n in authors.most_common(5))
    span = f"{fmt.stamp(recent[0])} to {fmt.stamp(recent[-1])}"
    lines = [f"**Last {fmt.count(len(recent), 'message')}** ({span}), from {who}."]
    mentions = [m.ref for m in recent if m.data.get("mentions_me")]
    if mentions:
        lines.append(f"\nYou were mentioned {fmt.count(len(mentions), 'time')}:{facts.cite(*mentions)}")
    lines.append("")
    for message in recent[-MAX_LINES:]:
        excerpt = fmt.flat(message.data.get("body"), 100)
        lines.append(f"- {fmt.author(message)}, {fmt.stamp(message)}: “{excerpt}”{facts.cite(message.ref)}")
    if len(recent) > MAX_LINES:
        lines.append(f"\n(The {len(recent) - MAX_LINES} earlier ones are left out here.)")
    return "\n".join(lines)


def _changes(facts: _Facts, question: str) -> str:
    start, label = _window(question, facts.now)
    events = [e for e in facts.events if fmt.when(e, "created_at") >= start]
    messages = [m for m in facts.messages if fmt.when(m, "created_at") >= start]
    lines = []
    for event in events[-MAX_LINES:]:
        data, task_ref = event.data, event.data.get("task_ref")
        title = facts.titles.get(str(task_ref)) or fmt.flat(task_ref, 20) or "A task"
        to, frm = fmt.label(data.get("to_status")), fmt.label(data.get("from_status"))
        move = f"moved from {frm} to {to}" if frm else f"created as {to}"
        cite = facts.cite(task_ref) or facts.cite(event.ref)
        lines.append(f"- **{title}** {move} by {fmt.author(event, 'actor')}, {fmt.stamp(event)}{cite}")
    if not events:
        recent = [t for t in facts.tasks if fmt.when(t, "updated_at") >= start]
        recent.sort(key=lambda t: fmt.when(t, "updated_at"))
        lines = [facts.task_list(recent[-MAX_LINES:])] if recent else []
    if not lines and not messages:
        tail = "".join(
            f" The latest recorded change was on {fmt.stamp(e)}{facts.cite(e.data.get('task_ref'))}."
            for e in facts.events[-1:]
        )
        return f"Nothing changed {label} in what I can see.{tail}"
    if messages:
        last = messages[-1]
        lines.append(f"- Latest message from {fmt.author(last)}, {fmt.stamp(last)}{facts.cite(last.ref)}")
    counts = f"{fmt.count(len(events), 'status change')}, {fmt.count(len(messages), 'new message')}"
    return f"**Changes {label}**: {counts}.\n\n" + "\n".join(lines)


def _overview(facts: _Facts, _question: str) -> str:
    title = f"**Status of {facts.project}**" if facts.project else "**Project status**"
    if not facts.tasks and not facts.messages:
        return f"{title}\n\nThere are no tasks or messages in this project that I can see."
    by_status = Counter(str(t.data.get("status")) for t in facts.tasks)
    counts = ", ".join(f"{by_status[s]} {label}" for s, label in fmt.STATUS_WORDS.items() if by_status[s])
    if facts.counts is not None:
        lines = [title, "", f"- {fmt.count(facts.total('open', facts.open), 'open task')}"]
        if counts:
            lines[-1] += f"; of the {fmt.count(len(facts.tasks), 'task')} I can list: {counts}."
    else:
        lines = [title, "", f"- {fmt.count(len(facts.tasks), 'task')}" + (f": {counts}." if counts else ".")]
    lines.append(
        f"- {facts.total('overdue', facts.overdue)} overdue, {facts.total('blocked', facts.blocked)} blocked."
    )
    if facts.messages:
        last = facts.messages[-1]
        latest = f"the latest from {fmt.author(last)}, {fmt.stamp(last)}{facts.cite(last.ref)}"
        lines.append(f"- {fmt.count(len(facts.messages), 'message')}; {latest}.")
    attention = list({t.ref: t for t in [*facts.overdue, *facts.blocked]}.values())[:5]
    if attention:
        lines += ["", "Needs attention:", facts.task_list(attention)]
    return "\n".join(lines)


# The first pattern the question matches picks the answer; "summarize" alone
# means the chat, "summarize the project" the overview.
_INTENTS: list[tuple[str, Callable[[_Facts, str], str]]] = [
    (r"(overdue|\blate\b).*\b(assignee|person|people|who)\b|\bby (assignee|person)", _by_assignee),
    (r"overdue|\blate\b|behind|past due|missed", partial(_listing, what="overdue", order="oldest first")),
    (r"block|stuck|waiting on|impediment", partial(_listing, what="blocked", order="most urgent first")),
    (r"\bmy\b.*\b(tasks?|work|plate|to-?dos?)\b|assigned to me|\bfor me\b", _mine),
    (r"summar.*\b(project|status|tasks?|overall)\b", _overview),
    (r"messages?|\bchat|discuss|conversation|\bsaid\b|talk|summar", _messages),
    (r"chang|today|yesterday|week|month|recent|\bnew\b|happen|update|progress", _changes),
]


def _window(question: str, now: datetime) -> tuple[datetime, str]:
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if "yesterday" in question:
        return midnight - timedelta(days=1), "since yesterday"
    if "today" in question:
        return midnight, "today"
    if "month" in question:
        return now - timedelta(days=30), "in the last 30 days"
    return now - timedelta(days=7), "in the last 7 days"
