"""The assistant's chat, shared by a project's Agent tab and the admin agent
page: threads, finished answers, asking, stop, retry, continue (F-30)."""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx
from pydantic import ValidationError

from rehome.core.access import Actor
from rehome.core.agent import ledger, threads
from rehome.core.agent.prompt import link_citations
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError
from rehome.core.vocab import ACTIVE_RUN_STATUSES, Audience, RunStatus
from rehome.ui.agent import relay as agent_relay
from rehome.ui.agent.costs import CostState
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, public, relay, signed_in
from rehome.ui.session import SessionState

CONTINUE_PROMPT = "Continue your previous answer from where it stopped."


class ThreadChip(TypedDict):
    id: int
    title: str


class AgentLine(TypedDict):
    id: int
    role: str
    content: str
    stopped: bool
    failed: bool
    run_id: int
    usage: str


def _usage(run: threads.RunOut | None) -> str:
    if run is None or run.status in ACTIVE_RUN_STATUSES:
        return ""
    return f"{run.tokens_in:,} in · {run.tokens_out:,} out · {run.cost_cents:.3f}¢ · {run.model}"


def agent_lines(messages: list[threads.AgentMessageOut], runs: list[threads.RunOut]) -> list[AgentLine]:
    by_run = {r.id: r for r in runs}
    lines = []
    for m in messages:
        run = by_run.get(m.run_id or 0)
        content = link_citations(m.content, m.links) if m.role == "assistant" else m.content
        lines.append(
            AgentLine(
                id=m.id,
                role=m.role,
                content=content,
                stopped=m.stopped,
                failed=bool(run and run.status == RunStatus.FAILED),
                run_id=m.run_id or 0,
                usage=_usage(run) if m.role == "assistant" else "",
            )
        )
    return lines


