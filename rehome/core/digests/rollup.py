"""The weekly workspace rollup for admins (F-33): every project's verdict and
what moved, the top risks, spend against budget, and the week's AI cost.

Five queries for the whole workspace, whatever the number of projects: the
projects, their task counts (grouped), their status changes (grouped), the
riskiest tasks, and the AI ledger. Read as the workspace's admins read it
(`access.system_reader`), so it may hold internal items and cost figures: it
is only ever stored for, shown to and mailed to admins.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from rehome.core.access import Actor, system_reader, visible_project_filter, visible_rows
from rehome.core.agent.context_rows import money
from rehome.core.digests.writer import Assessment, Draft, assess, inert, plural, refs_in
from rehome.core.infra.db import exec_rows
from rehome.core.models import AgentRun, Project, Task, TaskEvent, User
from rehome.core.tasks.figures import Moment, TaskFigures, figures_by_project
from rehome.core.vocab import Priority, TaskStatus, Verdict

TOP_RISKS = 5
LISTED = 12  # projects named one by one; on-track ones beyond are counted
_ORDER = {Verdict.OFF_TRACK: 0, Verdict.AT_RISK: 1, Verdict.ON_TRACK: 2}


def compose(session: Session, workspace_id: int, at: Moment) -> Draft:
    actor = system_reader(workspace_id)
    projects = list(
        session.exec(
            select(Project.id, Project.name, Project.budget_cents)
            .where(visible_project_filter(actor))
            .order_by(func.lower(col(Project.name)), col(Project.id))
        )
    )
    figures = figures_by_project(session, actor, at, with_costs=True)
    moved = _moves(session, workspace_id, at)
    rated: list[Rated] = []
    for pid, name, budget in projects:
        f = figures.get(int(pid or 0), TaskFigures())
        rated.append((assess(f, today=at.today), int(pid or 0), name, budget, f))
    rated.sort(key=lambda r: (_ORDER[r[0].level], r[2].lower()))
    counts = {level: sum(r[0].level is level for r in rated) for level in Verdict}
    worst = next((level for level in _ORDER if counts[level]), Verdict.ON_TRACK)
    summary = ", ".join(f"{counts[v]} {v.value}" for v in _ORDER)
    verdict = Assessment(worst, f"{plural(len(rated), 'project')}: {summary}")
    lines = [f"**{worst.value.capitalize()}**: {verdict.reason}.", "", f"**Projects (week to {at.today})**"]
    lines += _projects(rated, moved) or ["None reported."]
    lines += ["", "**Top risks**", *(_risks(session, actor, at) or ["None reported."])]
    cents, runs = _ai_week(session, workspace_id, at)
    lines += ["", f"**AI this week**: {cents:.2f}¢ over {plural(runs, 'run')}."]
    text = "\n".join(lines)
    data = {
        "projects": {str(pid): {**f.model_dump(), "verdict": a.level.value} for a, pid, _, _, f in rated},
        "moved": {str(pid): m for pid, m in moved.items()},
        "ai_cost_cents": round(cents, 4),
        "ai_runs": runs,
    }
    return Draft(text=text, refs=refs_in(text), verdict=verdict, figures=data)


Rated = tuple[Assessment, int, str, int | None, TaskFigures]


def _projects(rated: list[Rated], moved: dict[int, int]) -> list[str]:
    lines: list[str] = []
    quiet = [r for r in rated if r[0].level is Verdict.ON_TRACK]
    for assessment, pid, name, budget, f in rated:
        if assessment.level is Verdict.ON_TRACK and len(lines) >= LISTED:
            break
        spend = f" Spend {money(f.cost_cents)}" + (
            f" of {money(budget)} ({round(100 * f.cost_cents / budget)}%)." if budget else " (no budget set)."
        )
        lines.append(
            f"- **{inert(name, 60)}**: {assessment.level.value}, {assessment.reason}. "
            f"{f.done_in_period} done, {moved.get(pid, 0)} moved, {f.created_in_period} new.{spend}"
        )
    rest = len(rated) - len(lines)
    if rest > 0:
        lines.append(f"- …and {plural(rest, 'more project')} on track ({len(quiet)} on track in all).")
    return lines


def _moves(session: Session, workspace_id: int, at: Moment) -> dict[int, int]:
    """Status changes of the week per project (not counting moves to done)."""
    project = col(TaskEvent.project_id)
    query = (
        select(project, func.count())
        .join(Project, col(Project.id) == project)
        .where(
            col(Project.workspace_id) == workspace_id,
            col(TaskEvent.kind) == "status",
            col(TaskEvent.to_status) != TaskStatus.DONE,
            col(TaskEvent.created_at) >= at.since,
        )
        .group_by(project)
    )
    return {int(pid): int(n) for pid, n in session.exec(query)}


def _risks(session: Session, actor: Actor, at: Moment) -> list[str]:
    """The riskiest open tasks across projects: urgent overdue, then long
    blocked, then the longest overdue."""
    status, due_date = col(Task.status), col(Task.due_date)
    overdue = due_date < at.today
    rank = case(
        ((col(Task.priority) == Priority.URGENT) & overdue, 0), (status == TaskStatus.BLOCKED, 1), else_=2
    )
    query = (
        sa_select(col(Task.id), col(Task.title), status, due_date, col(Task.updated_at), col(Project.name))
        .add_columns(col(User.name))
        .join(Project, col(Project.id) == col(Task.project_id))
        .outerjoin(User, col(User.id) == col(Task.assignee_id))
        .where(
            visible_rows(actor, None, Task),
            status != TaskStatus.DONE,
            (status == TaskStatus.BLOCKED) | overdue,
        )
        .order_by(rank, due_date, col(Task.updated_at), col(Task.id))
        .limit(TOP_RISKS)
    )
    lines = []
    for tid, title, status, due, updated, project, owner in exec_rows(session, query):
        if status == TaskStatus.BLOCKED:
            what = f"blocked {plural(max(0, (at.now - updated).days), 'day')}"
        else:
            what = f"overdue by {plural((at.today - due).days, 'day')}"
        who = f", owner {inert(owner, 40)}" if owner else ", no owner"
        lines.append(f"- {inert(title)} [T-{tid}] ({inert(project, 40)}): {what}{who}")
    return lines


def _ai_week(session: Session, workspace_id: int, at: Moment) -> tuple[float, int]:
    week_ago = at.now - timedelta(days=7)
    query = sa_select(func.coalesce(func.sum(col(AgentRun.cost_cents)), 0.0), func.count()).where(
        col(AgentRun.workspace_id) == workspace_id, col(AgentRun.created_at) >= week_ago
    )
    cents, runs = exec_rows(session, query).one()
    return float(cents), int(runs)
