"""The admin's assistant page (F-12): the whole workspace or one project, tabs
Chat / Daily Digest / Weekly Workspace Digest / Risks & Blockers, quick
prompts, and the cost widget: this month's spend and its trend by day."""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx

from rehome.core.vocab import Audience
from rehome.core.workspace.overview import project_options
from rehome.ui.admin.state_base import AdminState
from rehome.ui.admin.table import admin_page
from rehome.ui.agent.costs import CostState, cost_widget
from rehome.ui.agent.state import AgentState
from rehome.ui.agent.view import ADMIN_PROMPTS, agent_chat
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, admin


class ScopeOption(TypedDict):
    value: str
    label: str


class AdminAgentState(AdminState):
    scopes: ListField[list[ScopeOption]] = list_field()
    scope: rx.Field[str] = rx.field("0")

    @admin(page=True)
    def load(self, ctx: Ctx) -> Any:
        options = project_options(ctx.db, ctx.actor, include_archived=False)
        self.scopes = [
            ScopeOption(value="0", label="Whole workspace"),
            *[ScopeOption(value=str(o.id), label=o.label) for o in options],
        ]
        wanted = self.router.url.query_parameters.get("project", "0")
        self.scope = wanted if wanted in {s["value"] for s in self.scopes} else "0"
        return [CostState.refresh_costs, AgentState.open_scope(int(self.scope), Audience.ADMIN.value)]

    @admin()
    def set_scope(self, ctx: Ctx, value: str) -> Any:
        if value not in {s["value"] for s in self.scopes}:
            return None
        self.scope = value
        return AgentState.open_scope(int(value), Audience.ADMIN.value)


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
            cost_widget(),
            columns=rx.breakpoints(initial="1", lg="3fr 1.2fr"),
            spacing="5",
            width="100%",
        ),
    )
