"""Files tab: uploader, filters, a photo grid (or a list), the tile menu, and the
rename and delete dialogs. The lightbox itself sits on the page (`file_lightbox`)
so chat and task thumbnails open it too."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from rehome.ui.components.files import file_uploader, lightbox, thumb
from rehome.ui.project.files_state import FilesState as F
from rehome.ui.project.models import FileCard, PersonChip

_KINDS = [
    ("all", "All types"),
    ("image", "Photos"),
    ("pdf", "PDFs"),
    ("document", "Documents"),
    ("spreadsheet", "Sheets and CSV"),
    ("text", "Text"),
]
_SORTS = [("newest", "Newest first"), ("oldest", "Oldest first"), ("name", "Name"), ("size", "Largest first")]


def _may_change(card: ObjectVar[FileCard]) -> rx.Var[bool]:
    return (card.uploader_id == F.my_id) | F.can_moderate


def _badges(card: ObjectVar[FileCard]) -> rx.Component:
    return rx.hstack(
        rx.cond(
            card.internal, rx.badge(rx.icon("lock", size=10), "Internal", color_scheme="purple", size="1")
        ),
        rx.cond(card.status == "checking", rx.badge("Checking…", color_scheme="amber", size="1")),
        rx.cond(card.status == "quarantined", rx.badge("Quarantined", color_scheme="red", size="1")),
        rx.cond(card.keep_location, rx.badge(rx.icon("map-pin", size=10), "Location", size="1")),
        spacing="1",
        wrap="wrap",
    )


def _menu(card: ObjectVar[FileCard]) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=16),
                variant="soft",
                size="1",
                aria_label="File actions",
                class_name="file-menu",
            )
        ),
        rx.menu.content(
            rx.cond(card.downloadable, rx.menu.item("Download", on_click=F.download(card.id))),
            rx.cond(
                _may_change(card),
                rx.menu.item("Rename", on_click=F.start_rename(card.id)),
            ),
            rx.cond(
                F.can_mark_internal,
                rx.menu.item(
                    rx.cond(card.internal, "Share with clients", "Mark internal"),
                    on_click=F.set_internal(card.id, ~card.internal),
                ),
            ),
            rx.cond(
                _may_change(card),
                rx.fragment(
                    rx.menu.separator(),
                    rx.menu.item("Delete", color="red", on_click=F.ask_delete_file(card.id)),
                ),
            ),
        ),
    )


def _tile(card: ObjectVar[FileCard]) -> rx.Component:
    return rx.box(
        rx.el.button(
            thumb(card.thumb, card.kind, card.name, 36),
            class_name="file-thumb",
            on_click=F.open_file(card.id),
            aria_label=card.name,
        ),
        rx.box(
            rx.hstack(
                rx.text(
                    card.name, size="2", weight="medium", trim="both", class_name="file-name", truncate=True
                ),
                rx.spacer(),
                _menu(card),
                align="center",
                spacing="1",
            ),
            rx.text(card.uploader_name, " · ", card.size, size="1", color_scheme="gray", truncate=True),
            _badges(card),
            padding="6px 8px",
        ),
        class_name="file-tile",
        data_file_id=card.id,
        data_status=card.status,
    )


def _row(card: ObjectVar[FileCard]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.el.button(
                    thumb(card.thumb, card.kind, card.name, 18),
                    class_name="file-thumb",
                    on_click=F.open_file(card.id),
                    aria_label=card.name,
                    style={"width": "36px", "height": "36px", "borderRadius": "6px", "overflow": "hidden"},
                ),
                rx.text(card.name, weight="medium"),
                _badges(card),
                align="center",
                spacing="2",
            ),
        ),
        rx.table.cell(card.kind),
        rx.table.cell(card.size, white_space="nowrap"),
        rx.table.cell(card.uploader_name, white_space="nowrap"),
        rx.table.cell(rx.moment(card.created_at, from_now=True), white_space="nowrap"),
        rx.table.cell(_menu(card)),
        class_name="file-row",
        data_file_id=card.id,
    )


def _option(person: ObjectVar[PersonChip]) -> rx.Component:
    return rx.select.item(person.name, value=person.id.to_string())


def _select(name: str, label: str, value: rx.Var[str], items: list[tuple[str, str]]) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=label, id=f"files-{name}"),
        rx.select.content(*[rx.select.item(text, value=key) for key, text in items]),
        value=value,
        on_change=lambda v: F.set_file_filter(name, v),
        size="2",
    )


def _toolbar() -> rx.Component:
    return rx.flex(
        _select("kind", "File type", F.f_kind, _KINDS),
        rx.select.root(
            rx.select.trigger(aria_label="Uploaded by", id="files-uploader"),
            rx.select.content(rx.select.item("Anyone", value="all"), rx.foreach(F.people, _option)),
            value=F.f_uploader,
            on_change=lambda v: F.set_file_filter("uploader", v),
        ),
        rx.input(
            type="date",
            value=F.f_since,
            on_change=lambda v: F.set_file_filter("since", v),
            aria_label="Uploaded from",
            id="files-since",
        ),
        rx.input(
            type="date",
            value=F.f_until,
            on_change=lambda v: F.set_file_filter("until", v),
            aria_label="Uploaded until",
            id="files-until",
        ),
        _select("sort", "Sort", F.f_sort, _SORTS),
        rx.spacer(),
        rx.segmented_control.root(
            rx.segmented_control.item(rx.icon("layout-grid", size=14), value="grid"),
            rx.segmented_control.item(rx.icon("list", size=14), value="list"),
            value=F.view,
            on_change=F.set_view,
            aria_label="View",
        ),
        gap="8px",
        wrap="wrap",
        align="center",
        width="100%",
    )


def _dialogs() -> rx.Component:
    return rx.fragment(
        rx.dialog.root(
            rx.dialog.content(
                rx.dialog.title("Rename file"),
                rx.form(
                    rx.input(name="name", id="rename-file", auto_focus=True, max_length=255, required=True),
                    rx.hstack(
                        rx.button(
                            "Cancel",
                            variant="soft",
                            color_scheme="gray",
                            type="button",
                            on_click=F.cancel_rename,
                        ),
                        rx.button("Save", type="submit"),
                        justify="end",
                        margin_top="12px",
                    ),
                    on_submit=F.save_rename,
                ),
            ),
            open=F.renaming_id > 0,
            on_open_change=lambda _: F.cancel_rename(),
        ),
        rx.alert_dialog.root(
            rx.alert_dialog.content(
                rx.alert_dialog.title(rx.text("Delete “", F.confirm_delete_name, "”?")),
                rx.alert_dialog.description("The file and its previews are removed for everyone."),
                rx.hstack(
                    rx.alert_dialog.cancel(
                        rx.button(
                            "Cancel", variant="soft", color_scheme="gray", on_click=F.cancel_delete_file
                        )
                    ),
                    rx.alert_dialog.action(rx.button("Delete", color_scheme="red", on_click=F.delete_file)),
                    justify="end",
                    margin_top="12px",
                ),
            ),
            open=F.confirm_delete_file > 0,
        ),
    )


def files_tab() -> rx.Component:
    return rx.vstack(
        file_uploader(
            F.upload_url,
            F.on_uploaded,
            max_bytes=F.max_upload_bytes,
            can_internal=F.can_mark_internal,
            input_id="file-input",
        ),
        _toolbar(),
        rx.cond(
            F.files.length() == 0,
            rx.callout("No files here yet.", icon="folder-open", color_scheme="gray", width="100%"),
            rx.cond(
                F.view == "grid",
                rx.box(rx.foreach(F.files, _tile), class_name="file-grid", id="file-grid"),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in ("Name", "Type", "Size", "By", "Added", "")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(F.files, _row)),
                    width="100%",
                    id="file-list",
                ),
            ),
        ),
        rx.cond(
            F.has_more, rx.button("Show more", variant="soft", on_click=F.show_more_files, id="files-more")
        ),
        _dialogs(),
        spacing="3",
        width="100%",
    )


def file_lightbox() -> rx.Component:
    return lightbox(
        slides=F.slides,
        start=F.slide_start,
        open_key=F.slide_key,
        on_close=F.close_slides,
        on_download=F.download,
    )


def attachments(cards: ArrayVar[list[FileCard]]) -> rx.Component:
    """Thumbnails under a chat message or in a task: a click opens the lightbox on them."""
    ids = cards.pluck("id")
    return rx.cond(
        cards.length() > 0,
        rx.box(
            rx.foreach(
                cards,
                lambda c: rx.el.button(
                    thumb(c.thumb, c.kind, c.name, 22),
                    class_name="file-thumb",
                    title=c.name,
                    aria_label=c.name,
                    on_click=rx.cond(c.preview != "", F.show_file(c.id, ids), F.download(c.id)),
                ),
            ),
            class_name="file-attachments",
        ),
    )
