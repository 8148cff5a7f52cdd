"""What readers get back about assistant threads, messages and runs."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from rehome.core.models import AgentMessage, AgentRun, AgentThread


class ThreadOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int | None
    audience: str
    title: str
    status: str
    created_by: int | None
    created_at: datetime
    updated_at: datetime


class AgentMessageOut(BaseModel):
    id: int
    thread_id: int
    role: str
    content: str
    run_id: int | None
    stopped: bool
    refs: list[str]
    links: dict[str, str]  # where each cited item lives in the app
    created_at: datetime


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    thread_id: int
    status: str
    provider: str
    model: str
    tokens_in: int
    tokens_out: int
    cost_cents: float
    estimate_cents: float
    error: str | None
    created_at: datetime
    finished_at: datetime | None


class AskOut(BaseModel):
    run: RunOut
    message: AgentMessageOut
    warning: str


def thread_out(t: AgentThread) -> ThreadOut:
    return ThreadOut.model_validate(t)


def message_out(m: AgentMessage) -> AgentMessageOut:
    meta = m.meta or {}
    return AgentMessageOut(
        id=int(m.id or 0),
        thread_id=m.thread_id,
        role=m.role,
        content=m.content,
        run_id=meta.get("run_id"),
        stopped=bool(meta.get("stopped")),
        refs=list(meta.get("refs", [])),
        links=dict(meta.get("links", {})),
        created_at=m.created_at,
    )


def run_out(r: AgentRun) -> RunOut:
    return RunOut.model_validate(r)
