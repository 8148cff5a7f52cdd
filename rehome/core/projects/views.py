"""What readers get back about projects and members, redacted for their role."""

from __future__ import annotations

from datetime import datetime

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


def project_out(project: Project, role: Role) -> ProjectOut:
    return ProjectOut(
        id=int(project.id or 0),
        name=project.name,
        description=project.description,
        address=project.address,
        budget_cents=project.budget_cents if role in (Role.ADMIN, Role.TEAM) else None,
        archived=project.archived_at is not None,
        role=role.value,
        created_at=project.created_at,
    )
