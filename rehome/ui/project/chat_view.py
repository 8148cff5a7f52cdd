"""Chat tab: history scrolls back on demand, newest at the bottom, composer
with @mention suggestions, typing indicator, edit/delete own messages."""

from __future__ import annotations

from typing import cast

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from rehome.ui.components.files import file_uploader
from rehome.ui.components.markdown import safe_markdown
from rehome.ui.project.chat_state import ChatState
from rehome.ui.project.files_view import attachments
from rehome.ui.project.live import LiveState
from rehome.ui.project.models import ChatLine, FileCard, PersonChip

_WATCH = "window.rehome.chatScroll('chat-scroll', 'chat-load-older')"


def _actions(line: ObjectVar[ChatLine]) -> rx.Component:
    mine = line.author_id == ChatState.my_id
    return rx.hstack(
        rx.cond(
            mine,
            rx.icon_button(
                rx.icon("pencil", size=12),
                size="1",
                variant="ghost",
                aria_label="Edit",
                on_click=ChatState.start_edit(line.id),
            ),
        ),
        rx.cond(
            mine | ChatState.can_moderate,
            rx.icon_button(
                rx.icon("trash-2", size=12),
                size="1",
                variant="ghost",
                color_scheme="red",
                aria_label="Delete",
                on_click=ChatState.ask_delete_message(line.id),
            ),
        ),
        spacing="1",
        class_name="message-actions",
    )


def _editor(line: ObjectVar[ChatLine]) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text_area(name="body", default_value=line.body, rows="3", width="100%", auto_focus=True),
            rx.hstack(
                rx.button("Save", size="1", type="submit"),
                rx.button("Cancel", size="1", variant="soft", type="button", on_click=ChatState.cancel_edit),
            ),
            width="100%",
        ),
        on_submit=ChatState.save_edit,
        width="100%",
    )


def _line(line: ObjectVar[ChatLine]) -> rx.Component:
    return rx.hstack(
        rx.el.span(line.initials, class_name="assignee-chip chat-avatar"),
        rx.box(
            rx.hstack(
                rx.text(line.author_name, weight="bold", size="2"),
                rx.moment(line.sent_at, from_now=True, size="1", color="var(--gray-10)"),
                rx.cond(line.edited, rx.text("(edited)", size="1", color_scheme="gray")),
                rx.cond(
                    line.internal,
                    rx.badge(rx.icon("lock", size=10), "Internal", size="1", color_scheme="purple"),
                ),
                rx.spacer(),
                _actions(line),
                align="center",
                spacing="2",
                width="100%",
            ),
            rx.cond(
                ChatState.editing_id == line.id,
                _editor(line),
                rx.cond(
                    line.rich, safe_markdown(line.body), rx.text(line.body, size="2", class_name="plain")
                ),
            ),
            attachments(cast(ArrayVar[list[FileCard]], line.files)),
            flex="1",
            min_width="0",
        ),
        align="start",
        width="100%",
        class_name="chat-line",
        data_message_id=line.id,
        background=rx.cond(line.internal, "var(--purple-a2)", "transparent"),
        padding="6px",
        border_radius="8px",
    )


def _pending(card: ObjectVar[FileCard]) -> rx.Component:
    return rx.badge(
        rx.icon("paperclip", size=12),
        card.name,
        rx.icon_button(
            rx.icon("x", size=10),
            size="1",
            variant="ghost",
            aria_label="Remove attachment",
            on_click=ChatState.drop_pending(card.id),
        ),
        variant="soft",
        size="2",
        class_name="pending-file",
    )


def _suggestion(person: ObjectVar[PersonChip]) -> rx.Component:
    return rx.button(
        rx.avatar(fallback=person.initials, size="1", radius="full"),
        person.name,
        variant="soft",
        size="1",
        on_click=ChatState.pick_mention(person.name),
        class_name="mention-suggestion",
    )


def _composer() -> rx.Component:
    return rx.box(
        rx.cond(
            ChatState.suggestions.length() > 0,
            rx.hstack(
                rx.foreach(ChatState.suggestions, _suggestion),
                wrap="wrap",
                spacing="1",
                margin_bottom="6px",
                id="mention-suggestions",
            ),
        ),
        rx.cond(ChatState.chat_error != "", rx.text(ChatState.chat_error, color_scheme="red", size="1")),
        rx.cond(
            ChatState.pending_files.length() > 0,
            rx.hstack(
                rx.foreach(ChatState.pending_files, _pending), wrap="wrap", spacing="1", id="chat-pending"
            ),
        ),
        rx.form(
            rx.hstack(
                rx.text_area(
                    value=ChatState.draft,
                    on_change=ChatState.set_draft,
                    id="chat-draft",
                    placeholder="Write a message… use @ to mention someone",
                    rows="2",
                    flex="1",
                    max_length=10_000,
                    enter_key_submit=True,
                ),
                rx.vstack(
                    rx.button(rx.icon("send", size=16), "Send", type="submit", id="chat-send"),
                    file_uploader(
                        ChatState.upload_url,
                        ChatState.attach_uploaded,
                        compact=True,
                        label="Attach",
                        input_id="chat-attach",
                        max_bytes=ChatState.max_upload_bytes,
                    ),
                    rx.cond(
                        ChatState.can_mark_internal,
                        rx.text(
                            rx.switch(
                                checked=ChatState.draft_internal,
                                on_change=ChatState.set_draft_internal,
                                size="1",
                            ),
                            " Internal",
                            as_="label",
                            size="1",
                        ),
                    ),
                    align="end",
                    spacing="1",
                ),
                align="end",
                width="100%",
            ),
            on_submit=lambda _: ChatState.send(),
            reset_on_submit=False,
            width="100%",
        ),
        padding_top="8px",
        border_top="1px solid var(--gray-a5)",
        width="100%",
        class_name="chat-composer",
    )


def chat_tab() -> rx.Component:
    return rx.vstack(
        rx.box(
            rx.cond(
                ChatState.has_older,
                rx.center(
                    rx.button(
                        "Load earlier messages",
                        variant="ghost",
                        size="1",
                        id="chat-load-older",
                        on_click=ChatState.load_older,
                    )
                ),
            ),
            rx.vstack(rx.foreach(ChatState.lines, _line), spacing="1", width="100%"),
            id="chat-scroll",
            overflow_y="auto",
            flex="1",
            width="100%",
            padding_right="4px",
            on_mount=rx.call_script(_WATCH),
        ),
        rx.box(
            rx.cond(
                LiveState.typing_names.length() > 0,
                rx.text(
                    LiveState.typing_names.join(", "),
                    " typing…",
                    size="1",
                    color_scheme="gray",
                    id="typing-indicator",
                ),
            ),
            min_height="18px",
        ),
        _composer(),
        rx.alert_dialog.root(
            rx.alert_dialog.content(
                rx.alert_dialog.title("Delete this message?"),
                rx.hstack(
                    rx.alert_dialog.cancel(
                        rx.button(
                            "Cancel",
                            variant="soft",
                            color_scheme="gray",
                            on_click=ChatState.cancel_delete_message,
                        )
                    ),
                    rx.alert_dialog.action(
                        rx.button("Delete", color_scheme="red", on_click=ChatState.delete_message)
                    ),
                    justify="end",
                    margin_top="12px",
                ),
            ),
            open=ChatState.confirm_delete_message > 0,
        ),
        class_name="chat-pane",
        min_height="420px",
        spacing="1",
        width="100%",
    )
