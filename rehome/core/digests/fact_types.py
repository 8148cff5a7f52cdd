"""What a digest's facts are made of: task lines, status changes, chat lines
and one project's facts with the lists a digest reads off them. Plain values,
no queries: the writer, the risks and the summaries read them; `facts` fills them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from rehome.core.tasks.figures import AssigneeCount, Moment, TaskFigures
from rehome.core.vocab import SummaryAudience, TaskStatus

DECIDED = re.compile(
    r"\b(decided|decision|approved?|agreed|go(ing)? with|confirmed|signed off|chose|chosen)\b", re.I
)


@dataclass(frozen=True, slots=True)
class TaskLine:
    id: int
    title: str
    status: str
    priority: str
    assignee: str | None
    assignee_is_client: bool
    due: date | None
    updated_at: datetime
    created_at: datetime
    blocked_since: datetime | None
    project_id: int = 0
    project: str = ""  # its project's name, in workspace-wide lists

    @property
    def ref(self) -> str:
        return f"T-{self.id}"


@dataclass(frozen=True, slots=True)
class Change:
    task_id: int
    title: str
    from_status: str | None
    to_status: str
    actor: str
    at: datetime

    @property
    def ref(self) -> str:
        return f"T-{self.task_id}"


@dataclass(frozen=True, slots=True)
class Said:
    id: int
    author: str
    by_client: bool
    body: str
    at: datetime
    project_id: int = 0
    project: str = ""

    @property
    def ref(self) -> str:
        return f"M-{self.id}"


@dataclass
class ProjectFacts:
    project_id: int
    project_name: str
    audience: SummaryAudience
    at: Moment
    figures: TaskFigures
    by_assignee: list[AssigneeCount]
    attention: list[TaskLine]
    changes: list[Change]
    changes_total: int
    done_total: int  # status changes to done in the period
    new_tasks: list[TaskLine]
    messages_in_period: int
    chat: list[Said] = field(default_factory=list)  # oldest first

    @property
    def today(self) -> date:
        return self.at.today

    @property
    def blocked(self) -> list[TaskLine]:
        lines = [t for t in self.attention if t.status == TaskStatus.BLOCKED]
        return sorted(lines, key=lambda t: (t.blocked_since or t.updated_at, t.id))

    @property
    def overdue(self) -> list[TaskLine]:
        lines = [t for t in self.attention if t.due is not None and t.due < self.today]
        return sorted(lines, key=lambda t: (t.due or self.today, t.id))

    @property
    def stalled(self) -> list[TaskLine]:
        old = self.at.stalled_before
        lines = [t for t in self.attention if t.status == TaskStatus.IN_PROGRESS and t.updated_at < old]
        return sorted(lines, key=lambda t: (t.updated_at, t.id))

    @property
    def due_next(self) -> list[TaskLine]:
        lines = [t for t in self.attention if t.due is not None and self.today <= t.due <= self.at.soon_until]
        return sorted(lines, key=lambda t: (t.due or self.today, t.id))

    @property
    def waiting_on_client(self) -> list[TaskLine]:
        lines = [t for t in self.attention if t.assignee_is_client]
        return sorted(lines, key=lambda t: (t.due or date.max, t.id))

    @property
    def done(self) -> list[Change]:
        return [c for c in self.changes if c.to_status == TaskStatus.DONE]

    @property
    def moved(self) -> list[Change]:
        return [c for c in self.changes if c.to_status != TaskStatus.DONE]

    @property
    def unanswered(self) -> list[Said]:
        return unanswered(self.chat)

    @property
    def decisions(self) -> list[Said]:
        return [s for s in self.chat if s.at >= self.at.since and DECIDED.search(s.body)]

    @property
    def idle(self) -> bool:
        """Nothing happened in the period: no status change, new task or message."""
        return not (self.changes_total or self.figures.created_in_period or self.messages_in_period)


def unanswered(chat: list[Said]) -> list[Said]:
    """Client questions (oldest first) with no message from the firm's side
    after them in the same project."""
    waiting: dict[int, list[Said]] = {}
    for said in chat:
        if said.by_client and "?" in said.body:
            waiting.setdefault(said.project_id, []).append(said)
        elif not said.by_client:
            waiting[said.project_id] = []
    return sorted((s for group in waiting.values() for s in group), key=lambda s: s.id)
