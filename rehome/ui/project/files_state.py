"""Files tab: the project's files (filters, sorts, pages), the lightbox, and
rename / internal / delete. Uploads go from the browser straight to the REST
endpoint (a progress bar per file); this state only hears the new ids and
reads them again.

Handlers are guarded (`guard.in_project`): the actor and the project scope
are resolved again for every call, and the core checks each id it is given.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TypedDict

import reflex as rx

from rehome.core import files as core_files
from rehome.core.files.reads import FileFilters
from rehome.core.infra.errors import DomainError, Invalid
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, in_project, public
from rehome.ui.project.models import FileCard, browser_url, file_card
from rehome.ui.project.state import ProjectState

PAGE = 60
KINDS = ("all", "image", "pdf", "document", "spreadsheet", "text")
SORTS = ("newest", "oldest", "name", "size")
LINKED = 20  # files one lightbox opened from a chat message or a task may hold
_SORT_KEYS = {
    "newest": (lambda c: -c["id"]),
    "oldest": (lambda c: c["id"]),
    "name": (lambda c: (c["name"].lower(), c["id"])),
    "size": (lambda c: (-c["size_bytes"], -c["id"])),
}


class Slide(TypedDict):
    id: int
    name: str
    src: str
    downloadable: bool


class FilesState(ProjectState):
    files: ListField[list[FileCard]] = list_field()
    has_more: rx.Field[bool] = rx.field(False)
    f_kind: rx.Field[str] = rx.field("all")
    f_uploader: rx.Field[str] = rx.field("all")
    f_since: rx.Field[str] = rx.field("")
    f_until: rx.Field[str] = rx.field("")
    f_sort: rx.Field[str] = rx.field("newest")
    view: rx.Field[str] = rx.field("grid")
    renaming_id: rx.Field[int] = rx.field(0)
    confirm_delete_file: rx.Field[int] = rx.field(0)
    slides: ListField[list[Slide]] = list_field()
    slide_start: rx.Field[int] = rx.field(-1)
    slide_key: rx.Field[int] = rx.field(0)
    _cursor: str = ""

    # ---- loading ----------------------------------------------------------------
    def _filters(self) -> FileFilters:
        try:
            since = date.fromisoformat(self.f_since) if self.f_since else None
            until = date.fromisoformat(self.f_until) if self.f_until else None
        except ValueError:
            raise Invalid({"date": "Pick dates from the calendar."}) from None
        return FileFilters.model_validate(
            {
                "kind": None if self.f_kind == "all" else self.f_kind,
                "uploader_id": int(self.f_uploader) if self.f_uploader.isdigit() else None,
                "since": since,
                "until": until,
                "sort": self.f_sort,
            }
        )

    def _load(self, ctx: Ctx, more: bool = False) -> None:
        cursor = self._cursor if more else None
        page = core_files.list_files(
            ctx.db, ctx.actor, self.project_id, self._filters(), cursor=cursor, limit=PAGE
        )
        cards = [file_card(f) for f in page.items]
        self.files = self.files + cards if more else cards
        self._cursor, self.has_more = page.next_cursor or "", page.next_cursor is not None

    def _open(self, ctx: Ctx) -> Any:
        """Fill the tab for a page that just opened (the caller checked access)."""
        self.renaming_id = self.confirm_delete_file = 0
        self.slide_start, self.slides = -1, []
        self._load(ctx)
        wanted = self.router.url.query_parameters.get("file", "")
        return FilesState.show_file(int(wanted), []) if wanted.isdigit() else None

    @in_project()
    def load_files(self, ctx: Ctx) -> None:
        self._load(ctx)

    @in_project()
    def show_more_files(self, ctx: Ctx) -> None:
        if self.has_more:
            self._load(ctx, more=True)

    @public
    def set_file_filter(self, name: str, value: str) -> Any:
        value = str(value)[:20]
        if name == "kind" and value in KINDS:
            self.f_kind = value
        elif name == "uploader":
            self.f_uploader = value if value.isdigit() else "all"
        elif name in ("since", "until"):
            setattr(self, f"f_{name}", value)
        elif name == "sort" and value in SORTS:
            self.f_sort = value
        return FilesState.load_files

    @public
    def set_view(self, view: str | list[str]) -> None:
        self.view = "list" if view == "list" else "grid"

    # ---- live updates and new uploads ----------------------------------------------
    def _matches(self, card: FileCard) -> bool:
        day = card["created_at"][:10]
        return (
            (self.f_kind == "all" or card["kind"] == self.f_kind)
            and (not self.f_uploader.isdigit() or card["uploader_id"] == int(self.f_uploader))
            and (not self.f_since or day >= self.f_since)
            and (not self.f_until or day <= self.f_until)
        )

    def _apply_files(self, changed: list[core_files.FileOut], gone: set[int]) -> None:
        """What the relay read through the access layer: add, replace, drop."""
        incoming = {c["id"]: c for c in (file_card(f) for f in changed) if self._matches(c)}
        touched = gone | {f.id for f in changed}
        kept = [incoming.pop(c["id"], c) for c in self.files if c["id"] not in touched or c["id"] in incoming]
        merged = kept + list(incoming.values())
        self.files = sorted(merged, key=_SORT_KEYS.get(self.f_sort, _SORT_KEYS["newest"]))
        self.slides = [s for s in self.slides if s["id"] not in gone]

    @in_project()
    def on_uploaded(self, ctx: Ctx, file_id: int) -> None:
        item = core_files.get_file(ctx.db, ctx.actor, int(file_id))
        if item.project_id == ctx.project_id:
            self._apply_files([item], set())

    # ---- lightbox and downloads ---------------------------------------------------------
    def _show(self, cards: list[FileCard], file_id: int) -> None:
        slides = [
            Slide(id=c["id"], name=c["name"], src=c["preview"], downloadable=c["downloadable"])
            for c in cards
            if c["preview"]
        ]
        index = next((i for i, s in enumerate(slides) if s["id"] == file_id), -1)
        if index >= 0:
            self.slides, self.slide_start, self.slide_key = slides, index, self.slide_key + 1

    @public
    def open_file(self, file_id: int) -> Any:
        """A tile was clicked: the lightbox for previews (links this tab already
        holds), else a download (a fresh link, access checked)."""
        card = next((c for c in self.files if c["id"] == int(file_id)), None)
        if card is None:
            return None
        if not card["preview"]:
            return FilesState.download(card["id"])
        self._show(self.files, card["id"])
        return None

    @in_project()
    def show_file(self, ctx: Ctx, file_id: int, among: list[int]) -> None:
        """Open one file (a link, a chat or task thumbnail) with its neighbours, read afresh."""
        ids = [int(i) for i in among][:LINKED] or [int(file_id)]
        if int(file_id) not in ids:
            ids.append(int(file_id))
        cards = []
        for one in ids:
            try:
                item = core_files.get_file(ctx.db, ctx.actor, one)
            except DomainError:  # gone, or no longer visible: left out
                continue
            if item.project_id == ctx.project_id:
                cards.append(file_card(item))
        self._show(cards, int(file_id))

    @public
    def close_slides(self) -> None:
        self.slide_start = -1

    def _say(self, error: DomainError) -> Any:
        return rx.toast.error(error.message)

    @in_project(on_error="_say")
    def download(self, ctx: Ctx, file_id: int) -> Any:
        link = core_files.file_link(ctx.db, ctx.actor, int(file_id))
        return rx.call_script(f"window.location.assign({json.dumps(browser_url(link.url))})")

    # ---- rename, internal, delete -----------------------------------------------------
    @public
    def start_rename(self, file_id: int) -> None:
        self.renaming_id = int(file_id)

    @public
    def cancel_rename(self) -> None:
        self.renaming_id = 0

    @in_project()
    def save_rename(self, ctx: Ctx, form: dict[str, Any]) -> None:
        patch = core_files.FilePatch.model_validate({"name": str(form.get("name", ""))})
        item = core_files.update_file(ctx.db, ctx.actor, self.renaming_id, patch)
        self.renaming_id = 0
        self._apply_files([item], set())

    @in_project()
    def set_internal(self, ctx: Ctx, file_id: int, internal: bool) -> None:
        patch = core_files.FilePatch(internal=bool(internal))
        self._apply_files([core_files.update_file(ctx.db, ctx.actor, int(file_id), patch)], set())

    @public
    def ask_delete_file(self, file_id: int) -> None:
        self.confirm_delete_file = int(file_id)

    @public
    def cancel_delete_file(self) -> None:
        self.confirm_delete_file = 0

    @in_project()
    def delete_file(self, ctx: Ctx) -> None:
        file_id, self.confirm_delete_file = self.confirm_delete_file, 0
        core_files.delete_file(ctx.db, ctx.actor, file_id)
        self._apply_files([], {file_id})

    @rx.var
    def confirm_delete_name(self) -> str:
        return next((c["name"] for c in self.files if c["id"] == self.confirm_delete_file), "this file")
