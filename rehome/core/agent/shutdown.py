"""A worker that is shutting down (a deploy's SIGTERM) finishes what it can
and hands back the rest (issue 9).

The worker calls `begin(grace)` when it is told to stop: it takes no new
runs, runs in flight keep streaming, and any still going `grace` seconds
later are handed over: their text so far is flushed, their lease released
and the run queued again, where the next worker takes it over at once and
continues the same answer.
"""

from __future__ import annotations

import threading
import time

_lock = threading.Lock()
_hand_off_at: float | None = None


def begin(grace: float) -> None:
    """Stop taking runs; hand over the ones still going after `grace` seconds."""
    global _hand_off_at
    with _lock:
        if _hand_off_at is None:
            _hand_off_at = time.monotonic() + max(0.0, grace)


def stopping() -> bool:
    return _hand_off_at is not None


def hand_off_due() -> bool:
    at = _hand_off_at
    return at is not None and time.monotonic() >= at


def reset() -> None:
    """Back to normal (tests)."""
    global _hand_off_at
    with _lock:
        _hand_off_at = None
