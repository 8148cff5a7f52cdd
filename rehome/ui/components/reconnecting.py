"""A sign that the page lost its live connection (issue 9).

Reflex keeps a websocket open per tab; when it drops (a deploy, a Redis or
network blip) the page would go stale without a word. This shows a small
"Reconnecting…" badge while Reflex reports connection errors, and marks the
page (`data-rehome-offline`) so that `assets/drafts.js` keeps what the user
is typing in an open dialog until the connection is back.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors  # type: ignore[import-untyped]


def reconnecting_badge() -> rx.Component:
    return rx.cond(
        has_connection_errors,
        rx.badge(
            rx.spinner(size="1"),
            "Reconnecting…",
            id="rehome-reconnecting",
            color_scheme="amber",
            variant="solid",
            role="status",
            aria_live="polite",
            position="fixed",
            bottom="16px",
            left="50%",
            transform="translateX(-50%)",
            z_index="1000",
            padding="6px 12px",
        ),
    )
