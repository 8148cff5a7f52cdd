"""The workspace's own settings an admin may change: for now its time zone,
which decides the local hour its digests are written at (F-33)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session

from rehome.core.access import Actor, require_admin
from rehome.core.activity import log as audit
from rehome.core.infra.errors import NotFound
from rehome.core.models import Workspace


class WorkspaceOut(BaseModel):
    id: int
    name: str
    timezone: str


class WorkspacePatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    timezone: str = Field(min_length=1, max_length=64)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("Use an IANA time zone name, like Europe/Berlin or America/New_York.") from None
        if value not in available_timezones() and value != "UTC":
            raise ValueError("Use an IANA time zone name, like Europe/Berlin or America/New_York.")
        return value


def _own(session: Session, actor: Actor, workspace_id: int) -> Workspace:
    workspace = session.get(Workspace, workspace_id)
    if workspace is None or workspace_id != actor.workspace_id:
        raise NotFound("Workspace not found.")
    return workspace


def get_workspace(session: Session, actor: Actor, workspace_id: int) -> WorkspaceOut:
    workspace = _own(session, actor, workspace_id)
    return WorkspaceOut(id=int(workspace.id or 0), name=workspace.name, timezone=workspace.timezone)


def update_workspace(session: Session, actor: Actor, workspace_id: int, data: WorkspacePatch) -> WorkspaceOut:
    workspace = _own(session, actor, workspace_id)
    require_admin(actor)
    workspace.timezone = data.timezone
    session.add(workspace)
    audit.record(
        session,
        actor,
        "workspace.updated",
        target_type="workspace",
        target_id=workspace_id,
        timezone=data.timezone,
    )
    return WorkspaceOut(id=int(workspace.id or 0), name=workspace.name, timezone=workspace.timezone)
