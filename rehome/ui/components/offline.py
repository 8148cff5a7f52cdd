"""Offline capture on the project page (issue 12): a chat message, a task and
photos taken while the network is gone wait in the browser's IndexedDB and are
sent through the REST API, each with the Idempotency-Key made when it was
captured, once the connection is back.

The React side is ``assets/offline_capture.jsx`` (the banner, the form and the
pending list) and ``assets/offline_outbox.js`` (storage and sending). Nothing
passes through Reflex state: while offline its websocket is down, and the sent
items come back to every open tab through the usual live updates.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars.base import Var

from rehome.core.vocab import TaskStatus
from rehome.ui.components.links import backend_url

OFFLINE_LIBRARY = "$/public/offline_capture.jsx"
IDB_KEYVAL = "idb-keyval@6.2.1"  # a small, well-kept IndexedDB wrapper (Jake Archibald)
COLUMNS = [{"value": status.value, "label": status.label} for status in TaskStatus]


class OfflineCapture(rx.Component):
    library = OFFLINE_LIBRARY
    lib_dependencies: list[str] = [IDB_KEYVAL]
    tag = "OfflineCapture"

    api_base: Var[str]
    project_id: Var[int]
    user_id: Var[int]
    max_bytes: Var[int]
    can_create_task: Var[bool]
    columns: Var[list[dict[str, str]]]


def offline_capture(
    project_id: Var[int], user_id: Var[int], max_bytes: Var[int], can_create_task: Var[bool], **props: Any
) -> rx.Component:
    return OfflineCapture.create(
        api_base=backend_url(""),
        project_id=project_id,
        user_id=user_id,
        max_bytes=max_bytes,
        can_create_task=can_create_task,
        columns=COLUMNS,
        **props,
    )
