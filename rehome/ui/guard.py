"""The one way into a UI event handler (F-36).

Any client can call any Reflex event handler with any arguments. Each handler
therefore says what it needs with one decorator, and the check happens here,
not in a preamble copied into every handler:

- `public`: touches no tenant data (open a dialog, switch a tab);
- `signed_in`: the actor behind the session cookie, resolved again now;
- `admin`: a workspace admin;
- `in_project(action)`: the actor's scope in the page's project, `action` checked;
- `relay`: a background loop that re-checks the viewer itself while it runs.

A guarded handler takes a `Ctx` after `self`: the actor, its project scope if
any, and the one transaction the handler runs in (committed when it returns,
events published after that). A domain or validation error rolls that
transaction back and goes to the handler's `on_error` hook (by default the
state's flash message). Someone signed out is sent to sign-in and the tab's
tree is marked stale, so the next event empties it (see `owner`).

`tests/unit/ui/test_guard_coverage.py` walks every registered handler and fails on
one without a decorator from here.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVarTuple, cast

import reflex as rx
from pydantic import ValidationError
from reflex_base.event import EventCallback
from sqlmodel import Session

from rehome.core.access import Action, Actor, ProjectScope, project_scope
from rehome.core.auth.secrets import digest
from rehome.core.auth.sessions import resolve_session
from rehome.core.infra import metrics
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError, Invalid, NotFound

Kind = Literal["public", "signed_in", "admin", "project", "relay"]
GUARD_ATTR = "__rehome_guard__"
NO_ACCESS = "You no longer have access to that project."
P = TypeVarTuple("P")

# The session the owner check resolved for this event: (session digest, actor).
resolved: ContextVar[tuple[str, Actor | None] | None] = ContextVar("rehome_resolved_actor", default=None)


@dataclass(frozen=True, slots=True)
class Ctx:
    """What a guarded handler gets: who is asking, where, and its transaction."""

    actor: Actor
    db: Session
    scope: ProjectScope | None = None

    @property
    def project_id(self) -> int:
        if self.scope is None:
            raise RuntimeError("not a project handler")
        return self.scope.project_id


def kind_of(fn: Callable[..., Any]) -> Kind | None:
    return getattr(fn, GUARD_ATTR, None)


def public(fn: Callable[[Any, *P], Any]) -> EventCallback[*P]:
    """A handler that reads and writes no tenant data."""
    setattr(fn, GUARD_ATTR, "public")
    return _event(fn)


def relay(fn: Callable[[Any, *P], Any]) -> EventCallback[*P]:
    """A background loop that checks the viewer on start and on every change."""
    setattr(fn, GUARD_ATTR, "relay")
    return _event(fn, background=True)


def signed_in(*, page: bool = False, on_error: str = "_refused") -> Guard:
    """Any signed-in user; `page=True` also fills the top bar (name, unread)."""
    return _decorator("signed_in", None, page, on_error)


def admin(*, page: bool = False, on_error: str = "_refused") -> Guard:
    """A workspace admin; anyone else is sent to their projects."""
    return _decorator("admin", None, page, on_error)


def in_project(action: Action = Action.VIEW, *, on_error: str = "_refused") -> Guard:
    """Someone who may still do `action` in the page's project (`self.project_id`)."""
    return _decorator("project", action, False, on_error)


def _event(fn: Callable[..., Any], *, background: bool = False) -> Any:
    """Register `fn` as an event handler, as `@rx.event` does. Typed as the
    handler Reflex makes of it, so views calling `State.handler(...)` check."""
    return cast(Any, rx.event)(fn, background=background)


def session_actor(state: Any, db: Session) -> Actor | None:
    """The actor behind the tab's session cookie, resolved in `db` unless the
    owner check already did so for this very event and cookie."""
    token = state._session_token()
    known = resolved.get()
    if known is not None and known[0] == (digest(token) if token else ""):
        return known[1]
    return resolve_session(db, token)


@dataclass(frozen=True, slots=True)
class _Spec:
    kind: Kind
    action: Action | None
    page: bool
    on_error: str


class Guard(Protocol):
    """A guard decorator: takes `(self, ctx, *args)`, gives Reflex `(self, *args)`."""

    def __call__(self, fn: Callable[[Any, Ctx, *P], Any], /) -> EventCallback[*P]: ...


def _decorator(kind: Kind, action: Action | None, page: bool, on_error: str) -> Any:
    spec = _Spec(kind, action, page, on_error)

    def decorate(fn: Callable[..., Any]) -> Any:
        signature = inspect.signature(fn)
        params = list(signature.parameters.values())
        name = fn.__qualname__  # the metrics label: "ProjectPageState.move_task"
        if len(params) < 2 or params[1].name != "ctx":
            raise TypeError(f"{fn.__qualname__}: a guarded handler takes (self, ctx, ...)")
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                try:
                    with metrics.handler_timer(name), session_scope() as db:
                        ctx = _enter(self, db, spec)
                        if not isinstance(ctx, Ctx):
                            return ctx
                        return await fn(self, ctx, *args, **kwargs)
                except (DomainError, ValidationError) as error:
                    return _refuse(self, spec, error)

        else:

            @functools.wraps(fn)
            def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                try:
                    with metrics.handler_timer(name), session_scope() as db:
                        ctx = _enter(self, db, spec)
                        if not isinstance(ctx, Ctx):
                            return ctx
                        return fn(self, ctx, *args, **kwargs)
                except (DomainError, ValidationError) as error:
                    return _refuse(self, spec, error)

        # Reflex maps the payload onto the visible parameters: `ctx` is ours.
        wrapper.__signature__ = signature.replace(parameters=[params[0], *params[2:]])  # type: ignore[attr-defined]  # typeshed lacks function.__signature__
        wrapper.__annotations__ = {k: v for k, v in fn.__annotations__.items() if k != "ctx"}
        setattr(wrapper, GUARD_ATTR, kind)
        return _event(wrapper)

    return decorate


def _enter(state: Any, db: Session, spec: _Spec) -> Ctx | Any:
    """The handler's context, or the event to answer with instead."""
    actor = session_actor(state, db)
    if actor is None:
        return state._signed_out()
    if spec.kind == "admin" and not actor.is_admin:
        return state._not_admin()
    scope = None
    if spec.kind == "project":
        try:
            scope = project_scope(db, actor, int(state.project_id), spec.action or Action.VIEW)
        except NotFound:
            state.flash = NO_ACCESS
            return rx.redirect("/projects", replace=True)
    ctx = Ctx(actor=actor, db=db, scope=scope)
    if spec.page:
        state._remember(ctx)
    else:
        state.flash = ""
    return ctx


def _refuse(state: Any, spec: _Spec, error: DomainError | ValidationError) -> Any:
    problem = Invalid.from_validation(error) if isinstance(error, ValidationError) else error
    return getattr(state, spec.on_error)(problem)
