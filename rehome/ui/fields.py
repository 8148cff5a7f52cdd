"""State fields of lists and objects, typed precisely for mypy.

Reflex types a state var through `rx.Field`: read on the class it is a Var
(`State.count.to_string()`), read on `self` it is the value. That works for
scalars (`count: rx.Field[int] = rx.field(0)`), but for a list, dict, TypedDict
or model mypy mis-solves the self types of `rx.Field.__get__` (the class-level
Var comes out `ArrayVar[Never]`). These stand-ins ARE `rx.Field`/`rx.field` at
run time, so Reflex builds the very same vars; only mypy sees the precise
descriptors below:

    cards: ListField[list[Card]] = list_field()             # State.cards: ArrayVar
    detail: ObjectField[Card | None] = object_field(None)    # State.detail: ObjectVar
    form: ObjectField[dict[str, str]] = object_field(EMPTY)  # copied per tab, as Reflex does
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import reflex as rx

T = TypeVar("T")
L = TypeVar("L", bound=list[Any])

if TYPE_CHECKING:
    from reflex.vars import ArrayVar, ObjectVar

    class ObjectField(Generic[T]):
        """On the class an `ObjectVar[T]`, on an instance a `T`."""

        @overload
        def __get__(self, instance: None, owner: Any) -> ObjectVar[T]: ...
        @overload
        def __get__(self, instance: object, owner: Any) -> T: ...
        def __get__(self, instance: object | None, owner: Any) -> Any: ...
        def __set__(self, instance: object, value: T) -> None: ...

    class ListField(Generic[L]):
        """On the class an `ArrayVar[L]`, on an instance an `L`."""

        @overload
        def __get__(self, instance: None, owner: Any) -> ArrayVar[L]: ...
        @overload
        def __get__(self, instance: object, owner: Any) -> L: ...
        def __get__(self, instance: object | None, owner: Any) -> Any: ...
        def __set__(self, instance: object, value: L) -> None: ...

    def object_field(
        default: T | None = None, *, default_factory: Callable[[], T] | None = None
    ) -> ObjectField[T]: ...

    def list_field() -> ListField[Any]: ...

else:
    ObjectField = ListField = rx.Field

    def object_field(default=None, *, default_factory=None):
        """A mutable default is copied once now and again for each tab, as for `x: T = default`."""
        if default_factory is not None:
            return rx.field(default_factory=default_factory)
        if default is None:
            return rx.field(None)
        return rx.field(default_factory=functools.partial(copy.deepcopy, copy.deepcopy(default)))

    def list_field():
        return rx.field(default_factory=list)
