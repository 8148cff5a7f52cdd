"""Board tab: filter bar, five kanban columns, cards with a move menu."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from rehome.core.tasks.board import STATUS_LABELS, STATUSES
from rehome.ui.components.dnd import kanban_board, kanban_column, kanban_item
from rehome.ui.components.on_use import mount_on_use
from rehome.ui.project.board_state import BoardState
from rehome.ui.project.models import Card
from rehome.ui.project.task_dialogs import delete_dialog, detail_dialog, editor_dialog

_PRIORITY_COLOR = {"urgent": "red", "high": "orange", "normal": "gray", "low": "gray"}


def _can_edit(card: ObjectVar[Card]) -> rx.Var[bool]:
    return rx.cond(BoardState.is_client, card.assignee_id == BoardState.my_id, BoardState.can_edit_tasks)


def _menu_button() -> rx.Component:
    """What the menu's trigger (`rx.icon_button`, ghost, size 1) renders, as a plain button."""
    return rx.el.button(
        rx.icon("ellipsis", size=12),
        type="button",
        aria_label="Task actions",
        aria_haspopup="menu",
        aria_expanded="false",
        data_state="closed",
        data_accent_color="",
        class_name="rt-reset rt-BaseButton rt-r-size-1 rt-variant-ghost rt-IconButton card-menu",
    )


def _card_menu(card: ObjectVar[Card]) -> rx.Component:
    """The card's actions; the menu itself mounts on the first press of its button."""
    return mount_on_use(_menu_button(), _card_menu_root(card))


def _card_menu_root(card: ObjectVar[Card]) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=16),
                variant="ghost",
                size="1",
                aria_label="Task actions",
                class_name="card-menu",
            ),
        ),
        rx.menu.content(
            rx.menu.item("Open", on_click=BoardState.open_detail(card.id)),
            rx.cond(
                _can_edit(card),
                rx.fragment(
                    rx.menu.item("Edit", on_click=BoardState.open_edit(card.id)),
                    rx.menu.sub(
                        rx.menu.sub_trigger("Move to"),
                        rx.menu.sub_content(
                            *[
                                rx.menu.item(
                                    STATUS_LABELS[s],
                                    on_click=BoardState.move_to(card.id, s),
                                    disabled=card.status == s,
                                )
                                for s in STATUSES
                            ]
                        ),
                    ),
                    rx.menu.item("Move up", on_click=BoardState.nudge(card.id, card.status, -1)),
                    rx.menu.item("Move down", on_click=BoardState.nudge(card.id, card.status, 1)),
                ),
            ),
            rx.cond(
                BoardState.can_delete_task,
                rx.fragment(
                    rx.menu.separator(),
                    rx.menu.item("Delete", color="red", on_click=BoardState.ask_delete(card.id)),
                ),
            ),
        ),
    )


def _badge(
    *children: rx.Component | str, color: str, variant: str = "soft", class_name: str = ""
) -> rx.Component:
    """The markup `rx.badge` renders (size 1), without its component."""
    return rx.el.span(
        *children,
        class_name=f"rt-reset rt-Badge rt-r-size-1 rt-variant-{variant} {class_name}".strip(),
        data_accent_color=color,
    )


def _row(*children: rx.Component, align: str, gap: str, wrap: bool = False) -> rx.Component:
    """The markup of `rx.hstack(..., width="100%")`, without its component."""
    flex = f"rt-Flex rt-r-fd-row rt-r-ai-{align}{' rt-r-fw-wrap' if wrap else ''} rt-r-gap-{gap}"
    return rx.el.div(*children, class_name=f"{flex} rx-Stack task-card-row")


def _spacer() -> rx.Component:
    return rx.el.div(class_name="rt-Flex task-card-spacer")


