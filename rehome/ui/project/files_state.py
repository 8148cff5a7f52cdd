"""Files tab: the project's files (filters, sorts, pages), the lightbox, and
rename / internal / delete. Uploads go from the browser straight to the REST
endpoint (a progress bar per file); this state only hears the new ids.

Every handler re-resolves the actor and goes through the core, which checks
the access layer: ids from the browser are never trusted.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TypedDict

import reflex as rx
from pydantic import ValidationError

from rehome.core import files
from rehome.core.access import Actor
from rehome.core.files.reads import FileFilters
from rehome.core.infra.errors import DomainError
from rehome.ui.project.models import FileCard, browser_url, file_card
from rehome.ui.project.state import ProjectState

PAGE = 60
KINDS = ("all", "image", "pdf", "document", "spreadsheet", "text")
SORTS = ("newest", "oldest", "name", "size")
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
    files: list[FileCard] = []
    has_more: bool = False
    f_kind: str = "all"
    f_uploader: str = "all"
    f_since: str = ""
    f_until: str = ""
    f_sort: str = "newest"
    view: str = "grid"
    renaming_id: int = 0
    confirm_delete_file: int = 0
    slides: list[Slide] = []
    slide_start: int = -1
    slide_key: int = 0
    _cursor: str = ""

    # ---- loading ----------------------------------------------------------------
    def _filters(self) -> FileFilters | None:
        try:
            return FileFilters(
                kind=None if self.f_kind == "all" else self.f_kind,
                uploader_id=int(self.f_uploader) if self.f_uploader.isdigit() else None,
                since=date.fromisoformat(self.f_since) if self.f_since else None,
                until=date.fromisoformat(self.f_until) if self.f_until else None,
                sort=self.f_sort,
            )
        except (ValidationError, ValueError):
            self.flash = "Those filters are not valid."
            return None

    def _load(self, actor: Actor, more: bool = False) -> None:
        filters = self._filters()
        if filters is None:
            return
        cursor = self._cursor if more else None
        page = self._run(
            lambda s: files.list_files(s, actor, self.project_id, filters, cursor=cursor, limit=PAGE)
        )
        if page is None:
            return
        cards = [file_card(f) for f in page.items]
        self.files = self.files + cards if more else cards
        self._cursor, self.has_more = page.next_cursor or "", page.next_cursor is not None

    def _open(self, actor: Actor) -> Any:
        """Fill the tab for a page that just opened (the caller checked access)."""
        self.renaming_id = self.confirm_delete_file = 0
        self.slide_start, self.slides = -1, []
        self._load(actor)
        wanted = self.router.url.query_parameters.get("file", "")
        return FilesState.show_file(int(wanted)) if wanted.isdigit() else None

    def _actor_or_away(self) -> tuple[Actor | None, Any]:
        current = self._project_actor()
        if current is None:
            return None, self._sign_in_redirect()
        return current[0], None

    @rx.event
    def load_files(self) -> Any:
        actor, away = self._actor_or_away()
        if actor is not None:
            self._load(actor)
        return away

    @rx.event
    def show_more_files(self) -> Any:
        actor, away = self._actor_or_away()
        if actor is not None and self.has_more:
            self._load(actor, more=True)
        return away

    @rx.event
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

    @rx.event
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

    def _apply_files(self, changed: list[files.FileOut], gone: set[int]) -> None:
        """What the relay read through the access layer: add, replace, drop."""
        incoming = {c["id"]: c for c in (file_card(f) for f in changed) if self._matches(c)}
        touched = gone | {f.id for f in changed}
        kept = [incoming.pop(c["id"], c) for c in self.files if c["id"] not in touched or c["id"] in incoming]
        merged = kept + list(incoming.values())
        self.files = sorted(merged, key=_SORT_KEYS.get(self.f_sort, _SORT_KEYS["newest"]))
        self.slides = [s for s in self.slides if s["id"] not in gone]

    @rx.event
    def on_uploaded(self, file_id: int) -> Any:
        actor, away = self._actor_or_away()
        if actor is None:
            return away
        item = self._run(lambda s: files.get_file(s, actor, int(file_id)))
        if item is not None and item.project_id == self.project_id:
            self._apply_files([item], set())
        return None

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

    @rx.event
    def open_file(self, file_id: int) -> Any:
        """A tile was clicked: the lightbox for previews, else a download."""
        card = next((c for c in self.files if c["id"] == int(file_id)), None)
        if card is None:
            return None
        if not card["preview"]:
            return FilesState.download(card["id"])
        self._show(self.files, card["id"])
        return None

    @rx.event
    def show_file(self, file_id: int, among: list[int] | None = None) -> Any:
        """Open one file (a link, a chat or task thumbnail) with its neighbours, read afresh."""
        actor, away = self._actor_or_away()
        if actor is None:
            return away
        ids = [int(i) for i in (among or [file_id])][:20]
        if int(file_id) not in ids:
            ids.append(int(file_id))

        def read(session: Any) -> list[files.FileOut]:
            found = []
            for one in ids:
                try:
                    found.append(files.get_file(session, actor, one))
                except DomainError:  # gone, or no longer visible: left out
                    continue
            return found

        items = self._run(read) or []
        cards = [file_card(f) for f in items if f.project_id == self.project_id]
        self._show(cards, int(file_id))
        return None

    @rx.event
    def close_slides(self) -> None:
        self.slide_start = -1

    @rx.event
    def download(self, file_id: int) -> Any:
        actor, away = self._actor_or_away()
        if actor is None:
            return away
        link = self._run(lambda s: files.file_link(s, actor, int(file_id)))
        if link is None:
            return rx.toast.error(self.flash) if self.flash else None
        return rx.call_script(f"window.location.assign({json.dumps(browser_url(link.url))})")

    # ---- rename, internal, delete -----------------------------------------------------
    @rx.event
    def start_rename(self, file_id: int) -> None:
        self.renaming_id = int(file_id)

    @rx.event
    def cancel_rename(self) -> None:
        self.renaming_id = 0

    @rx.event
    def save_rename(self, form: dict[str, Any]) -> Any:
        actor, away = self._actor_or_away()
        if actor is None:
            return away
        file_id = self.renaming_id
        try:
            patch = files.FilePatch(name=str(form.get("name", "")))
        except ValidationError:
            self.flash = "A file name needs 1 to 255 characters."
            return None
        item = self._run(lambda s: files.update_file(s, actor, file_id, patch))
        if item is not None:
            self.renaming_id = 0
            self._apply_files([item], set())
        return None

    @rx.event
    def set_internal(self, file_id: int, internal: bool) -> Any:
        actor, away = self._actor_or_away()
        if actor is None:
            return away
        patch = files.FilePatch(internal=bool(internal))
        item = self._run(lambda s: files.update_file(s, actor, int(file_id), patch))
        if item is not None:
            self._apply_files([item], set())
        return None

    @rx.event
    def ask_delete_file(self, file_id: int) -> None:
        self.confirm_delete_file = int(file_id)

    @rx.event
    def cancel_delete_file(self) -> None:
        self.confirm_delete_file = 0

    @rx.event
    def delete_file(self) -> Any:
        actor, away = self._actor_or_away()
        if actor is None:
            return away
        file_id, self.confirm_delete_file = self.confirm_delete_file, 0
        if self._attempt(lambda s: files.delete_file(s, actor, file_id)):
            self._apply_files([], {file_id})
        return None

    @rx.var
    def confirm_delete_name(self) -> str:
        return next((c["name"] for c in self.files if c["id"] == self.confirm_delete_file), "this file")
