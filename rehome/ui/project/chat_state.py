"""Chat tab: history (paged backwards), drafting with @mentions, edit, delete."""

from __future__ import annotations

import re
from typing import Any

import reflex as rx
from pydantic import ValidationError

from rehome.core import files
from rehome.core.access import Actor
from rehome.core.chat import messages
from rehome.core.chat.views import MessageOut
from rehome.core.files import FileOut
from rehome.core.files.manage import MAX_ATTACHMENTS
from rehome.core.realtime import presence
from rehome.ui.project.models import ChatLine, FileCard, PersonChip, chat_line, file_card
from rehome.ui.project.state import ProjectState

PAGE = 50
KEEP = 400  # lines kept in the browser; older ones are paged in again on demand
_MENTION_TAIL = re.compile(r"@([^\s@]{0,40})$")


class ChatState(ProjectState):
    lines: list[ChatLine] = []
    has_older: bool = False
    draft: str = ""
    draft_internal: bool = False
    suggestions: list[PersonChip] = []
    editing_id: int = 0
    chat_error: str = ""
    confirm_delete_message: int = 0
    pending_files: list[FileCard] = []  # uploaded, to go with the next message

    def _open(self, actor: Actor, project_id: int) -> None:
        """The newest page of the chat, for a page that just opened."""
        page = self._run(lambda s: messages.list_messages(s, actor, project_id, limit=PAGE))
        if page is not None:
            self.lines = [chat_line(m) for m in reversed(page.items)]
            self.has_older = page.next_cursor is not None
        self.editing_id = 0

    @rx.event
    def load_older(self) -> Any:
        current = self._project_actor()
        if current is None:
            return self._sign_in_redirect()
        if not self.lines or not self.has_older:
            return None
        actor, project_id = current
        oldest = self.lines[0]["id"]
        page = self._run(lambda s: messages.list_messages(s, actor, project_id, before_id=oldest, limit=PAGE))
        if page is not None:
            self.lines = [chat_line(m) for m in reversed(page.items)] + self.lines
            self.has_older = page.next_cursor is not None
        return None

    def _apply_messages(self, changed: list[MessageOut], gone: set[int]) -> None:
        """Live: add or replace what the relay read, drop what is gone or hidden."""
        by_id = {m.id: chat_line(m) for m in changed}
        kept = [by_id.pop(line["id"], line) for line in self.lines if line["id"] not in gone]
        newest = kept[-1]["id"] if kept else 0
        kept += sorted((line for line in by_id.values() if line["id"] > newest), key=lambda line: line["id"])
        self.lines = kept[-KEEP:]

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
        self.lines = lines

    @rx.event
    def attach_uploaded(self, file_id: int) -> Any:
        """The composer's uploader finished a file: it waits, as a chip, for the message."""
        current = self._project_actor()
        if current is None:
            return self._sign_in_redirect()
        actor, project_id = current
        item = self._run(lambda s: files.get_file(s, actor, int(file_id)))
        mine = item is not None and item.uploaded_by == actor.user_id and item.project_id == project_id
        if (
            item is not None
            and mine
            and item.message_id is None
            and len(self.pending_files) < MAX_ATTACHMENTS
        ):
            self.pending_files = [*self.pending_files, file_card(item)]
        return None

    @rx.event
    def drop_pending(self, file_id: int) -> None:
        self.pending_files = [c for c in self.pending_files if c["id"] != int(file_id)]

    @rx.event
    def set_draft(self, value: str) -> Any:
        self.draft = value[: messages.MAX_BODY]
        tail = _MENTION_TAIL.search(self.draft)
        if tail is None:
            self.suggestions = []
        else:
            wanted = tail.group(1).lower()
            self.suggestions = [
                p for p in self.people if p["id"] != self.my_id and wanted in p["name"].lower()
            ][:6]
        current = self._project_actor()
        if current is not None and value.strip():
            actor, project_id = current
            presence.typing(project_id, actor.user_id, actor.name, internal=self.draft_internal)
        return None

    @rx.event
    def pick_mention(self, name: str) -> Any:
        self.draft = _MENTION_TAIL.sub(f"@{name} ", self.draft)
        self.suggestions = []
        return rx.set_focus("chat-draft")

    @rx.event
    def set_draft_internal(self, value: bool) -> None:
        self.draft_internal = bool(value) and self.can_mark_internal

    @rx.event
    def send(self) -> Any:
        current = self._project_actor()
        if current is None:
            return self._sign_in_redirect()
        actor, project_id = current
        body = self.draft if self.draft.strip() or not self.pending_files else "📎"
        try:
            file_ids = [c["id"] for c in self.pending_files]
            data = messages.MessageCreate(body=body, internal=self.draft_internal, file_ids=file_ids)
        except ValidationError:
            self.chat_error = "Write a message first (up to 10,000 characters)."
            return None
        posted = self._run(lambda s: messages.post_message(s, actor, project_id, data))
        if posted is not None:
            self._apply_messages([posted], set())
            self.draft, self.suggestions, self.chat_error, self.pending_files = "", [], "", []
        return None

    @rx.event
    def start_edit(self, message_id: int) -> None:
        line = next((x for x in self.lines if x["id"] == int(message_id)), None)
        if line is not None and line["author_id"] == self.my_id:
            self.editing_id = line["id"]

    @rx.event
    def cancel_edit(self) -> None:
        self.editing_id = 0

    @rx.event
    def save_edit(self, form: dict[str, Any]) -> Any:
        current = self._project_actor()
        if current is None:
            return self._sign_in_redirect()
        actor, message_id = current[0], self.editing_id
        try:
            data = messages.MessageEdit(body=str(form.get("body", "")))
        except ValidationError:
            self.chat_error = "A message needs 1 to 10,000 characters."
            return None
        edited = self._run(lambda s: messages.edit_message(s, actor, message_id, data))
        if edited is not None:
            self._apply_messages([edited], set())
            self.editing_id, self.chat_error = 0, ""
        return None

    @rx.event
    def ask_delete_message(self, message_id: int) -> None:
        self.confirm_delete_message = int(message_id)

    @rx.event
    def cancel_delete_message(self) -> None:
        self.confirm_delete_message = 0

    @rx.event
    def delete_message(self) -> Any:
        current = self._project_actor()
        if current is None:
            return self._sign_in_redirect()
        actor, message_id = current[0], self.confirm_delete_message
        self.confirm_delete_message = 0
        if self._attempt(lambda s: messages.delete_message(s, actor, message_id)):
            self._apply_messages([], {message_id})
        return None
