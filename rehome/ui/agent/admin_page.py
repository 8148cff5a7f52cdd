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
from rehome.ui.digests.admin_state import AdminDigestState
from rehome.ui.digests.admin_view import daily_tab, risks_tab, weekly_tab
from rehome.ui.fields import ListField, list_field
from rehome.ui.guard import Ctx, admin, public


class ScopeOption(TypedDict):
    value: str
    label: str


ADMIN_TABS = ("chat", "daily", "weekly", "risks")


class AdminAgentState(AdminState):
    scopes: ListField[list[ScopeOption]] = list_field()
    scope: rx.Field[str] = rx.field("0")
    tab: rx.Field[str] = rx.field("chat")

    @admin(page=True)
    def load(self, ctx: Ctx) -> Any:
        options = project_options(ctx.db, ctx.actor, include_archived=False)
        self.scopes = [
            ScopeOption(value="0", label="Whole workspace"),
            *[ScopeOption(value=str(o.id), label=o.label) for o in options],
        ]
        query = self.router.url.query_parameters
        wanted = query.get("project", "0")
        self.scope = wanted if wanted in {s["value"] for s in self.scopes} else "0"
        self.tab = query.get("tab", "chat") if query.get("tab") in ADMIN_TABS else "chat"
        return [
            CostState.refresh_costs,
            AgentState.open_scope(int(self.scope), Audience.ADMIN.value),
            AdminDigestState.load_for(int(self.scope)),
        ]

    @admin()
    def set_scope(self, ctx: Ctx, value: str) -> Any:
        if value not in {s["value"] for s in self.scopes}:
            return None
        self.scope = value
        return [
            AgentState.open_scope(int(value), Audience.ADMIN.value),
            AdminDigestState.load_for(int(value)),
        ]

    @public
    def set_tab(self, tab: str) -> None:
        self.tab = tab if tab in ADMIN_TABS else "chat"


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
                    rx.tabs.content(daily_tab(), value="daily"),
                    rx.tabs.content(weekly_tab(), value="weekly"),
                    rx.tabs.content(risks_tab(), value="risks"),
                    value=AdminAgentState.tab,
                    on_change=AdminAgentState.set_tab,
                    margin_top="12px",
                ),
            ),
            cost_widget(),
            columns=rx.breakpoints(initial="1", lg="3fr 1.2fr"),
            spacing="5",
            width="100%",
        ),
    )
