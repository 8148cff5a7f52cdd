"""What background relays need to know about the browser tab they serve."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from reflex.istate.proxy import StateProxy
from reflex_base.registry import RegistrationContext


class _LetGo:
    """What a relay's state proxy holds between its `async with` blocks."""

    def __getattr__(self, name: str) -> Any:
        # AttributeError: what wrapt expects of the optional hooks it looks up
        raise AttributeError(f"relay state read outside `async with` ({name}): loaded under the lock only")


_LET_GO = _LetGo()


@asynccontextmanager
async def locked(state: Any) -> AsyncIterator[Any]:
    """`async with self` for a relay (a background task that lives as long as
    its tab), which lets go of the state tree when the block ends.

    Reflex's proxy keeps the tree it loaded under the lock until the next
    `async with`; a relay waits there for most of its life, so every open tab
    pinned a whole copy of its state tree (board cards, chat lines) in the
    web process for as long as it stayed open (issue 13, memory per tab). The
    next `async with` loads a fresh tree anyway."""
    async with state:
        yield state
    if isinstance(state, StateProxy):
        super(StateProxy, state).__setattr__("__wrapped__", _LET_GO)  # wrapt's own setter, past the guard


async def tab_connected(token: str) -> bool:
    """Whether the tab's websocket is still open (relays stop when it closes)."""
    try:
        manager = RegistrationContext.get().app.event_namespace._token_manager  # type: ignore[union-attr]  # no namespace: AttributeError, caught below
    except (LookupError, AttributeError):
        return True
    return await manager.is_token_connected(token)
