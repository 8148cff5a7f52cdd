"""The streaming answer: a small React component fed by `window.rhLive`.

Why not a state var: Reflex re-sends a changed var whole, so appending tokens
to one would send the answer again on every flush. The relay instead calls
`rhLive(run, text)` with only the new text; finished answers live in state
and are rendered once.
"""

from __future__ import annotations

import json

import reflex as rx
from reflex.vars.base import Var

LIVE_LIBRARY = "$/public/live_answer.jsx"
MARKDOWN_PACKAGES = ["react-markdown@10.1.0", "remark-gfm@4.0.1"]  # the versions rx.markdown uses


class LiveAnswer(rx.Component):
    library = LIVE_LIBRARY
    lib_dependencies: list[str] = MARKDOWN_PACKAGES
    tag = "LiveAnswer"

    run_id: Var[int]


def live_answer(run_id: Var[int] | int, **props: object) -> rx.Component:
    return LiveAnswer.create(run_id=run_id, key=run_id, **props)


def append_js(run_id: int, text: str, upto: int, replace: bool = False) -> str:
    """The script a relay sends: as short as possible, it goes out per flush.
    `upto` is the last sequence number included: the browser ignores a repeat."""
    return f"rhLive({int(run_id)},{json.dumps(text, ensure_ascii=False)},{1 if replace else 0},{int(upto)})"


def end_js(run_id: int) -> str:
    return f"rhLiveEnd({int(run_id)})"
