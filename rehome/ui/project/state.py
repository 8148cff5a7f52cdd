"""The project page's frame: which project, the viewer's role there, its people.

Substates (board, chat, live relay) inherit from it; every handler still
re-resolves the actor and the project scope through the access layer.
"""

from __future__ import annotations

import re
from typing import Any

import reflex as rx

from rehome.core import notifications
from rehome.core.access import Action, Actor, project_scope
from rehome.core.infra import bus
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError
from rehome.core.projects.service import project_detail
from rehome.settings import get_settings
from rehome.ui.components.links import backend_url
from rehome.ui.project.models import PersonChip, initials
from rehome.ui.session import SessionState

_PROJECT_PATH = re.compile(r"^/projects/(\d{1,10})/?$")
TABS = ("board", "chat", "files", "agent")


class ProjectState(SessionState):
    project_id: int = 0
    project_name: str = ""
    project_address: str = ""
    role: str = ""
    my_id: int = 0
    can_create_task: bool = False
    can_edit_tasks: bool = False
    can_delete_task: bool = False
    can_mark_internal: bool = False
    can_moderate: bool = False
    sees_costs: bool = False
    people: list[PersonChip] = []
    tab: str = "board"
    notify_level: str = "all"
    upload_url: str = ""  # where the browser sends files (REST, one request per file)
    max_upload_bytes: int = 0
    _cursors: dict[str, str] = {}

    @rx.var
    def is_client(self) -> bool:
        return self.role == "client"

    def _route_project_id(self) -> int | None:
        match = _PROJECT_PATH.match(self.router.url.path or "")
        return int(match.group(1)) if match else None

    def _project_actor(self) -> tuple[Actor, int] | None:
        """The actor if they may still see this project, else None."""
        actor = self._actor()
        if actor is None or not self.project_id:
            return None
        try:
            with session_scope() as session:
                project_scope(session, actor, self.project_id)
        except DomainError:
            return None
        return actor, self.project_id

    def _refresh_frame(self, actor: Actor, project_id: int) -> None:
        with session_scope() as session:
            detail = project_detail(session, actor, project_id)
            scope = project_scope(session, actor, project_id)
            level = notifications.get_level(session, actor, project_id)
        self.project_id, self.project_name, self.project_address = detail.id, detail.name, detail.address
        self.role, self.my_id, self.notify_level = detail.role, actor.user_id, level
        self.can_create_task = scope.can(Action.CREATE_TASK)
        self.can_edit_tasks = scope.can(Action.EDIT_TASK)
        self.can_delete_task = scope.can(Action.DELETE_TASK)
        self.can_mark_internal = scope.can(Action.MARK_INTERNAL)
        self.can_moderate = scope.can(Action.MODERATE)
        self.sees_costs = scope.sees_costs
        self.people = [PersonChip(id=p.id, name=p.name, initials=initials(p.name)) for p in detail.people]
        self.upload_url = backend_url(f"/api/projects/{project_id}/files")
        self.max_upload_bytes = get_settings().upload_max_bytes

    @rx.event
    async def load(self) -> Any:
        """Open the page: check access, note where live events start, then load
        board, chat and files in this same event (one round trip, one first delta)."""
        actor = self._actor()
        if actor is None:
            return self._sign_in_redirect()
        self._remember(actor)
        project_id = self._route_project_id()
        if project_id is None:
            return rx.redirect("/projects")
        channels = [bus.project_channel(project_id), bus.user_channel(actor.user_id)]
        self._cursors = {channel: bus.last_id(channel) for channel in channels}
        try:
            self._refresh_frame(actor, project_id)
        except DomainError as error:
            self.flash = error.message
            return rx.redirect("/projects")
        query = self.router.url.query_parameters
        self.tab = query.get("tab", "board") if query.get("tab") in TABS else "board"
        from rehome.ui.project.board_state import BoardState
        from rehome.ui.project.chat_state import ChatState
        from rehome.ui.project.files_state import FilesState
        from rehome.ui.project.live import LiveState

        opened_task = (await self.get_state(BoardState))._open(actor)
        (await self.get_state(ChatState))._open(actor, project_id)
        opened_file = (await self.get_state(FilesState))._open(actor)
        opened = [e for e in (opened_task, opened_file) if e]
        return [LiveState.run, *self._agent_if_shown(), *opened]

    @rx.event
    def set_tab(self, tab: str) -> Any:
        self.tab = tab if tab in TABS else "board"
        return self._agent_if_shown()

    def _agent_if_shown(self) -> list[Any]:
        """The assistant (its thread, and a cost estimate that builds a whole
        context) opens when its tab is shown, not with every page load."""
        if self.tab != "agent" or not self.project_id:
            return []
        from rehome.ui.agent.state import AgentState

        return [AgentState.open_scope(self.project_id, "participant")]

    @rx.event
    def set_notify_level(self, level: str) -> Any:
        current = self._project_actor()
        if current is None:
            return self._sign_in_redirect()
        actor, project_id = current
        data = self._validated(notifications.LevelSet, {"level": level})
        if data is not None and self._attempt(lambda s: notifications.set_level(s, actor, project_id, data)):
            self.notify_level = data.level
        return None

    def _validated(self, model: Any, values: dict[str, Any]) -> Any:
        try:
            return model.model_validate(values)
        except ValueError:
            self.flash = "That value is not allowed."
            return None
