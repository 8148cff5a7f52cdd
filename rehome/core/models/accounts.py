"""Sign-in material: browser sessions, API tokens, invites and password resets.

Every secret is stored as a SHA-256 digest; the plain value is shown once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from rehome.core.models.base import UTCDateTime, created_at_field, optional_time_field


class UserSession(SQLModel, table=True):
    __tablename__ = "sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()
    last_seen_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = optional_time_field()
    user_agent: str = Field(default="", max_length=300)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = optional_time_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)  # API_TOKEN_TTL_DAYS after creation
    revoked_at: datetime | None = optional_time_field()


class Invite(SQLModel, table=True):
    __tablename__ = "invites"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    email: str = Field(max_length=254, index=True)
    name: str = Field(default="", max_length=120)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    invited_by: int | None = Field(default=None, foreign_key="users.id")
    make_admin: bool = Field(default=False)
    project_id: int | None = Field(default=None, foreign_key="projects.id")
    project_role: str | None = Field(default=None, sa_type=String(20))
    user_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    accepted_at: datetime | None = optional_time_field()
    revoked_at: datetime | None = optional_time_field()


class PasswordReset(SQLModel, table=True):
    __tablename__ = "password_resets"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = optional_time_field()
