"""The project list: only the projects the signed-in user may see."""

from __future__ import annotations

import reflex as rx

from rehome.core import projects
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, signed_in
from rehome.ui.session import SessionState


class ProjectsState(SessionState):
    cards: ListField[list[projects.ProjectCard]] = list_field()
    loaded: rx.Field[bool] = rx.field(False)

    @signed_in(page=True)
    def load(self, ctx: Ctx) -> None:
        self.cards = projects.project_cards(ctx.db, ctx.actor)
        self.loaded = True
