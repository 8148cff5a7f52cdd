"""Send a list's change, not the list.

Reflex sends a changed state var whole: one new chat line would carry the
visible history, one card move both columns, to every viewer. A list kept in
sync here is changed quietly on the server (its new value stays in state, so
a re-hydrated tab gets it whole) and the change goes out in the state's small
`patch` var instead: per list, the ids that left and the items that are new
or changed with their index in the new list. `ListPatches`
(assets/list_patches.jsx, mounted once per page) applies it in the browser,
where the lists render as before.

A patch rebuilds the new list exactly only when the items it leaves alone
keep their order; otherwise, or when most of the list changed, or when the
same list changes twice in one event, the list is sent whole as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import reflex as rx

from rehome.ui.fields import ObjectField, object_field

LIBRARY = "$/public/list_patches.jsx"
PATCH = "patch"


def patch_field() -> ObjectField[dict[str, Any]]:
    """The `patch` var a state with synced lists declares."""
    return object_field(default_factory=lambda: {"seq": 0, "ops": {}})


def _plain(value: Any) -> Any:
    return getattr(value, "__wrapped__", value)


def diff(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The patch turning `old` into `new` (items keyed by "id"), or None to send it whole."""
    before = {item["id"]: _plain(item) for item in old}
    after = {item["id"] for item in new}
    put = [[i, _plain(item)] for i, item in enumerate(new) if before.get(item["id"]) != item]
    if len(put) > max(1, len(new) // 2):
        return None
    moved = {item["id"] for _, item in put}
    kept_before = [i for i in before if i in after and i not in moved]
    kept_after = [item["id"] for item in new if item["id"] not in moved]
    if kept_before != kept_after:
        return None
    gone = [i for i in before if i not in after]
    return {k: v for k, v in (("gone", gone), ("put", put)) if v}  # empty parts are left out


def set_list(state: Any, name: str, value: list[Any], whole: bool = False) -> None:
    """Give the list var `name` its new value, sending only the change when it can.

    A list sent whole also leaves the stored patch, so a tab hydrated later
    never re-applies an old patch to a list that has since been replaced."""
    dirty = state.dirty_vars
    fresh = PATCH not in dirty
    current = _plain(getattr(state, PATCH))
    ops: dict[str, Any] = {} if fresh else dict(current["ops"])
    op = None if whole or name in dirty or name in ops else diff(getattr(state, name), value)
    stale = name in current["ops"]
    ops.pop(name, None)
    setattr(state, name, value)
    if op is not None:
        state.dirty_vars.discard(name)
    if op:  # an unchanged list sends nothing at all
        ops[name] = op
    if op or stale or not fresh:
        setattr(state, PATCH, {"seq": current["seq"] + (1 if fresh else 0), "ops": ops})


class ListPatches(rx.Component):
    library = LIBRARY
    tag = "ListPatches"

    substate: rx.Var[str]
    patch_var: rx.Var[str]


def list_patches(state: type[rx.State]) -> rx.Component:
    """Mount once per page (outside any tab, so patches apply while a tab is hidden)."""
    return ListPatches.create(substate=state.get_full_name(), patch_var=PATCH)
