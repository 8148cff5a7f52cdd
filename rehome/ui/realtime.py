"""What background relays need to know about the browser tab they serve."""

from __future__ import annotations

from reflex_base.registry import RegistrationContext


async def tab_connected(token: str) -> bool:
    """Whether the tab's websocket is still open (relays stop when it closes)."""
    try:
        manager = RegistrationContext.get().app.event_namespace._token_manager  # type: ignore[union-attr]  # no namespace: AttributeError, caught below
    except (LookupError, AttributeError):
        return True
    return await manager.is_token_connected(token)
