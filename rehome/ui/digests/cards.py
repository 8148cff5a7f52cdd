"""What the digest tabs show, as small view models (no rows, no Reflex)."""

from __future__ import annotations

from typing import TypedDict

from rehome.core.agent.prompt import link_citations
from rehome.core.digests.risks import RiskItem, Risks
from rehome.core.digests.store import SummaryOut


class DigestCard(TypedDict):
    id: int
    title: str
    verdict: str
    content: str  # markdown, citations linked to the task or message
    generated: str
    cached: bool
    note: str  # why this is not today's (cached) or how it was written
    present: bool


class RiskRow(TypedDict):
    ref: str
    title: str
    detail: str
    link: str
    project: str


class PersonCount(TypedDict):
    name: str
    count: int


EMPTY = DigestCard(id=0, title="", verdict="", content="", generated="", cached=False, note="", present=False)


def card(summary: SummaryOut | None) -> DigestCard:
    if summary is None:
        return EMPTY
    note = ""
    if summary.cached and summary.cached_from_date:
        reason = summary.cached_reason or "A new one could not be written."
        note = f"Cached: the digest of {summary.cached_from_date:%Y-%m-%d %H:%M} UTC. {reason}"
    elif summary.written_without_ai:
        note = "Written from the project data without AI (the AI was not available)."
    return DigestCard(
        id=summary.id,
        title=summary.title,
        verdict=summary.verdict or "",
        content=link_citations(summary.content, summary.links),
        generated=f"{summary.generated_at:%Y-%m-%d %H:%M} UTC",
        cached=summary.cached,
        note=note,
        present=True,
    )


def rows(items: list[RiskItem]) -> list[RiskRow]:
    return [RiskRow(ref=i.ref, title=i.title, detail=i.detail, link=i.link, project=i.project) for i in items]


class RiskView(TypedDict):
    blocked: list[RiskRow]
    stalled: list[RiskRow]
    questions: list[RiskRow]
    people: list[PersonCount]
    counts: str


def risk_view(risks: Risks) -> RiskView:
    return RiskView(
        blocked=rows(risks.blocked),
        stalled=rows(risks.stalled),
        questions=rows(risks.questions),
        people=[PersonCount(name=a.name, count=a.count) for a in risks.overdue_by_assignee],
        counts=(
            f"{risks.blocked_count} blocked · {risks.overdue_count} overdue · "
            f"{risks.stalled_count} stalled (no change in {risks.stalled_days} days) · "
            f"{len(risks.questions)} unanswered client questions"
        ),
    )


NO_RISKS = RiskView(blocked=[], stalled=[], questions=[], people=[], counts="")
