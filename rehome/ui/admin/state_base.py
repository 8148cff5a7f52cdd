"""What every admin page state shares: the admin check, list paging, form errors.

Handlers are public and callable by any client with any arguments, so each
one starts with `_admin()`: the actor comes again from the session cookie and
`access.require_admin` decides; someone who is no longer an admin is sent to
/projects. The core functions then check again and scope every query to the
admin's workspace, so ids and filter values from the client are never trusted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from pydantic import ValidationError
from sqlmodel import Session

from rehome.core.access import Actor, require_admin
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError, Forbidden, Invalid
from rehome.core.infra.listing import Listing
from rehome.ui.session import SessionState, field_errors

NOT_ADMIN = "The admin dashboard is for workspace admins only."
_FRIENDLY = {
    "String should have at least 1 character": "This field cannot be empty.",
    "Input should be a valid integer": "Enter a whole number.",
}


def to_int(value: Any) -> int | None:
    """A positive id from client input, or None (never an exception)."""
    text = str(value).strip()
    return int(text) if text.isdigit() and 0 < len(text) < 11 else None


def form_errors(error: Exception) -> dict[str, str]:
    """Per-field messages (pydantic or domain) in words people use."""
    if isinstance(error, ValidationError):
        error = Invalid.from_validation(error)
    if not isinstance(error, DomainError):
        raise error
    errors = field_errors(error)
    if "budget_cents" in errors:
        errors["budget"] = errors.pop("budget_cents")
    if "body" in errors:  # a rule across fields (pydantic model validator)
        errors["_form"] = errors.pop("body")
    return {key: _FRIENDLY.get(value, value) for key, value in errors.items()}


class AdminState(SessionState):
    """Base of every admin page state."""

    def _admin(self) -> tuple[Actor | None, Any]:
        """(actor, None) for an admin; (None, the event to return) for anyone else."""
        actor = self._actor()
        if actor is None:
            return None, self._sign_in_redirect()
        try:
            require_admin(actor)
        except Forbidden:
            return None, self._not_admin()
        return actor, None

    def _not_admin(self) -> Any:
        self.user_is_admin = False
        self.flash = NOT_ADMIN
        return [rx.redirect("/projects", replace=True), rx.toast.warning(NOT_ADMIN)]

    def _enter(self) -> tuple[Actor | None, Any]:
        """On page load: the admin check, plus the top bar's name and unread count."""
        actor, away = self._admin()
        if actor is not None:
            self._remember(actor)
        return actor, away

    def _submit(self, work: Callable[[Session], object]) -> dict[str, str] | None:
        """Run a form's change in one transaction: None on success, else the field errors."""
        try:
            with session_scope() as session:
                work(session)
        except (ValidationError, DomainError) as error:
            return form_errors(error)
        self.flash = ""
        return None


class ListMixin(rx.State, mixin=True):
    """Search, filters, sortable columns and "page X of Y" for one list page.

    A page state defines `_fetch` (the core listing for `_params()`) and
    `_show` (keep its rows). Filter and sort values are checked by the core;
    a refused value is undone and shown in the flash.
    """

    q: str = ""
    sort: str = ""
    descending: bool = False
    page: int = 1
    pages: int = 1
    total: int = 0
    filters: dict[str, str] = {}
    loaded: bool = False

    def _fetch(self, session: Session, actor: Actor, params: dict[str, Any]) -> Listing[Any]:
        """The page's listing from the core (each page state overrides this)."""
        raise NotImplementedError(f"{type(self).__name__} must define _fetch")

    def _show(self, listing: Listing[Any]) -> None:
        """Keep the listing's rows in the page's typed var (each page state overrides this)."""
        raise NotImplementedError(f"{type(self).__name__} must define _show")

    def _start(self, sort: str, filters: dict[str, str]) -> None:
        """A freshly opened list: no search, first page, the page's default sort and filters."""
        self.q, self.sort, self.descending, self.page, self.filters = "", sort, False, 1, filters

    def _params(self) -> dict[str, Any]:
        return {"q": self.q, "sort": self.sort, "descending": self.descending, "page": self.page}

    def _reload(self, actor: Actor) -> bool:
        try:
            with session_scope() as session:
                listing = self._fetch(session, actor, self._params())
        except DomainError as error:
            self.flash = error.message  # type: ignore[attr-defined]
            return False
        self._show(listing)
        self.total, self.page, self.pages, self.loaded = listing.total, listing.page, listing.pages, True
        return True

    def _change(self, **values: Any) -> Any:
        """Apply list settings and reload; if the core refuses them, put the old ones back."""
        actor, away = self._admin()  # type: ignore[attr-defined]
        if actor is None:
            return away
        old = {name: getattr(self, name) for name in values}
        for name, value in values.items():
            setattr(self, name, value)
        if not self._reload(actor):
            for name, value in old.items():
                setattr(self, name, value)
        return None

    @rx.event
    def search(self, form: dict[str, Any]) -> Any:
        return self._change(q=str(form.get("q", ""))[:200], page=1)

    @rx.event
    def sort_by(self, column: str) -> Any:
        column = str(column)
        descending = not self.descending if column == self.sort else False
        return self._change(sort=column, descending=descending, page=1)

    @rx.event
    def set_filter(self, name: str, value: Any) -> Any:
        name = str(name)
        if name not in self.filters:
            return None
        return self._change(filters={**self.filters, name: str(value)[:40]}, page=1)

    @rx.event
    def go_page(self, step: int) -> Any:
        step = 1 if str(step) == "1" else -1
        return self._change(page=max(1, self.page + step))


class ConfirmMixin(rx.State, mixin=True):
    """One "Are you sure?" dialog at a time: `ask("archive", id, label)` opens
    it, `cancel_pending` closes it, and the page's confirm handler takes the
    item with `_confirmed("archive")`, which is None unless that very action
    was asked for (a handler called directly, without the dialog, does nothing).
    """

    pending: str = ""  # the action awaiting confirmation; "" when no dialog is open
    pending_id: int = 0
    pending_label: str = ""

    @rx.event
    def ask(self, action: str, item_id: int = 0, label: str = "") -> Any:
        actor, away = self._admin()  # type: ignore[attr-defined]
        if actor is None:
            return away
        self.pending, self.pending_id, self.pending_label = (
            str(action)[:20],
            to_int(item_id) or 0,
            str(label)[:200],
        )
        return None

    @rx.event
    def cancel_pending(self) -> None:
        self.pending = ""

    def _confirmed(self, action: str) -> int | None:
        """The item `action` was asked for (0 when it has none), closing the dialog."""
        if self.pending != action:
            return None
        self.pending = ""
        return self.pending_id


class EditorMixin(rx.State, mixin=True):
    """The create/edit dialog of a list page: whether it is open, which item it
    edits (0: a new one) and the errors under its fields. Needs `ListMixin`."""

    editor_open: bool = False
    editing_id: int = 0
    form_errors: dict[str, str] = {}

    @rx.event
    def set_editor_open(self, value: bool) -> None:
        self.editor_open = bool(value)

    def _saved(self, actor: Actor, errors: dict[str, str] | None, message: str) -> Any:
        """After a save: the dialog stays open with `errors`, or closes, the
        list reloads and `message` is shown."""
        if errors is not None:
            self.form_errors = errors
            return None
        self.editor_open, self.form_errors = False, {}
        self._reload(actor)  # type: ignore[attr-defined]
        return rx.toast.success(message)
