"""The project page's frame: which project, the viewer's role there, its people.

Substates (board, chat, live relay, and `page.ProjectPageState`, which opens
the page) inherit from it. Handlers use `guard.in_project`, which checks the
actor's scope in `project_id` again on every call.
"""

from __future__ import annotations

import re
from typing import Any

import reflex as rx

from rehome.core import notifications
from rehome.core.access import Action, ProjectScope
from rehome.core.infra import bus
from rehome.core.projects import project_frame
from rehome.core.vocab import Role
from rehome.settings import get_settings
from rehome.ui.components.links import backend_url
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, in_project
from rehome.ui.project.models import PersonChip, initials
from rehome.ui.session import SessionState

_PROJECT_PATH = re.compile(r"^/projects/(\d{1,10})/?$")


class ProjectState(SessionState):
    project_id: rx.Field[int] = rx.field(0)
    project_name: rx.Field[str] = rx.field("")
    project_address: rx.Field[str] = rx.field("")
    role: rx.Field[str] = rx.field("")
    my_id: rx.Field[int] = rx.field(0)
    can_create_task: rx.Field[bool] = rx.field(False)
    can_edit_tasks: rx.Field[bool] = rx.field(False)
    can_delete_task: rx.Field[bool] = rx.field(False)
    can_mark_internal: rx.Field[bool] = rx.field(False)
    can_moderate: rx.Field[bool] = rx.field(False)
    sees_costs: rx.Field[bool] = rx.field(False)
    people: ListField[list[PersonChip]] = list_field()
    notify_level: rx.Field[str] = rx.field("all")
    upload_url: rx.Field[str] = rx.field("")  # where the browser sends files (REST, one request per file)
    max_upload_bytes: rx.Field[int] = rx.field(0)
    _cursors: dict[str, str] = {}

    @rx.var
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    def _route_project_id(self) -> int | None:
        match = _PROJECT_PATH.match(self.router.url.path or "")
        return int(match.group(1)) if match else None

    def _enter_project(self, scope: ProjectScope) -> None:
        """After the access check passed: where this tab's live events start.
        (Taken before anything is read, so nothing between is missed; never
        for a project the viewer may not see.)"""
        channels = [bus.project_channel(scope.project_id), bus.user_channel(scope.actor.user_id)]
        self._cursors = {channel: bus.last_id(channel) for channel in channels}

    def _refresh_frame(self, ctx: Ctx, scope: ProjectScope) -> None:
        detail = project_frame(ctx.db, ctx.actor, scope.project_id)
        self.project_id, self.project_name, self.project_address = detail.id, detail.name, detail.address
        self.role, self.my_id = detail.role, ctx.actor.user_id
        self.notify_level = notifications.get_level(ctx.db, ctx.actor, scope.project_id)
        self.can_create_task = scope.can(Action.CREATE_TASK)
        self.can_edit_tasks = scope.can(Action.EDIT_TASK)
        self.can_delete_task = scope.can(Action.DELETE_TASK)
        self.can_mark_internal = scope.can(Action.MARK_INTERNAL)
        self.can_moderate = scope.can(Action.MODERATE)
        self.sees_costs = scope.sees_costs
        self.people = [PersonChip(id=p.id, name=p.name, initials=initials(p.name)) for p in detail.people]
        self.upload_url = backend_url(f"/api/projects/{scope.project_id}/files")
        self.max_upload_bytes = get_settings().upload_max_bytes

    @in_project()
    def set_notify_level(self, ctx: Ctx, level: str) -> Any:
        data = notifications.LevelSet.model_validate({"level": level})
        notifications.set_level(ctx.db, ctx.actor, ctx.project_id, data)
        self.notify_level = data.level
