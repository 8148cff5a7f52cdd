"""The assistant's threads, messages, runs and stored digests (F-02, F-30)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlmodel import Field, SQLModel

from rehome.core.models.base import created_at_field, json_field, one_of, optional_time_field
from rehome.core.vocab import SUMMARY_AUDIENCES, SUMMARY_STATUSES, SUMMARY_TYPES, RunStatus


class AgentThread(SQLModel, table=True):
    __tablename__ = "agent_threads"
    __table_args__ = (CheckConstraint("audience IN ('participant', 'admin')", name="ck_thread_audience"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True, ondelete="CASCADE")
    created_by: int | None = Field(default=None, foreign_key="users.id", index=True)
    audience: str = Field(default="participant", sa_type=String(20))
    title: str = Field(default="", max_length=200)
    status: str = Field(default="open", sa_type=String(20))
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class AgentMessage(SQLModel, table=True):
    __tablename__ = "agent_messages"
    __table_args__ = (
        CheckConstraint("role IN ('user', 'assistant', 'tool', 'system')", name="ck_agent_message_role"),
        Index("ix_agent_messages_thread_id", "thread_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="agent_threads.id", ondelete="CASCADE")
    role: str = Field(sa_type=String(20))
    content: str = Field(default="", sa_type=Text)
    meta: dict = json_field()
    created_at: datetime = created_at_field()


class AgentRun(SQLModel, table=True):
    __tablename__ = "agent_runs"
    __table_args__ = (Index("ix_agent_runs_thread_id", "thread_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="agent_threads.id", ondelete="CASCADE")
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    status: str = Field(default=RunStatus.QUEUED, sa_type=String(20))
    provider: str = Field(default="", max_length=20)
    model: str = Field(default="", max_length=80)
    tokens_in: int = Field(default=0)
    tokens_out: int = Field(default=0)
    cost_cents: float = Field(default=0.0)
    estimate_cents: float = Field(default=0.0)  # the most it may cost, reserved against budgets
    attempts: int = Field(default=0)
    context_used: dict = json_field()
    created_at: datetime = created_at_field()
    started_at: datetime | None = optional_time_field()
    finished_at: datetime | None = optional_time_field(index=True)
    error: str | None = Field(default=None, sa_type=Text)


class ProjectSummary(SQLModel, table=True):
    """A digest, rollup, on-demand summary or client update (F-33).

    `dedupe_key` makes generation idempotent: a scheduled digest is keyed by its
    project, audience and local day, so a redelivered job writes nothing twice.
    """

    __tablename__ = "project_summaries"
    __table_args__ = (
        CheckConstraint(one_of("type", SUMMARY_TYPES), name="ck_summary_type"),
        CheckConstraint(one_of("audience", SUMMARY_AUDIENCES), name="ck_summary_audience"),
        CheckConstraint(one_of("status", SUMMARY_STATUSES), name="ck_summary_status"),
        Index("ix_project_summaries_scope", "workspace_id", "project_id", "type", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    project_id: int | None = Field(default=None, foreign_key="projects.id", ondelete="CASCADE")
    type: str = Field(sa_type=String(20))
    audience: str = Field(default="staff", sa_type=String(20))
    status: str = Field(default="ready", sa_type=String(20), sa_column_kwargs={"server_default": "ready"})
    dedupe_key: str | None = Field(default=None, max_length=160, unique=True)
    content: str = Field(default="", sa_type=Text)
    meta: dict = json_field()
    run_id: int | None = Field(default=None, foreign_key="agent_runs.id", ondelete="SET NULL")
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    approved_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    approved_at: datetime | None = optional_time_field()
    generated_at: datetime = created_at_field()


class DeadLetter(SQLModel, table=True):
    """Work that finally failed after its retries, kept for a person to look at."""

    __tablename__ = "dead_letters"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    ref_id: int | None = Field(default=None)
    workspace_id: int | None = Field(default=None, foreign_key="workspaces.id", index=True)
    error: str = Field(default="", sa_type=Text)
    payload: dict = json_field()
    created_at: datetime = created_at_field()
