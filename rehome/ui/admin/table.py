"""Pieces every admin page is built from: the sub-navigation, the list page frame
(search box, filter selects, sortable headers, pager, empty state), confirmation
dialogs and labelled form controls with their error right under them."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from rehome.core.workspace.overview import Option
from rehome.ui.layout import app_shell

SECTIONS = (
    ("overview", "Overview", "/admin", "layout-dashboard"),
    ("projects", "Projects", "/admin/projects", "folder-kanban"),
    ("users", "Users", "/admin/users", "users"),
    ("tasks", "Tasks", "/admin/tasks", "list-checks"),
    ("files", "Files", "/admin/files", "paperclip"),
    ("activity", "Activity", "/admin/activity", "history"),
    ("agent", "Assistant", "/admin/agent", "sparkles"),
    ("search", "Search", "/admin/search", "search"),
)


def admin_nav(active: str) -> rx.Component:
    """Overview, Projects, Users, Tasks, Activity, Search; wraps to two rows on phones."""
    return rx.flex(
        *[
            rx.link(
                rx.button(
                    rx.icon(icon, size=16),
                    label,
                    variant="solid" if key == active else "ghost",
                    color_scheme="orange" if key == active else "gray",
                    size="2",
                    margin="0",
                    aria_current="page" if key == active else None,
                ),
                href=href,
                underline="none",
            )
            for key, label, href, icon in SECTIONS
        ],
        wrap="wrap",
        gap="6px 12px",
        padding_bottom="10px",
        width="100%",
        border_bottom="1px solid var(--gray-a4)",
        margin_bottom="16px",
        id="admin-nav",
        aria_label="Admin sections",
        role="navigation",
    )


def admin_page(active: str, title: Any, *children: rx.Component, actions: Any = None) -> rx.Component:
    """The admin frame: app shell, sub-navigation, a heading with its buttons, the body."""
    return app_shell(
        admin_nav(active),
        rx.flex(
            rx.heading(title, size="6", id="admin-title"),
            rx.spacer(),
            *([actions] if actions is not None else []),
            align="center",
            wrap="wrap",
            gap="12px",
            margin_bottom="16px",
        ),
        *children,
    )


# ---- list pages ---------------------------------------------------------------------------


def search_box(state: Any, placeholder: str = "Search…") -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                name="q",
                default_value=state.q,
                placeholder=placeholder,
                max_length=100,
                type="search",
                aria_label=placeholder,
                width="100%",
            ),
            rx.button("Search", type="submit", variant="soft"),
            width="100%",
            spacing="2",
        ),
        on_submit=state.search,
        flex="1 1 240px",
        max_width="420px",
        class_name="admin-search",
    )


def filter_select(state: Any, name: str, label: str, options: list[tuple[str, str]]) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=label, id=f"filter-{name}", min_width="120px"),
        rx.select.content(*[rx.select.item(text, value=value) for value, text in options]),
        value=state.filters[name].to(str),
        on_change=lambda value: state.set_filter(name, value),
    )


def _option(option: ObjectVar[Option]) -> rx.Component:
    return rx.select.item(option.label, value=option.id.to_string())


def option_filter(
    state: Any, name: str, label: str, everyone: str, options: ArrayVar[list[Option]]
) -> rx.Component:
    """A filter whose choices come from the state (projects, people), with
    `everyone` (value "all") first."""
    return rx.select.root(
        rx.select.trigger(aria_label=label, id=f"filter-{name}", min_width="140px", max_width="240px"),
        rx.select.content(rx.select.item(everyone, value="all"), rx.foreach(options, _option)),
        value=state.filters[name].to(str),
        on_change=lambda value: state.set_filter(name, value),
    )


def toolbar(*children: rx.Component) -> rx.Component:
    return rx.flex(*children, wrap="wrap", gap="8px", align="center", margin_bottom="12px", width="100%")


def sort_header(state: Any, label: str, column: str) -> rx.Component:
    active = state.sort == column
    return rx.table.column_header_cell(
        rx.button(
            label,
            rx.cond(
                active,
                rx.cond(state.descending, rx.icon("arrow-down", size=14), rx.icon("arrow-up", size=14)),
                rx.icon("arrow-up-down", size=14, opacity="0.35"),
            ),
            variant="ghost",
            color_scheme="gray",
            high_contrast=True,
            size="2",
            margin="0",
            padding="0",
            font_weight="bold",
            on_click=state.sort_by(column),
            class_name=f"sort-{column}",
        ),
        aria_sort=rx.cond(active, rx.cond(state.descending, "descending", "ascending"), "none"),
        white_space="nowrap",
    )


def header(label: str) -> rx.Component:
    return rx.table.column_header_cell(label, white_space="nowrap")


def pager(page: Any, pages: Any, total: Any, on_prev: Any, on_next: Any) -> rx.Component:
    return rx.flex(
        rx.text(total, " in all", size="2", color_scheme="gray"),
        rx.spacer(),
        rx.button(
            rx.icon("chevron-left", size=16),
            "Previous",
            variant="soft",
            size="2",
            disabled=page <= 1,
            on_click=on_prev,
            class_name="page-prev",
        ),
        rx.text("page ", page, " of ", pages, size="2", class_name="page-of", white_space="nowrap"),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=16),
            variant="soft",
            size="2",
            disabled=page >= pages,
            on_click=on_next,
            class_name="page-next",
        ),
        align="center",
        gap="8px",
        margin_top="12px",
        wrap="wrap",
    )


def list_pager(state: Any) -> rx.Component:
    return pager(state.page, state.pages, state.total, state.go_page(-1), state.go_page(1))


def data_table(
    loaded: Any, empty: Any, headers: list[rx.Component], body: rx.Component, empty_text: str, table_id: str
) -> rx.Component:
    """A table that scrolls sideways on narrow screens, or the empty state."""
    return rx.cond(
        loaded & empty,
        rx.callout(empty_text, icon="inbox", color_scheme="gray", class_name="empty-state"),
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*headers)),
                rx.table.body(body),
                width="100%",
                variant="surface",
                size="2",
                id=table_id,
            ),
            overflow_x="auto",
            width="100%",
            class_name="table-scroll",
        ),
    )


def list_table(state: Any, headers: list[rx.Component], body: rx.Component, empty_text: str, table_id: str):
    return rx.fragment(
        data_table(state.loaded, state.total == 0, headers, body, empty_text, table_id),
        rx.cond(state.total > 0, list_pager(state)),
    )


# ---- dialogs and forms --------------------------------------------------------------------


def confirm_dialog(
    open_: Any,
    title: Any,
    description: Any,
    confirm_label: str,
    on_confirm: Any,
    on_cancel: Any,
    color: str = "red",
) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", on_click=on_cancel)
                ),
                rx.alert_dialog.action(
                    rx.button(confirm_label, color_scheme=color, on_click=on_confirm, class_name="confirm")
                ),
                gap="12px",
                justify="end",
                margin_top="16px",
            ),
            max_width="460px",
        ),
        open=open_,
    )


def error_at(errors: Any, name: str, control_id: str = "") -> rx.Component:
    message = errors.get(name, "")
    return rx.cond(
        message != "",
        rx.text(
            message, color_scheme="red", size="1", class_name="field-error", id=f"{control_id or name}-error"
        ),
    )


def labelled(label: str, name: str, control: rx.Component, errors: Any, control_id: str = "") -> rx.Component:
    """A control with its label above and its error (the `name` key of `errors`) below."""
    return rx.box(
        rx.text(label, as_="label", size="2", weight="medium", html_for=control_id or name),
        control,
        error_at(errors, name, control_id),
        width="100%",
        class_name="field",
    )


def text_input(name: str, value: Any, **props: Any) -> rx.Component:
    props.setdefault("id", name)
    return rx.input(name=name, default_value=value, width="100%", **props)


def choice(
    name: str, options: list[tuple[str, str]], value: Any, control_id: str = "", **props: Any
) -> rx.Component:
    """A select that posts its value with the form."""
    return rx.select.root(
        rx.select.trigger(width="100%", id=control_id or name),
        rx.select.content(*[rx.select.item(text, value=v) for v, text in options]),
        name=name,
        default_value=value,
        **props,
    )


def dialog_buttons(save_label: str, save_id: str) -> rx.Component:
    return rx.flex(
        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
        rx.button(save_label, type="submit", id=save_id),
        justify="end",
        gap="12px",
        width="100%",
    )


def danger_button(label: str, on_click: Any) -> rx.Component:
    """The row action that removes or archives: red, and always behind a confirm dialog."""
    return rx.button(label, size="1", variant="soft", color_scheme="red", on_click=on_click)


def status_badge(status: Any) -> rx.Component:
    return rx.badge(
        status,
        color_scheme=rx.match(
            status,
            ("active", "green"),
            ("invited", "blue"),
            ("disabled", "gray"),
            ("archived", "gray"),
            "gray",
        ),
        variant="soft",
    )


ROLE_OPTIONS = [("team", "Team"), ("consultant", "Consultant"), ("client", "Client")]