def task_card(card: ObjectVar[Card]) -> rx.Component:
    """One board card. There are up to 125 on screen, rendered on every page
    load: it is written as the elements and Radix class names that `rx.card`,
    `rx.vstack`, `rx.text` and `rx.badge` would render (same DOM, same look),
    not as those components, whose per-instance prop handling and style
    objects were most of the page's render time. Its look lives in rehome.css."""
    return rx.el.div(
        rx.el.div(
            _row(
                rx.el.p(
                    card.title,
                    on_click=BoardState.open_detail(card.id),
                    class_name="rt-Text rt-r-size-2 rt-r-weight-medium card-title",
                ),
                _spacer(),
                _card_menu(card),
                align="start",
                gap="3",
            ),
            _row(
                rx.cond(
                    card.internal,
                    _badge(rx.icon("lock", size=12), "Internal", color="purple", class_name="badge-internal"),
                ),
                rx.cond(card.overdue, _badge("Overdue", color="red", class_name="badge-overdue")),
                rx.cond(card.status == "blocked", _badge("Blocked", color="amber")),
                rx.match(
                    card.priority,
                    *[
                        (p, _badge(p.title(), color=c, variant="outline"))
                        for p, c in _PRIORITY_COLOR.items()
                        if p in ("urgent", "high")
                    ],
                    rx.fragment(),
                ),
                _spacer(),
                rx.cond(
                    card.due_date != "",
                    rx.el.p(card.due_date, class_name="rt-Text rt-r-size-1", data_accent_color="gray"),
                ),
                rx.cond(
                    card.assignee_name != "",
                    rx.el.span(
                        card.assignee_name.split(" ")[0][:1],
                        title=card.assignee_name,
                        class_name="assignee-chip",
                    ),
                ),
                align="center",
                gap="1",
                wrap=True,
            ),
            class_name="rt-Flex rt-r-fd-column rt-r-ai-start rt-r-gap-2 rx-Stack",
        ),
        class_name="rt-reset rt-BaseCard rt-Card rt-r-size-1 rt-variant-surface task-card",
        data_task_id=card.id,
        data_overdue=card.overdue.to_string(),
        data_status=card.status,
    )


def _column(status: str) -> rx.Component:
    cards: ArrayVar[list[Card]] = getattr(BoardState, f"col_{status}")
    total = BoardState.totals[status].to(int)
    return rx.box(
        rx.hstack(
            rx.text(STATUS_LABELS[status], weight="bold", size="2"),
            rx.badge(total, variant="soft", radius="full"),
            rx.spacer(),
            rx.cond(
                BoardState.can_create_task,
                rx.icon_button(
                    rx.icon("plus", size=14),
                    size="1",
                    variant="ghost",
                    aria_label=f"Add a task to {STATUS_LABELS[status]}",
                    on_click=BoardState.open_new(status),
                ),
            ),
            align="center",
            padding_x="4px",
            margin_bottom="8px",
        ),
        kanban_column(
            rx.foreach(cards, lambda c: kanban_item(task_card(c), item_id=c.id.to_string())),
            column_id=status,
            item_ids=cards.map(lambda c: c.id.to_string()),
            class_name="kanban-column-body",
        ),
        rx.cond(
            total > cards.length(),
            rx.button(
                f"Show more ({total - cards.length()} more)",
                variant="ghost",
                size="1",
                width="100%",
                on_click=BoardState.show_more(status),
            ),
        ),
        class_name="kanban-column",
        id=f"column-{status}",
        data_status=status,
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.cond(
            BoardState.can_create_task,
            rx.button(
                rx.icon("plus", size=16), "New task", on_click=BoardState.open_new("todo"), id="new-task"
            ),
        ),
        rx.select.root(
            rx.select.trigger(placeholder="Assignee", aria_label="Filter by assignee"),
            rx.select.content(
                rx.select.item("Everyone", value="all"),
                rx.foreach(BoardState.people, lambda p: rx.select.item(p.name, value=p.id.to_string())),
            ),
            value=BoardState.f_assignee,
            on_change=lambda v: BoardState.set_filter("assignee", v),
        ),
        *[
            rx.button(
                label,
                variant=rx.cond(getattr(BoardState, f"f_{key}"), "solid", "outline"),
                size="2",
                color_scheme=color,
                on_click=BoardState.set_filter(key, ~getattr(BoardState, f"f_{key}")),
                class_name=f"filter-{key}",
            )
            for key, label, color in (
                ("mine", "Mine", "gray"),
                ("overdue", "Overdue", "red"),
                ("blocked", "Blocked", "amber"),
            )
        ],
        spacing="2",
        wrap="wrap",
        align="center",
        margin_bottom="12px",
    )


def board_tab() -> rx.Component:
    return rx.box(
        _filters(),
        kanban_board(*[_column(s) for s in STATUSES], on_move=BoardState.move, class_name="kanban-board"),
        editor_dialog(),
        detail_dialog(),
        delete_dialog(),
    )
