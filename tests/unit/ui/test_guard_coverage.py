"""Every Reflex event handler goes through the guard (issue 8): a test that
walks every registered handler, so a new one without a decorator fails here.

Handlers marked `public` must also not reach tenant data: they may not call
into the core (services, database, sessions), apart from the sign-in pages,
which only ask whether the visitor's own session is valid.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
from collections.abc import Iterator
from typing import Any

import reflex as rx

import rehome.rehome  # noqa: F401  (registers every page state)
from rehome.ui.guard import kind_of
from rehome.ui.owner import descendants
from rehome.ui.session import SessionState

REFLEX_BUILT_IN = {"setvar"}  # dispatches to our own `set_*` handlers, which are checked
VISITOR_PAGES = {"AuthState", "HomeState"}
VISITOR_CALLS = {"session_scope", "session_actor", "preview_invite"}


def _ours() -> list[type[rx.State]]:
    return [SessionState, *descendants(SessionState)]


def _handlers() -> Iterator[tuple[str, Any]]:
    for cls in _ours():
        for name, handler in cls.event_handlers.items():
            if name not in REFLEX_BUILT_IN:
                yield f"{cls.__name__}.{name}", handler.fn


def test_every_state_of_the_app_descends_from_the_session_state() -> None:
    stray = []
    stack = list(rx.State.get_substates())
    while stack:
        cls = stack.pop()
        stack += cls.get_substates()
        if cls.__module__.startswith("rehome.") and not issubclass(cls, SessionState):
            stray.append(cls.__name__)
    assert stray == []


def test_every_handler_declares_its_guard() -> None:
    handlers = list(_handlers())
    assert len(handlers) > 60, "the walk found too few handlers: is the app imported?"
    unguarded = [name for name, fn in handlers if kind_of(fn) is None]
    assert unguarded == []


def _core_calls(fn: Any) -> set[str]:
    """What a function calls in ReHome's core: `name(...)` or `module.name(...)`
    where the callee lives in `rehome.core` (constants and enums do not count)."""
    source = textwrap.dedent(inspect.getsource(inspect.unwrap(fn)))
    out = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        target, label = None, ""
        if isinstance(node.func, ast.Name):
            target, label = fn.__globals__.get(node.func.id), node.func.id
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            module = fn.__globals__.get(node.func.value.id)
            if isinstance(module, types.ModuleType):
                target, label = (
                    getattr(module, node.func.attr, None),
                    f"{node.func.value.id}.{node.func.attr}",
                )
        home = getattr(target, "__module__", "") or ""
        if label in VISITOR_CALLS or (home.startswith("rehome.core") and home != "rehome.core.vocab"):
            out.add(label)
    return out


def test_public_handlers_do_not_reach_tenant_data() -> None:
    offenders = {}
    for name, fn in _handlers():
        if kind_of(fn) != "public":
            continue
        used = _core_calls(fn)
        if name.split(".")[0] in VISITOR_PAGES:
            used -= VISITOR_CALLS
        if used:
            offenders[name] = sorted(used)
    assert offenders == {}
