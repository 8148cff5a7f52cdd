"""The signed-in user's notifications: list, open, mark read."""

from __future__ import annotations

from typing import Any

import reflex as rx

from rehome.core import notifications
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, public, signed_in
from rehome.ui.session import SessionState


class NotificationsState(SessionState):
    items: ListField[list[notifications.NotificationOut]] = list_field()
    unread_only: rx.Field[bool] = rx.field(False)

    def _reload(self, ctx: Ctx) -> None:
        page = notifications.list_notifications(ctx.db, ctx.actor, unread_only=self.unread_only, limit=50)
        self.items = page.items
        self.unread = notifications.unread_count(ctx.db, ctx.actor)

    @signed_in(page=True)
    def load(self, ctx: Ctx) -> None:
        self._reload(ctx)

    @public
    def toggle_unread(self) -> Any:
        self.unread_only = not self.unread_only
        return NotificationsState.load

    @signed_in()
    def open(self, ctx: Ctx, notification_id: int, link: str) -> Any:
        notifications.mark_read(ctx.db, ctx.actor, [int(notification_id)])
        return rx.redirect(link if link.startswith("/") and not link.startswith("//") else "/projects")

    @signed_in()
    def mark_all_read(self, ctx: Ctx) -> None:
        notifications.mark_read(ctx.db, ctx.actor)
        ctx.db.flush()
        self._reload(ctx)
