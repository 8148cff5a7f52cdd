"""Board tab: filter bar, five kanban columns, cards with a move menu."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from rehome.core.tasks.board import STATUS_LABELS, STATUSES
from rehome.ui.components.dnd import kanban_board, kanban_column, kanban_item
from rehome.ui.project.board_state import BoardState
from rehome.ui.project.models import Card
from rehome.ui.project.task_dialogs import delete_dialog, detail_dialog, editor_dialog

_PRIORITY_COLOR = {"urgent": "red", "high": "orange", "normal": "gray", "low": "gray"}


def _can_edit(card: ObjectVar[Card]) -> rx.Var[bool]:
    return rx.cond(BoardState.is_client, card.assignee_id == BoardState.my_id, BoardState.can_edit_tasks)


def _card_menu(card: ObjectVar[Card]) -> rx.Component:
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


def task_card(card: ObjectVar[Card]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(
                    card.title,
                    on_click=BoardState.open_detail(card.id),
                    weight="medium",
                    size="2",
                    class_name="card-title",
                    cursor="pointer",
                ),
                rx.spacer(),
                _card_menu(card),
                width="100%",
                align="start",
            ),
            rx.hstack(
                rx.cond(
                    card.internal,
                    rx.badge(
                        rx.icon("lock", size=12),
                        "Internal",
                        color_scheme="purple",
                        variant="soft",
                        class_name="badge-internal",
                    ),
                ),
                rx.cond(card.overdue, rx.badge("Overdue", color_scheme="red", class_name="badge-overdue")),
                rx.cond(card.status == "blocked", rx.badge("Blocked", color_scheme="amber")),
                rx.match(
                    card.priority,
                    *[
                        (p, rx.badge(p.title(), color_scheme=c, variant="outline"))
                        for p, c in _PRIORITY_COLOR.items()
                        if p in ("urgent", "high")
                    ],
                    rx.fragment(),
                ),
                rx.spacer(),
                rx.cond(card.due_date != "", rx.text(card.due_date, size="1", color_scheme="gray")),
                rx.cond(
                    card.assignee_name != "",
                    rx.el.span(
                        card.assignee_name.split(" ")[0][:1],
                        title=card.assignee_name,
                        class_name="assignee-chip",
                    ),
                ),
                width="100%",
                spacing="1",
                wrap="wrap",
                align="center",
            ),
            spacing="2",
        ),
        size="1",
        width="100%",
        class_name="task-card",
        data_task_id=card.id,
        border_left=rx.cond(
            card.overdue,
            "3px solid var(--red-9)",
            rx.cond(card.status == "blocked", "3px solid var(--amber-9)", "3px solid transparent"),
        ),
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
