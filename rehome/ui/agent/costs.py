"""The workspace assistant's cost widget (F-12): this month's spend, its trend
by day as a chart, and how much of each budget is used. Admins only."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from rehome.core.agent import ledger
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, admin
from rehome.ui.session import SessionState


class DayBar(TypedDict):
    day: str
    cents: float


class BudgetBar(TypedDict):
    label: str
    text: str
    share: int


class CostState(SessionState):
    month_cents: rx.Field[float] = rx.field(0.0)
    month_runs: rx.Field[int] = rx.field(0)
    days: ListField[list[DayBar]] = list_field()
    budgets: ListField[list[BudgetBar]] = list_field()

    @admin()
    def refresh_costs(self, ctx: Ctx) -> None:
        summary = ledger.cost_summary(ctx.db, ctx.actor)
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


def cost_widget() -> rx.Component:
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
                on_click=CostState.refresh_costs,
            ),
            align="center",
            width="100%",
        ),
        rx.hstack(
            rx.text(CostState.month_cents.to_string(), "¢", size="6", weight="bold", id="month-spend"),
            rx.text(
                CostState.month_runs.to_string(),
                rx.cond(CostState.month_runs == 1, " run", " runs"),
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
            data=CostState.days,
            height=160,
            width="100%",
        ),
        rx.vstack(
            rx.foreach(
                CostState.budgets,
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
