"""/admin/files: the workspace's files with storage usage against the quota."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rehome.core.files.admin_list import AdminFileRow, ProjectUsage
from rehome.ui.admin.state_files import ANY
from rehome.ui.admin.state_files import AdminFilesState as S
from rehome.ui.admin.table import (
    admin_page,
    confirm_dialog,
    danger_button,
    filter_select,
    header,
    list_table,
    option_filter,
    search_box,
    sort_header,
    toolbar,
)
from rehome.ui.components.files import kind_icon

_KINDS = [(ANY, "All types"), ("image", "Photos"), ("pdf", "PDFs"), ("document", "Documents")]
_KINDS += [("spreadsheet", "Sheets and CSV"), ("text", "Text")]


def _row(row: ObjectVar[AdminFileRow]) -> rx.Component:
    open_in_project = "/projects/" + row.project_id.to_string() + "?tab=files&file=" + row.id.to_string()
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                kind_icon(row.kind, 16),
                rx.link(row.name, href=open_in_project, weight="medium"),
                rx.cond(row.internal, rx.badge("Internal", color_scheme="purple", size="1")),
                rx.cond(row.scan_status == "pending", rx.badge("Checking", color_scheme="amber", size="1")),
                rx.cond(
                    row.scan_status == "quarantined", rx.badge("Quarantined", color_scheme="red", size="1")
                ),
                align="center",
                spacing="2",
            ),
            min_width="220px",
        ),
        rx.table.cell(
            rx.link(
                row.project_name, href="/admin/projects/" + row.project_id.to_string(), color_scheme="gray"
            ),
            min_width="140px",
        ),
        rx.table.cell(row.size, white_space="nowrap"),
        rx.table.cell(row.uploader_name, white_space="nowrap"),
        rx.table.cell(rx.moment(row.created_at, from_now=True), white_space="nowrap"),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    (row.scan_status == "clean") | (row.scan_status == "skipped"),
                    rx.button("Download", size="1", variant="soft", on_click=S.download(row.id)),
                ),
                danger_button("Delete", S.ask("delete", row.id, row.name)),
                spacing="2",
            )
        ),
        class_name="file-row",
    )


def _project_usage(item: ObjectVar[ProjectUsage]) -> rx.Component:
    return rx.hstack(
        rx.text(item.project_name, size="2", flex="1", truncate=True),
        rx.text(item.files, " files", size="1", color_scheme="gray"),
        rx.text(item.used, size="2", weight="medium"),
        width="100%",
    )


def _usage() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.icon("hard-drive", size=18),
            rx.heading("Storage", size="3"),
            rx.text(S.usage_label, size="2", id="storage-usage"),
            align="center",
            spacing="2",
        ),
        rx.progress(value=S.usage_percent.to(int), max=100, margin_y="8px"),
        rx.vstack(rx.foreach(S.by_project, _project_usage), spacing="1", width="100%"),
        width="100%",
        margin_bottom="12px",
    )


def files_admin_page() -> rx.Component:
    return admin_page(
        "files",
        "Files",
        _usage(),
        toolbar(
            search_box(S, "Search file names"),
            option_filter(S, "project", "Project", "All projects", S.project_choices),
            filter_select(S, "kind", "Type", _KINDS),
            filter_select(
                S,
                "scan",
                "Scan",
                [(ANY, "Any state"), ("pending", "Checking"), ("quarantined", "Quarantined")],
            ),
            option_filter(S, "uploader", "Uploaded by", "Anyone", S.people),
            filter_select(
                S, "archived", "Archived projects", [("no", "Active projects"), ("yes", "Include archived")]
            ),
        ),
        list_table(
            S,
            [
                sort_header(S, "Name", "name"),
                sort_header(S, "Project", "project"),
                sort_header(S, "Size", "size"),
                header("By"),
                sort_header(S, "Added", "added"),
                header(""),
            ],
            rx.foreach(S.rows, _row),
            "No files match these filters.",
            "files-table",
        ),
        confirm_dialog(
            S.pending == "delete",
            rx.text("Delete “", S.pending_label, "”?"),
            "The file and its previews are removed for everyone. The activity log keeps a note.",
            "Delete",
            S.confirm_delete,
            S.cancel_pending,
        ),
    )
