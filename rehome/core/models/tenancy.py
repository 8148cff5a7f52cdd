"""Workspaces, users, projects and who is in which project with what role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from rehome.core.models.base import created_at_field, fts_index, optional_time_field

PROJECT_ROLES = ("team", "consultant", "client")


class Workspace(SQLModel, table=True):
    __tablename__ = "workspaces"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    slug: str = Field(max_length=80, unique=True, index=True)
    ai_provider: str | None = Field(default=None, max_length=20)
    ai_model: str | None = Field(default=None, max_length=80)
    ai_budget_cents: int | None = Field(default=None, ge=0)
    created_at: datetime = created_at_field()


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    phone: str | None = Field(default=None, max_length=40)
    password_hash: str | None = Field(default=None, max_length=255)
    is_admin: bool = Field(default=False)
    disabled_at: datetime | None = optional_time_field()
    password_changed_at: datetime | None = optional_time_field()
    created_at: datetime = created_at_field()

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


class Project(SQLModel, table=True):
    __tablename__ = "projects"
    __table_args__ = (
        fts_index(
            "ix_projects_fts",
            "to_tsvector('simple'::regconfig, (((COALESCE(name, ''::character varying)::text || ' '::text)"
            " || COALESCE(description, ''::character varying)::text) || ' '::text)"
            " || COALESCE(address, ''::character varying)::text)",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=5000)
    address: str = Field(default="", max_length=300)
    # BIGINT, like tasks.cost_cents: 2^31 cents is a small budget in many currencies
    budget_cents: int | None = Field(default=None, ge=0, sa_type=BigInteger)
    created_by: int | None = Field(default=None, foreign_key="users.id")
    archived_at: datetime | None = optional_time_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class ProjectMembership(SQLModel, table=True):
    __tablename__ = "project_memberships"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id", name="uq_membership_project_user"),
        CheckConstraint("role IN ('team', 'consultant', 'client')", name="ck_membership_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    role: str = Field(sa_type=String(20))
    created_at: datetime = created_at_field()
