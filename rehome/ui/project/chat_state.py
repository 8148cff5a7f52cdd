"""Chat tab: history (paged backwards), drafting with @mentions, edit, delete."""

from __future__ import annotations

import re
from typing import Any

import reflex as rx
from pydantic import ValidationError

from rehome.core import files
from rehome.core.access import Action
from rehome.core.chat import messages
from rehome.core.chat.views import MessageOut
from rehome.core.files import FileOut
from rehome.core.files.manage import MAX_ATTACHMENTS
from rehome.core.infra.errors import DomainError
from rehome.core.realtime import presence
from rehome.ui.fields import ListField, ObjectField, list_field
from rehome.ui.guard import Ctx, in_project, public
from rehome.ui.listsync import patch_field, set_list
from rehome.ui.project.models import ChatLine, FileCard, PersonChip, chat_line, file_card
from rehome.ui.project.state import ProjectState

PAGE = 50
KEEP = 400  # lines kept in the browser; older ones are paged in again on demand
_MENTION_TAIL = re.compile(r"@([^\s@]{0,40})$")


class ChatState(ProjectState):
    lines: ListField[list[ChatLine]] = list_field()
    has_older: rx.Field[bool] = rx.field(False)
    draft: rx.Field[str] = rx.field("")
    draft_internal: rx.Field[bool] = rx.field(False)
    suggestions: ListField[list[PersonChip]] = list_field()
    editing_id: rx.Field[int] = rx.field(0)
    chat_error: rx.Field[str] = rx.field("")
    confirm_delete_message: rx.Field[int] = rx.field(0)
    pending_files: ListField[list[FileCard]] = list_field()  # uploaded, to go with the next message
    patch: ObjectField[dict[str, Any]] = patch_field()  # how `lines` changed (see ui/listsync.py)

    def _set_lines(self, lines: list[ChatLine], whole: bool = False) -> None:
        set_list(self, "lines", lines, whole)

    def _open(self, ctx: Ctx) -> None:
        """The newest page of the chat, for a page that just opened."""
        page = messages.list_messages(ctx.db, ctx.actor, self.project_id, limit=PAGE)
        self._set_lines([chat_line(m) for m in reversed(page.items)], whole=True)
        self.has_older = page.next_cursor is not None
        self.editing_id = 0

    @in_project()
    def load_older(self, ctx: Ctx) -> None:
        if not self.lines or not self.has_older:
            return
        oldest = self.lines[0]["id"]
        page = messages.list_messages(ctx.db, ctx.actor, ctx.project_id, before_id=oldest, limit=PAGE)
        self._set_lines([chat_line(m) for m in reversed(page.items)] + list(self.lines))
        self.has_older = page.next_cursor is not None

    def _apply_messages(self, changed: list[MessageOut], gone: set[int]) -> None:
        """Live: add or replace what the relay read, drop what is gone or hidden."""
        by_id = {m.id: chat_line(m) for m in changed}
        kept = [by_id.pop(line["id"], line) for line in self.lines if line["id"] not in gone]
        newest = kept[-1]["id"] if kept else 0
        kept += sorted((line for line in by_id.values() if line["id"] > newest), key=lambda line: line["id"])
        self._set_lines(kept[-KEEP:])

    def _apply_attachments(self, changed: list[FileOut], gone: set[int]) -> None:
        """A file on a message changed (previews ready, renamed) or went away."""
        fresh = {f.id: file_card(f) for f in changed}
        touched = gone | set(fresh)
        lines = []
        for line in self.lines:
            if any(c["id"] in touched for c in line["files"]):
                kept = [fresh.get(c["id"], c) for c in line["files"] if c["id"] not in gone]
                line = ChatLine(**{**line, "files": kept})
            lines.append(line)
        self._set_lines(lines)

    @in_project(Action.POST_MESSAGE, on_error="_chat_refused")
    def attach_uploaded(self, ctx: Ctx, file_id: int) -> None:
        """The composer's uploader finished a file: it waits, as a chip, for the message."""
        item = files.get_file(ctx.db, ctx.actor, int(file_id))
        mine = item.uploaded_by == ctx.actor.user_id and item.project_id == ctx.project_id
        if mine and item.message_id is None and len(self.pending_files) < MAX_ATTACHMENTS:
            self.pending_files = [*self.pending_files, file_card(item)]

    @public
    def drop_pending(self, file_id: int) -> None:
        self.pending_files = [c for c in self.pending_files if c["id"] != int(file_id)]

    @in_project()
    def set_draft(self, ctx: Ctx, value: str) -> None:
        self.draft = value[: messages.MAX_BODY]
        tail = _MENTION_TAIL.search(self.draft)
        if tail is None:
            self.suggestions = []
        else:
            wanted = tail.group(1).lower()
            self.suggestions = [
                p for p in self.people if p["id"] != self.my_id and wanted in p["name"].lower()
            ][:6]
        if value.strip():
            presence.typing(ctx.project_id, ctx.actor.user_id, ctx.actor.name, internal=self.draft_internal)

    @public
    def pick_mention(self, name: str) -> Any:
        self.draft = _MENTION_TAIL.sub(f"@{name} ", self.draft)
        self.suggestions = []
        return rx.set_focus("chat-draft")

    @public
    def set_draft_internal(self, value: bool) -> None:
        self.draft_internal = bool(value) and self.can_mark_internal

    def _chat_refused(self, error: DomainError) -> None:
        self.chat_error = error.message  # the draft stays as typed

    @in_project(Action.POST_MESSAGE, on_error="_chat_refused")
    def send(self, ctx: Ctx) -> None:
        body = self.draft if self.draft.strip() or not self.pending_files else "📎"
        try:
            file_ids = [c["id"] for c in self.pending_files]
            data = messages.MessageCreate(body=body, internal=self.draft_internal, file_ids=file_ids)
        except ValidationError:
            self.chat_error = "Write a message first (up to 10,000 characters)."
            return
        posted = messages.post_message(ctx.db, ctx.actor, ctx.project_id, data)
        self._apply_messages([posted], set())
        self.draft, self.suggestions, self.chat_error, self.pending_files = "", [], "", []

    @public
    def start_edit(self, message_id: int) -> None:
        line = next((x for x in self.lines if x["id"] == int(message_id)), None)
        if line is not None and line["author_id"] == self.my_id:
            self.editing_id = line["id"]

    @public
    def cancel_edit(self) -> None:
        self.editing_id = 0

    @in_project(on_error="_chat_refused")
    def save_edit(self, ctx: Ctx, form: dict[str, Any]) -> None:
        try:
            data = messages.MessageEdit(body=str(form.get("body", "")))
        except ValidationError:
            self.chat_error = "A message needs 1 to 10,000 characters."
            return
        edited = messages.edit_message(ctx.db, ctx.actor, self.editing_id, data)
        self._apply_messages([edited], set())
        self.editing_id, self.chat_error = 0, ""

    @public
    def ask_delete_message(self, message_id: int) -> None:
        self.confirm_delete_message = int(message_id)

    @public
    def cancel_delete_message(self) -> None:
        self.confirm_delete_message = 0

    @in_project()
    def delete_message(self, ctx: Ctx) -> None:
        message_id, self.confirm_delete_message = self.confirm_delete_message, 0
        messages.delete_message(ctx.db, ctx.actor, message_id)
        self._apply_messages([], {message_id})
