"""`/`: send people where they belong."""

from __future__ import annotations

import reflex as rx
from reflex_base.event import EventSpec

from rehome.core.infra.db import session_scope
from rehome.ui.guard import public, session_actor
from rehome.ui.session import SessionState


class HomeState(SessionState):
    @public
    def route(self) -> EventSpec:
        """Only whether the visitor's session is valid is read here."""
        with session_scope() as db:
            target = "/projects" if session_actor(self, db) is not None else "/login"
        return rx.redirect(target, replace=True)


def home_page() -> rx.Component:
    return rx.center(rx.spinner(size="3"), min_height="100vh")