class AgentState(SessionState):
    scope_project_id: rx.Field[int] = rx.field(0)  # 0: the whole workspace (admins)
    audience: rx.Field[str] = rx.field("participant")
    threads: ListField[list[ThreadChip]] = list_field()
    thread_id: rx.Field[int] = rx.field(0)
    lines: ListField[list[AgentLine]] = list_field()
    streaming_run: rx.Field[int] = rx.field(0)
    estimate_cents: rx.Field[float] = rx.field(-1.0)
    warning: rx.Field[str] = rx.field("")
    error: rx.Field[str] = rx.field("")
    failure: rx.Field[str] = rx.field("")
    _generation: int = 0

    @rx.var
    def estimate_text(self) -> str:
        if self.estimate_cents < 0:
            return ""
        return f"A question here costs at most {self.estimate_cents:.2f}¢ (full context, full-length answer)."

    def _project(self) -> int | None:
        return self.scope_project_id or None

    def _refresh(self, ctx: Ctx) -> None:
        """Reload the thread's finished answers (as the reader may see them
        now), the cost estimate and the active run."""
        messages = threads.thread_messages(ctx.db, ctx.actor, self.thread_id)
        runs = threads.thread_runs(ctx.db, ctx.actor, self.thread_id)
        can_ask = self._can_ask(ctx.actor)
        self.estimate_cents = threads.estimate(ctx.db, ctx.actor, self.thread_id) if can_ask else -1.0
        self.lines = agent_lines(messages, runs)
        active = next((r for r in runs if r.status in ACTIVE_RUN_STATUSES), None)
        self.streaming_run = active.id if active else 0
        last = runs[0] if runs else None
        failed = last is not None and last.status == RunStatus.FAILED
        self.failure = (last.error or "The assistant could not answer.") if last and failed else ""

    def _refresh_for(self, actor: Actor) -> None:
        """`_refresh` in a transaction of its own (the relay, outside any handler)."""
        try:
            with session_scope() as db:
                self._refresh(Ctx(actor=actor, db=db))
        except DomainError as error:
            self.error = error.message

    def _can_ask(self, actor: Actor) -> bool:
        return self.audience == Audience.PARTICIPANT or actor.is_admin

    def _agent_refused(self, error: DomainError) -> None:
        self.error = error.message

    @signed_in(on_error="_agent_refused")
    def open_scope(self, ctx: Ctx, project_id: int, audience: str) -> Any:
        """Pick (or start) the newest thread of this scope and show it."""
        self.scope_project_id = max(0, int(project_id))
        self.audience = (Audience.ADMIN if audience == Audience.ADMIN else Audience.PARTICIPANT).value
        found = threads.list_threads(ctx.db, ctx.actor, self._project(), Audience(self.audience))
        if not found:
            data = threads.ThreadIn(audience=Audience(self.audience))
            found = [threads.create_thread(ctx.db, ctx.actor, self._project(), data)]
        self.threads = [ThreadChip(id=t.id, title=t.title) for t in found]
        self.thread_id = found[0].id
        self.error = self.warning = ""
        self._refresh(ctx)
        return AgentState.follow

    @signed_in(on_error="_agent_refused")
    def select_thread(self, ctx: Ctx, thread_id: int) -> Any:
        if int(thread_id) not in {t["id"] for t in self.threads}:
            return None
        self.thread_id = int(thread_id)
        self._refresh(ctx)
        return AgentState.follow

    @signed_in(on_error="_agent_refused")
    def new_thread(self, ctx: Ctx) -> None:
        data = threads.ThreadIn(audience=Audience(self.audience))
        created = threads.create_thread(ctx.db, ctx.actor, self._project(), data)
        self.threads = [ThreadChip(id=created.id, title=created.title), *self.threads]
        self.thread_id, self.lines, self.streaming_run, self.failure = created.id, [], 0, ""

    def _ask(self, ctx: Ctx, content: str) -> None:
        try:
            data = threads.QuestionIn(content=content)
        except ValidationError:
            self.error = "Write a question (up to 4,000 characters)."
            return
        answer = threads.ask(ctx.db, ctx.actor, self.thread_id, data)
        self.error, self.failure, self.warning = "", "", answer.warning
        question = AgentLine(
            id=answer.message.id,
            role="user",
            content=content,
            stopped=False,
            failed=False,
            run_id=answer.run.id,
            usage="",
        )
        self.lines = [*self.lines, question]
        self.streaming_run = answer.run.id  # this tab's relay hears of the run on the thread channel

    @signed_in(on_error="_agent_refused")
    def ask(self, ctx: Ctx, form: dict[str, Any]) -> None:
        self._ask(ctx, str(form.get("question", "")).strip())

    @signed_in(on_error="_agent_refused")
    def quick(self, ctx: Ctx, prompt: str) -> None:
        self._ask(ctx, str(prompt)[:200])

    @signed_in(on_error="_agent_refused")
    def retry(self, ctx: Ctx) -> None:
        self._ask(ctx, threads.last_question(ctx.db, ctx.actor, self.thread_id))

    @signed_in(on_error="_agent_refused")
    def keep_going(self, ctx: Ctx) -> None:
        self._ask(ctx, CONTINUE_PROMPT)

    @signed_in(on_error="_agent_refused")
    def stop(self, ctx: Ctx) -> None:
        if self.streaming_run:
            ledger.cancel_run(ctx.db, ctx.actor, self.streaming_run)

    @relay
    async def follow(self) -> None:
        """Hear of runs started on this thread anywhere (see `relay`)."""
        await agent_relay.follow(self)

    @signed_in(on_error="_agent_refused")
    def run_finished(self, ctx: Ctx, run_id: int) -> Any:
        """The run's token socket said it ended: show the stored answer."""
        if int(run_id) != self.streaming_run:
            return None
        self._refresh(ctx)  # the run is stored before its stream says it ended
        self.streaming_run = 0
        if self.audience == Audience.ADMIN:  # the workspace page's spend now includes this run
            return CostState.refresh_costs
        return None

    @public
    def copy(self, line_id: int) -> Any:
        line = next((x for x in self.lines if x["id"] == int(line_id)), None)
        return rx.set_clipboard(line["content"]) if line else None
