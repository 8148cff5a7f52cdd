"""The admin's assistant page (F-12): the whole workspace or one project, tabs
Chat / Daily Digest / Weekly Workspace Digest / Risks & Blockers, quick
prompts, and the cost widget: this month's spend and its trend by day."""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx

from rehome.core.agent import ledger
from rehome.core.workspace.overview import project_options
from rehome.ui.admin.state_base import AdminState
from rehome.ui.admin.table import admin_page
from rehome.ui.agent.state import AgentState
from rehome.ui.agent.view import ADMIN_PROMPTS, agent_chat


class ScopeOption(TypedDict):
    value: str
    label: str


class DayBar(TypedDict):
    day: str
    cents: float


class BudgetBar(TypedDict):
    label: str
    text: str
    share: int


class AdminAgentState(AdminState):
    scopes: list[ScopeOption] = []
    scope: str = "0"
    month_cents: float = 0.0
    month_runs: int = 0
    days: list[DayBar] = []
    budgets: list[BudgetBar] = []

    def _load_costs(self, actor: Any) -> None:
        summary = self._run(lambda s: ledger.cost_summary(s, actor))
        if summary is None:
            return
        self.month_cents, self.month_runs = summary.month_cents, summary.month_runs
        self.days = [DayBar(day=d.day.strftime("%d"), cents=round(d.cents, 3)) for d in summary.days]
        self.budgets = [
            BudgetBar(
                label=str(b["label"]).capitalize(),
                text=f"{float(b['used_cents']):.2f}¢ of {float(b['limit_cents']):.0f}¢",
                share=min(100, round(100 * float(b["used_cents"]) / max(float(b["limit_cents"]), 0.01))),
            )
            for b in summary.budget_lines
        ]

    @rx.event
    def load(self) -> Any:
        actor, refusal = self._admin()
        if actor is None:
            return refusal
        options = self._run(lambda s: project_options(s, actor, include_archived=False)) or []
        self.scopes = [
            ScopeOption(value="0", label="Whole workspace"),
            *[ScopeOption(value=str(o.id), label=o.label) for o in options],
        ]
        wanted = self.router.url.query_parameters.get("project", "0")
        self.scope = wanted if wanted in {s["value"] for s in self.scopes} else "0"
        self._load_costs(actor)
        return AgentState.open_scope(int(self.scope), "admin")

    @rx.event
    def set_scope(self, value: str) -> Any:
        actor, refusal = self._admin()
        if actor is None:
            return refusal
        if value not in {s["value"] for s in self.scopes}:
            return None
        self.scope = value
        return AgentState.open_scope(int(value), "admin")

    @rx.event
    def refresh_costs(self) -> Any:
        actor, refusal = self._admin()
        if actor is None:
            return refusal
        self._load_costs(actor)
        return None


def _cost_widget() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.icon("receipt", size=18),
            rx.heading("Assistant spend this month", size="3"),
            rx.spacer(),
            rx.icon_button(
                rx.icon("refresh-cw", size=14),
                size="1",
                variant="ghost",
                aria_label="Refresh",
                on_click=AdminAgentState.refresh_costs,
            ),
            align="center",
            width="100%",
        ),
        rx.hstack(
            rx.text(AdminAgentState.month_cents.to_string(), "¢", size="6", weight="bold", id="month-spend"),
            rx.text(
                AdminAgentState.month_runs.to_string(),
                rx.cond(AdminAgentState.month_runs == 1, " run", " runs"),
                size="2",
                color_scheme="gray",
            ),
            align="baseline",
            spacing="2",
        ),
        rx.recharts.bar_chart(
            rx.recharts.bar(data_key="cents", fill="var(--accent-9)", radius=3),
            rx.recharts.x_axis(data_key="day", tick_line=False, font_size=11),
            rx.recharts.y_axis(width=40, font_size=11),
            rx.recharts.graphing_tooltip(),
            data=AdminAgentState.days,
            height=160,
            width="100%",
        ),
        rx.vstack(
            rx.foreach(
                AdminAgentState.budgets,
                lambda b: rx.box(
                    rx.hstack(
                        rx.text(b.label, size="1"),
                        rx.spacer(),
                        rx.text(b.text, size="1", color_scheme="gray"),
                        width="100%",
                    ),
                    rx.progress(
                        value=b.share, color_scheme=rx.cond(b.share >= 80, "red", "orange"), size="1"
                    ),
                    width="100%",
                ),
            ),
            spacing="2",
            width="100%",
            margin_top="8px",
        ),
        id="cost-widget",
        width="100%",
    )


def _digest_tab(text: str) -> rx.Component:
    return rx.callout(text, icon="calendar-clock", color_scheme="gray", margin_top="12px")


def admin_agent_page() -> rx.Component:
    return admin_page(
        "agent",
        "Assistant",
        rx.grid(
            rx.box(
                rx.select.root(
                    rx.select.trigger(aria_label="What the assistant looks at", min_width="240px"),
                    rx.select.content(
                        rx.foreach(AdminAgentState.scopes, lambda o: rx.select.item(o.label, value=o.value))
                    ),
                    value=AdminAgentState.scope,
                    on_change=AdminAgentState.set_scope,
                ),
                rx.tabs.root(
                    rx.tabs.list(
                        rx.tabs.trigger("Chat", value="chat"),
                        rx.tabs.trigger("Daily Digest", value="daily"),
                        rx.tabs.trigger("Weekly Workspace Digest", value="weekly"),
                        rx.tabs.trigger("Risks & Blockers", value="risks"),
                    ),
                    rx.tabs.content(rx.box(agent_chat(ADMIN_PROMPTS), padding_top="12px"), value="chat"),
                    rx.tabs.content(
                        _digest_tab(
                            "Daily digests are written on a schedule once digests are "
                            "switched on; ask in Chat meanwhile."
                        ),
                        value="daily",
                    ),
                    rx.tabs.content(
                        _digest_tab("The weekly workspace rollup arrives with digests."), value="weekly"
                    ),
                    rx.tabs.content(
                        _digest_tab(
                            "Risks & Blockers arrives with digests; the Blocked tasks "
                            "quick prompt in Chat covers it meanwhile."
                        ),
                        value="risks",
                    ),
                    default_value="chat",
                    margin_top="12px",
                ),
            ),
            _cost_widget(),
            columns=rx.breakpoints(initial="1", lg="3fr 1.2fr"),
            spacing="5",
            width="100%",
        ),
    )
