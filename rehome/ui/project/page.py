"""The project page: header with presence and notification setting, and the
Board, Chat, Files and Agent tabs."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rehome.ui.components.offline import offline_capture
from rehome.ui.digests.project_view import agent_tab
from rehome.ui.layout import app_shell
from rehome.ui.listsync import list_patches
from rehome.ui.project.board_state import BoardState
from rehome.ui.project.board_view import board_tab
from rehome.ui.project.chat_state import ChatState
from rehome.ui.project.chat_view import chat_tab
from rehome.ui.project.files_view import file_lightbox, files_tab
from rehome.ui.project.live import LiveState
from rehome.ui.project.models import PersonChip
from rehome.ui.project.page_state import ProjectPageState
from rehome.ui.project.state import ProjectState


def _online(person: ObjectVar[PersonChip]) -> rx.Component:
    return rx.tooltip(
        rx.box(
            rx.avatar(fallback=person.initials, size="2", radius="full"),
            class_name="online-person",
            data_user_id=person.id,
            position="relative",
            _after={
                "content": '""',
                "position": "absolute",
                "right": "0",
                "bottom": "0",
                "width": "9px",
                "height": "9px",
                "border_radius": "50%",
                "background": "var(--green-9)",
                "border": "2px solid var(--color-panel-solid)",
            },
        ),
        content=person.name,
    )


def _header() -> rx.Component:
    return rx.flex(
        rx.box(
            rx.heading(ProjectState.project_name, size="6", id="project-name"),
            rx.text(ProjectState.project_address, color_scheme="gray", size="2"),
        ),
        rx.spacer(),
        rx.hstack(rx.foreach(LiveState.online, _online), spacing="1", id="online-people"),
        rx.select.root(
            rx.select.trigger(aria_label="Notifications for this project"),
            rx.select.content(
                rx.select.item("All notifications", value="all"),
                rx.select.item("Digests only", value="digest"),
                rx.select.item("Mute", value="mute"),
            ),
            value=ProjectState.notify_level,
            on_change=ProjectState.set_notify_level,
            size="1",
        ),
        align="center",
        spacing="3",
        wrap="wrap",
        margin_bottom="12px",
    )


def project_page() -> rx.Component:
    return app_shell(
        _header(),
        offline_capture(
            ProjectState.project_id,
            ProjectState.my_id,
            ProjectState.max_upload_bytes,
            ProjectState.can_create_task,
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Board", value="board"),
                rx.tabs.trigger("Chat", value="chat"),
                rx.tabs.trigger("Files", value="files"),
                rx.tabs.trigger("Agent", value="agent"),
            ),
            rx.tabs.content(board_tab(), value="board", padding_top="12px"),
            rx.tabs.content(chat_tab(), value="chat", padding_top="12px"),
            rx.tabs.content(files_tab(), value="files", padding_top="12px"),
            rx.tabs.content(rx.box(agent_tab(), padding_top="12px"), value="agent"),
            value=ProjectPageState.tab,
            on_change=ProjectPageState.set_tab,
        ),
        file_lightbox(),
        list_patches(BoardState),
        list_patches(ChatState),
    )
