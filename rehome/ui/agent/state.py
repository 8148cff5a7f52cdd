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
from rehome.core.vocab import ACTIVE_RUN_STATUSES, RunStatus
from rehome.ui.agent import relay
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
    scope_project_id: int = 0  # 0: the whole workspace (admins)
    audience: str = "participant"
    threads: list[ThreadChip] = []
    thread_id: int = 0
    lines: list[AgentLine] = []
    streaming_run: int = 0
    estimate_cents: float = -1.0
    warning: str = ""
    error: str = ""
    failure: str = ""
    _generation: int = 0

    @rx.var
    def estimate_text(self) -> str:
        if self.estimate_cents < 0:
            return ""
        return f"A question here costs at most {self.estimate_cents:.2f}¢ (full context, full-length answer)."

    def _project(self) -> int | None:
        return self.scope_project_id or None

    def _guarded(self) -> Actor | None:
        actor = self._actor()
        if actor is not None:
            self._remember(actor)
        return actor

    def _refresh(self, actor: Actor) -> None:
        """Reload the thread's finished answers, cost estimate and the active run."""

        def read(session: Any) -> tuple:
            messages = threads.thread_messages(session, actor, self.thread_id)
            runs = threads.thread_runs(session, actor, self.thread_id)
            estimate = threads.estimate(session, actor, self.thread_id) if self._can_ask(actor) else -1.0
            return messages, runs, estimate

        try:
            with session_scope() as session:
                messages, runs, estimate = read(session)
        except DomainError as error:
            self.error = error.message
            return
        self.lines = agent_lines(messages, runs)
        self.estimate_cents = estimate
        active = next((r for r in runs if r.status in ACTIVE_RUN_STATUSES), None)
        self.streaming_run = active.id if active else 0
        last = runs[0] if runs else None
        self.failure = (
            (last.error or "The assistant could not answer.")
            if last and last.status == RunStatus.FAILED
            else ""
        )

    def _can_ask(self, actor: Actor) -> bool:
        return self.audience == "participant" or actor.is_admin

    def _open(self, actor: Actor) -> Any:
        """Pick (or start) the newest thread of this scope and show it."""
        try:
            with session_scope() as session:
                found = threads.list_threads(session, actor, self._project(), self.audience)  # type: ignore[arg-type]
                if not found:
                    found = [
                        threads.create_thread(
                            session, actor, self._project(), threads.ThreadIn(audience=self.audience)
                        )
                    ]  # type: ignore[arg-type]
        except DomainError as error:
            self.error = error.message
            return None
        self.threads = [ThreadChip(id=t.id, title=t.title) for t in found]
        self.thread_id = found[0].id
        self.error = self.warning = ""
        self._refresh(actor)
        return AgentState.follow

    @rx.event
    def open_scope(self, project_id: int, audience: str) -> Any:
        actor = self._guarded()
        if actor is None:
            return self._sign_in_redirect()
        self.scope_project_id = max(0, int(project_id))
        self.audience = "admin" if audience == "admin" else "participant"
        return self._open(actor)

    @rx.event
    def select_thread(self, thread_id: int) -> Any:
        actor = self._guarded()
        if actor is None:
            return self._sign_in_redirect()
        if int(thread_id) not in {t["id"] for t in self.threads}:
            return None
        self.thread_id = int(thread_id)
        self._refresh(actor)
        return AgentState.follow

    @rx.event
    def new_thread(self) -> Any:
        actor = self._guarded()
        if actor is None:
            return self._sign_in_redirect()
        data = threads.ThreadIn(audience=self.audience)  # type: ignore[arg-type]
        created = self._run(lambda s: threads.create_thread(s, actor, self._project(), data))
        if created is not None:
            self.threads = [ThreadChip(id=created.id, title=created.title), *self.threads]
            self.thread_id, self.lines, self.streaming_run, self.failure = created.id, [], 0, ""
        return None

    def _ask(self, actor: Actor, content: str) -> Any:
        try:
            data = threads.QuestionIn(content=content)
            with session_scope() as session:
                answer = threads.ask(session, actor, self.thread_id, data)
        except ValidationError:
            self.error = "Write a question (up to 4,000 characters)."
            return None
        except DomainError as error:
            self.error = error.message
            return None
        self.error, self.failure, self.warning = "", "", answer.warning
        self.lines = [
            *self.lines,
            AgentLine(
                id=answer.message.id,
                role="user",
                content=content,
                stopped=False,
                failed=False,
                run_id=answer.run.id,
                usage="",
            ),
        ]
        self.streaming_run = answer.run.id  # this tab's relay hears of the run on the thread channel
        return None

    @rx.event
    def ask(self, form: dict[str, Any]) -> Any:
        actor = self._guarded()
        if actor is None:
            return self._sign_in_redirect()
        return self._ask(actor, str(form.get("question", "")).strip())

    @rx.event
    def quick(self, prompt: str) -> Any:
        actor = self._guarded()
        if actor is None:
            return self._sign_in_redirect()
        return self._ask(actor, str(prompt)[:200])

    @rx.event
    def retry(self) -> Any:
        actor = self._guarded()
        if actor is None:
            return self._sign_in_redirect()
        question = self._run(lambda s: threads.last_question(s, actor, self.thread_id))
        return self._ask(actor, question) if question else None

    @rx.event
    def keep_going(self) -> Any:
        actor = self._guarded()
        if actor is None:
            return self._sign_in_redirect()
        return self._ask(actor, CONTINUE_PROMPT)

    @rx.event
    def stop(self) -> Any:
        actor = self._guarded()
        if actor is None:
            return self._sign_in_redirect()
        run_id = self.streaming_run
        if run_id:
            self._attempt(lambda s: ledger.cancel_run(s, actor, run_id))
        return None

    @rx.event(background=True)
    async def follow(self) -> None:
        """Hear of runs started on this thread anywhere (see `relay`)."""
        await relay.follow(self)

    @rx.event
    def run_finished(self, run_id: int) -> Any:
        """The run's token socket said it ended: show the stored answer."""
        actor = self._guarded()
        if actor is None:
            return self._sign_in_redirect()
        if int(run_id) != self.streaming_run:
            return None
        self._refresh(actor)  # the run is stored before its stream says it ended
        self.streaming_run = 0
        if self.audience == "admin":  # the workspace page's spend now includes this run
            from rehome.ui.agent.admin_page import AdminAgentState

            return AdminAgentState.refresh_costs
        return None

    @rx.event
    def copy(self, line_id: int) -> Any:
        line = next((x for x in self.lines if x["id"] == int(line_id)), None)
        return rx.set_clipboard(line["content"]) if line else None
