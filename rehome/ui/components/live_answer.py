"""The answer being streamed: a small React component that reads the run's
token WebSocket itself (see `rehome.api.token_socket`).

Why not a state var: Reflex re-sends a changed var whole and wraps every
event in an envelope, so tokens through state would cost many times the
answer. The finished answer lives in state and is rendered once.
"""

from __future__ import annotations

from typing import Annotated

import reflex as rx
from reflex.event import EventType
from reflex.vars.base import Var

from rehome.ui.components.links import backend_url

LIVE_LIBRARY = "$/public/live_answer.jsx"
MARKDOWN_PACKAGES = ["react-markdown@10.1.0", "remark-gfm@4.0.1"]  # the versions rx.markdown uses


def _run_id_spec(run_id: Var[int]) -> tuple[Var[int]]:
    return (run_id,)


class LiveAnswer(rx.Component):
    library = LIVE_LIBRARY
    lib_dependencies: list[str] = MARKDOWN_PACKAGES
    tag = "LiveAnswer"

    run_id: Var[int]
    api_base: Var[str]
    on_done: Annotated[rx.EventHandler, _run_id_spec]  # what rx.EventHandler[spec] is at run time


def live_answer(run_id: Var[int] | int, on_done: EventType[int], **props: object) -> rx.Component:
    return LiveAnswer.create(run_id=run_id, api_base=backend_url(""), on_done=on_done, key=run_id, **props)
