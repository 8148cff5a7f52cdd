"""The project list: only the projects the signed-in user may see."""

from __future__ import annotations

import reflex as rx

from rehome.core import projects
from rehome.ui.session import SessionState


class ProjectsState(SessionState):
    cards: list[projects.ProjectCard] = []
    loaded: bool = False

    @rx.event
    def load(self) -> rx.event.EventSpec | None:
        actor = self._actor()
        if actor is None:
            return self._sign_in_redirect()
        self._remember(actor)
        self.cards = self._run(lambda s: projects.project_cards(s, actor)) or []
        self.loaded = True
        return None
