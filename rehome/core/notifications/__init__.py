"""Per-user notifications (F-10): the public API of the domain."""

from rehome.core.notifications.service import (
    LevelSet,
    NotificationOut,
    get_level,
    list_notifications,
    mark_read,
    muted,
    notify,
    set_level,
    unread_count,
)

__all__ = [
    "LevelSet",
    "NotificationOut",
    "get_level",
    "list_notifications",
    "mark_read",
    "muted",
    "notify",
    "set_level",
    "unread_count",
]
