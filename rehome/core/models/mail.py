"""Mail that was sent, or is being sent (F-35).

One row per mail, keyed by what the mail is about (`key`, unique): a second
attempt to queue the same mail finds the row and queues nothing, and a
redelivered send job finds it `sent` and sends nothing. The body is not kept:
invite and reset mails carry one-time links whose secrets the database only
ever stores hashed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlmodel import Field, SQLModel

from rehome.core.models.base import created_at_field, one_of, optional_time_field
from rehome.core.vocab import MailStatus

_STATUSES = tuple(status.value for status in MailStatus)


class OutboundMail(SQLModel, table=True):
    __tablename__ = "outbound_mail"
    __table_args__ = (CheckConstraint(one_of("status", _STATUSES), name="ck_outbound_mail_status"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, unique=True)
    kind: str = Field(sa_type=String(20))
    to_email: str = Field(max_length=254)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    workspace_id: int | None = Field(default=None, foreign_key="workspaces.id", index=True)
    subject: str = Field(max_length=200)
    status: str = Field(default="queued", sa_type=String(12))
    attempts: int = Field(default=0)
    transport: str = Field(default="", max_length=10)
    provider_id: str | None = Field(default=None, max_length=120)
    error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = created_at_field()
    claimed_at: datetime | None = optional_time_field()
    sent_at: datetime | None = optional_time_field()
