"""Opening the project page: access first, then where live events start,
then board, chat and files in this same event (one round trip, one first delta),
and the tab the URL asks for.

It sits beside the board, chat and relay states rather than above them, so
the parent state (`ProjectState`) imports none of its children.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from rehome.core.access import project_scope
from rehome.core.infra.errors import DomainError
from rehome.core.vocab import Audience
from rehome.ui.agent.state import AgentState
from rehome.ui.digests.project_state import ProjectDigestState
from rehome.ui.guard import Ctx, public, signed_in
from rehome.ui.project.board_state import BoardState
from rehome.ui.project.chat_state import ChatState
from rehome.ui.project.files_state import FilesState
from rehome.ui.project.live import LiveState
from rehome.ui.project.state import ProjectState

TABS = ("board", "chat", "files", "agent")


class ProjectPageState(ProjectState):
    tab: rx.Field[str] = rx.field("board")

    def _leave(self, error: DomainError) -> Any:
        self.flash = error.message
        return rx.redirect("/projects", replace=True)

    @signed_in(page=True, on_error="_leave")
    async def load(self, ctx: Ctx) -> Any:
        project_id = self._route_project_id()
        if project_id is None:
            return rx.redirect("/projects", replace=True)
        scope = project_scope(ctx.db, ctx.actor, project_id)  # NotFound: not theirs to see
        self._enter_project(scope)
        self._refresh_frame(ctx, scope)
        query = self.router.url.query_parameters
        self.tab = query.get("tab", "board") if query.get("tab") in TABS else "board"
        opened_task = (await self.get_state(BoardState))._open(ctx)
        (await self.get_state(ChatState))._open(ctx)
        opened_file = (await self.get_state(FilesState))._open(ctx)
        opened = [e for e in (opened_task, opened_file) if e]
        return [LiveState.run, *self._agent_if_shown(), *opened]

    @public
    def set_tab(self, tab: str) -> Any:
        self.tab = tab if tab in TABS else "board"
        return self._agent_if_shown()

    def _agent_if_shown(self) -> list[Any]:
        """The assistant (its thread, and a cost estimate that builds a whole
        context) opens when its tab is shown, not with every page load."""
        if self.tab != "agent" or not self.project_id:
            return []
        return [
            AgentState.open_scope(self.project_id, Audience.PARTICIPANT.value),
            ProjectDigestState.open_digests,
        ]
