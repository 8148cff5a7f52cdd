"""The signed-in user's notifications: list, open, mark read."""

from __future__ import annotations

from typing import Any

import reflex as rx

from rehome.core import notifications
from rehome.ui.session import SessionState


class NotificationsState(SessionState):
    items: list[notifications.NotificationOut] = []
    unread_only: bool = False

    def _reload(self, actor: Any) -> None:
        page = self._run(
            lambda s: notifications.list_notifications(s, actor, unread_only=self.unread_only, limit=50)
        )
        self.items = page.items if page else []
        self._remember(actor)

    @rx.event
    def load(self) -> Any:
        actor = self._actor()
        if actor is None:
            return self._sign_in_redirect()
        self._reload(actor)
        return None

    @rx.event
    def toggle_unread(self) -> Any:
        self.unread_only = not self.unread_only
        return NotificationsState.load

    @rx.event
    def open(self, notification_id: int, link: str) -> Any:
        actor = self._actor()
        if actor is None:
            return self._sign_in_redirect()
        self._attempt(lambda s: notifications.mark_read(s, actor, [int(notification_id)]))
        return rx.redirect(link if link.startswith("/") and not link.startswith("//") else "/projects")

    @rx.event
    def mark_all_read(self) -> Any:
        actor = self._actor()
        if actor is None:
            return self._sign_in_redirect()
        self._attempt(lambda s: notifications.mark_read(s, actor))
        self._reload(actor)
        return None
