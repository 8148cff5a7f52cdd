"""`/`: send people where they belong."""

from __future__ import annotations

import reflex as rx

from rehome.ui.session import SessionState


class HomeState(SessionState):
    @rx.event
    def route(self) -> rx.event.EventSpec:
        target = "/projects" if self._actor() is not None else "/login"
        return rx.redirect(target, replace=True)


def home_page() -> rx.Component:
    return rx.center(rx.spinner(size="3"), min_height="100vh")
