"""File pieces the project page reuses: the uploader (a progress bar and a
cancel button per file), the lightbox, thumbnails and the type's icon.

The React side is in ``assets/file_upload.jsx`` and ``assets/lightbox.jsx``.
Uploads go straight to ``POST /api/projects/{id}/files`` from the browser
(one request per file), not through Reflex state: the state only hears the
new file's id (``on_uploaded``) and reads it again through the access layer.
"""

from __future__ import annotations

from typing import Annotated, Any

import reflex as rx
from reflex.event import EventType, no_args_event_spec
from reflex.vars.base import Var

UPLOAD_LIBRARY = "$/public/file_upload.jsx"
LIGHTBOX_LIBRARY = "$/public/lightbox.jsx"
KIND_ICONS = {
    "image": "image",
    "pdf": "file-text",
    "document": "file-type",
    "spreadsheet": "sheet",
    "text": "file",
}


def _id_spec(file_id: Var[int]) -> tuple[Var[int]]:
    return (file_id,)


class FileUploader(rx.Component):
    library = UPLOAD_LIBRARY
    tag = "FileUploader"

    upload_url: Var[str]
    max_bytes: Var[int]
    can_internal: Var[bool]
    task_id: Var[int]
    compact: Var[bool]
    input_id: Var[str]
    label: Var[str]
    on_uploaded: Annotated[rx.EventHandler, _id_spec]


class Lightbox(rx.Component):
    library = LIGHTBOX_LIBRARY
    tag = "Lightbox"

    slides: Var[list[dict[str, Any]]]
    start: Var[int]
    open_key: Var[int]
    on_close: Annotated[rx.EventHandler, no_args_event_spec]
    on_download: Annotated[rx.EventHandler, _id_spec]


def file_uploader(upload_url: Var[str] | str, on_uploaded: EventType[int], **props: Any) -> rx.Component:
    return FileUploader.create(upload_url=upload_url, on_uploaded=on_uploaded, **props)


def lightbox(**props: Any) -> rx.Component:
    return Lightbox.create(**props)


def kind_icon(kind: Var[str], size: int = 28) -> rx.Component:
    return rx.match(
        kind,
        *[(k, rx.icon(icon, size=size)) for k, icon in KIND_ICONS.items()],
        rx.icon("file", size=size),
    )


def thumb(url: Var[str], kind: Var[str], name: Var[str], size: int = 28) -> rx.Component:
    """The file's thumbnail when it has one, else its type's icon."""
    return rx.cond(url != "", rx.image(src=url, alt=name, loading="lazy"), kind_icon(kind, size))
