"""What readers get back about projects and members, redacted for their role."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from rehome.core.models import Project
from rehome.core.vocab import Role


class ProjectOut(BaseModel):
    id: int
    name: str
    description: str
    address: str
    budget_cents: int | None
    archived: bool
    role: str
    created_at: datetime


class MemberOut(BaseModel):
    user_id: int
    name: str
    email: str | None
    role: str


# The stored fields a ProjectOut is made of, in the order `project_from_row` reads them.
PROJECT_FIELDS = ("id", "name", "description", "address", "budget_cents", "archived_at", "created_at")


def project_from_row(row: Sequence[Any], role: Role) -> ProjectOut:
    """The view model from a plain row of PROJECT_FIELDS, redacted for `role`."""
    project_id, name, description, address, budget_cents, archived_at, created_at = row
    return ProjectOut(
        id=project_id,
        name=name,
        description=description,
        address=address,
        budget_cents=budget_cents if role in (Role.ADMIN, Role.TEAM) else None,
        archived=archived_at is not None,
        role=role.value,
        created_at=created_at,
    )


def project_out(project: Project, role: Role) -> ProjectOut:
    return project_from_row([getattr(project, name) for name in PROJECT_FIELDS], role)
