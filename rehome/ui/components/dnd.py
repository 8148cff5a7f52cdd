"""Touch-friendly drag-and-drop kanban: Reflex wrappers around @dnd-kit.

The React side lives in ``assets/kanban_dnd.jsx``; Reflex copies ``assets/``
into the frontend's ``public/`` folder, hence the ``$/public/...`` library path
(a plain string rather than ``rx.asset(...)``, which would insist on the file
existing relative to the current directory at import time).

The server stays the single owner of the order. The board only reports a
finished move through ``on_move(item_id, column_id, index)`` and renders the
order the state sends back; meanwhile it holds the cards in their new places
with CSS transforms, so the round trip does not show. A move the handler
refuses (leaves the order as it was) glides back after four seconds.

Usage (``kanban_item`` must be what the ``rx.foreach`` function returns, so
that it is keyed by id)::

    kanban_board(
        rx.hstack(
            rx.foreach(State.columns, lambda col: kanban_column(
                rx.foreach(col.cards, lambda card: kanban_item(rx.card(card.title), item_id=card.id)),
                column_id=col.id,
                item_ids=col.card_ids,
            )),
        ),
        on_move=State.move_card,  # def move_card(self, item_id: str, column_id: str, index: int)
    )
"""

from typing import Annotated, Any

import reflex as rx
from reflex.event import EventType
from reflex.vars.base import Var

# The JSX module, as the frontend build resolves it (assets/ -> .web/public/).
KANBAN_LIBRARY = "$/public/kanban_dnd.jsx"

# Exact versions, installed by Reflex at build time because every wrapper lists
# them; @dnd-kit/sortable 10 requires @dnd-kit/core ^6.3.
DND_KIT_PACKAGES = [
    "@dnd-kit/core@6.3.1",
    "@dnd-kit/sortable@10.0.0",
    "@dnd-kit/utilities@3.2.2",
]


def _on_move_spec(
    item_id: Var[str], column_id: Var[str], index: Var[int]
) -> tuple[Var[str], Var[str], Var[int]]:
    """Pass the three values the board's ``onMove`` is called with straight to the handler.

    Declaring their types lets Reflex check a handler's annotations at compile time.
    """
    return item_id, column_id, index


class _KanbanComponent(rx.Component):
    """Shared import settings: one local module, three npm packages."""

    library = KANBAN_LIBRARY
    lib_dependencies: list[str] = DND_KIT_PACKAGES


class KanbanBoard(_KanbanComponent):
    """The drag-and-drop context around the columns (a ``div``).

    Mouse and pen start a drag after 6 px of movement (so clicks still work),
    a finger after a 200 ms press (so a swipe still scrolls), the keyboard with
    Space/Enter on a focused item, then arrows, then Space/Enter to drop.
    """

    tag = "KanbanBoard"

    on_move: Annotated[rx.EventHandler, _on_move_spec]  # what rx.EventHandler[spec] is at run time


class KanbanColumn(_KanbanComponent):
    """A drop zone holding sortable items (a ``div``).

    ``item_ids`` must list the ids of the ``kanban_item`` children in the order
    they are rendered: dnd-kit computes the shifting of neighbours from it, and
    the board computes drop indexes from it. While a drag would drop into the
    column it carries ``data-over="true"`` for styling.
    """

    tag = "KanbanColumn"

    column_id: Var[str]

    item_ids: Var[list[str]]


class KanbanItem(_KanbanComponent):
    """One draggable card (a ``div``); the whole card is the drag handle.

    While dragged it carries ``data-dragging="true"`` for styling, e.g.
    ``style={"&[data-dragging]": {"opacity": 0.6}}``.
    """

    tag = "KanbanItem"

    item_id: Var[str]


def kanban_board(*children: rx.Component, on_move: EventType[str, str, int], **props: Any) -> rx.Component:
    """A kanban board; ``on_move`` receives ``(item_id: str, column_id: str, index: int)``.

    ``index`` is the 0-based position in the destination column after the item
    has been taken out of its source column, so a handler can ``remove`` then
    ``insert(index, ...)``. It fires only when the position actually changed.
    """
    return KanbanBoard.create(*children, on_move=on_move, **props)


def kanban_column(
    *children: rx.Component,
    column_id: str | Var[str],
    item_ids: Var[list[str]] | list[str],
    **props: Any,
) -> rx.Component:
    """A column of ``kanban_item`` children whose ids, in render order, are ``item_ids``.

    The React key defaults to the column id, so a column keeps its identity
    when the columns are reordered.
    """
    props.setdefault("key", column_id)
    return KanbanColumn.create(*children, column_id=column_id, item_ids=item_ids, **props)


def kanban_item(*children: rx.Component, item_id: str | Var[str], **props: Any) -> rx.Component:
    """A draggable card; ``item_id`` is what ``on_move`` reports (as a string).

    The React key defaults to the item id (``rx.foreach`` would key by
    position): a moved card then keeps its DOM node, so keyboard focus follows
    it and dnd-kit keeps tracking the right element. For that, return the
    ``kanban_item`` itself from the ``rx.foreach`` function.
    """
    props.setdefault("key", item_id)
    return KanbanItem.create(*children, item_id=item_id, **props)
