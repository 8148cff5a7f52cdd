"""What every admin page state shares: list paging, confirmations, form errors.

Every handler that reads or changes workspace data is `guard.admin`: the actor
comes again from the session cookie and must still be an admin (anyone else
is sent to /projects). The core functions check again and scope every query
to the admin's workspace, so ids and filter values from the client are never
trusted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import reflex as rx
from pydantic import ValidationError

from rehome.core.infra.errors import DomainError, Invalid
from rehome.core.infra.listing import Listing
from rehome.ui.fields import ObjectField, object_field
from rehome.ui.guard import Ctx, admin, public
from rehome.ui.session import SessionState, field_errors

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


class ListMixin(rx.State, mixin=True):
    """Search, filters, sortable columns and "page X of Y" for one list page.

    A page state defines `_fetch` (the core listing for `_params()`) and
    `_show` (keep its rows). Filter and sort values are checked by the core;
    a refused value is undone and shown in the flash.
    """

    q: rx.Field[str] = rx.field("")
    sort: rx.Field[str] = rx.field("")
    descending: rx.Field[bool] = rx.field(False)
    page: rx.Field[int] = rx.field(1)
    pages: rx.Field[int] = rx.field(1)
    total: rx.Field[int] = rx.field(0)
    filters: ObjectField[dict[str, str]] = object_field(default_factory=dict)
    loaded: rx.Field[bool] = rx.field(False)

    def _fetch(self, ctx: Ctx, params: dict[str, Any]) -> Listing[Any]:
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

    def _reload(self, ctx: Ctx) -> None:
        listing = self._fetch(ctx, self._params())
        self._show(listing)
        self.total, self.page, self.pages, self.loaded = listing.total, listing.page, listing.pages, True

    def _change(self, ctx: Ctx, **values: Any) -> None:
        """Apply list settings and reload; if the core refuses them (a read,
        refused before anything runs), put the old ones back and say why."""
        old = {name: getattr(self, name) for name in values}
        for name, value in values.items():
            setattr(self, name, value)
        try:
            self._reload(ctx)
        except DomainError as error:
            for name, value in old.items():
                setattr(self, name, value)
            self.flash = error.message

    @admin()
    def search(self, ctx: Ctx, form: dict[str, Any]) -> None:
        self._change(ctx, q=str(form.get("q", ""))[:200], page=1)

    @admin()
    def sort_by(self, ctx: Ctx, column: str) -> None:
        column = str(column)
        descending = not self.descending if column == self.sort else False
        self._change(ctx, sort=column, descending=descending, page=1)

    @admin()
    def set_filter(self, ctx: Ctx, name: str, value: Any) -> None:
        name = str(name)
        if name in self.filters:
            self._change(ctx, filters={**self.filters, name: str(value)[:40]}, page=1)

    @admin()
    def go_page(self, ctx: Ctx, step: int) -> None:
        step = 1 if str(step) == "1" else -1
        self._change(ctx, page=max(1, self.page + step))


class ConfirmMixin(rx.State, mixin=True):
    """One "Are you sure?" dialog at a time: `ask("archive", id, label)` opens
    it, `cancel_pending` closes it, and the page's confirm handler takes the
    item with `_confirmed("archive")`, which is None unless that very action
    was asked for (a handler called directly, without the dialog, does nothing).
    """

    pending: rx.Field[str] = rx.field("")  # the action awaiting confirmation; "" when no dialog is open
    pending_id: rx.Field[int] = rx.field(0)
    pending_label: rx.Field[str] = rx.field("")

    @public
    def ask(self, action: str, item_id: int = 0, label: str = "") -> None:
        self.pending, self.pending_id, self.pending_label = (
            str(action)[:20],
            to_int(item_id) or 0,
            str(label)[:200],
        )

    @public
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

    editor_open: rx.Field[bool] = rx.field(False)
    editing_id: rx.Field[int] = rx.field(0)
    form_errors: ObjectField[dict[str, str]] = object_field(default_factory=dict)

    if TYPE_CHECKING:  # provided by ListMixin, which every state using this one also has

        def _reload(self, ctx: Ctx) -> None: ...

    @public
    def set_editor_open(self, value: bool) -> None:
        self.editor_open = bool(value)

    def _form_refused(self, error: DomainError) -> None:
        """A refused save: the dialog stays open, the errors under their fields."""
        self.form_errors = form_errors(error)

    def _saved(self, ctx: Ctx, message: str) -> Any:
        """After a save: the dialog closes, the list reloads and `message` shows."""
        ctx.db.flush()
        self.editor_open, self.form_errors = False, {}
        self._reload(ctx)
        return rx.toast.success(message)
